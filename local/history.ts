/**
 * What the dashboard's charts need and no AWS API keeps: the market and where capacity ran, sampled from
 * the local deployment at a fixed simulated interval. Memory stays bounded: past `maxSamples` every other
 * older sample is dropped (the charts keep the whole span at a coarser step), moves keep the newest
 * `maxMoves`. Cost so far is integrated sample by sample (each instance at its own Spot or on-demand price),
 * with the on-demand bill of the same instances beside it.
 */
import type { HistoryView, MoveRecord } from '../core/history-view.ts';
import type { StatusView } from '../core/status-view.ts';
import type { TimerClock } from '../emulator/clock.ts';
import { onDemandPrice } from '../emulator/market.ts';
import type { LocalControlPlane } from './deployment.ts';
import { apiGatewayEvent } from './http-server.ts';

export type { HistoryView, MoveRecord } from '../core/history-view.ts';

export interface HistoryOptions {
  /** Simulated time between samples (default 30 s). */
  intervalMs?: number;
  /** Samples kept before thinning (default 720). */
  maxSamples?: number;
  /** Moves kept (default 200). */
  maxMoves?: number;
}

interface Running {
  type: string;
  zone: string;
  lifecycle: 'spot' | 'on-demand';
}

interface Sample {
  t: number;
  status: string;
  regions: Record<string, { score: number; price: number; running: number; available: boolean }>;
}

export class HistoryRecorder {
  private readonly samples: Sample[] = [];
  private readonly moves: MoveRecord[] = [];
  private readonly intervalMs: number;
  private readonly maxSamples: number;
  private readonly maxMoves: number;
  private cancel: () => void = () => undefined;
  private stopped = false;
  private lastRegion: string | null = null;
  private lastMoveKey = '';
  private lastExcluded = new Map<string, string>();
  private costAt: number | null = null;
  private running: { region: string; instance: Running }[] = [];
  private usd = 0;
  private onDemandUsd = 0;
  private instanceMs = 0;
  private since: number | null = null;

  constructor(
    private readonly plane: LocalControlPlane,
    private readonly clock: TimerClock,
    options: HistoryOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 30_000;
    this.maxSamples = Math.max(4, options.maxSamples ?? 720);
    this.maxMoves = options.maxMoves ?? 200;
  }

  /** Samples now and then every interval until `stop()`. */
  start(): this {
    const tick = async () => {
      if (this.stopped) return;
      await this.sample();
      if (!this.stopped) this.cancel = this.clock.setTimer(this.intervalMs, () => void tick());
    };
    void tick();
    return this;
  }

  stop(): void {
    this.stopped = true;
    this.cancel();
  }

  /** Takes one sample: the market and what runs in every region, the API's status, cost since the last one. */
  async sample(): Promise<void> {
    const now = this.clock.now().getTime();
    this.accrue(now);
    const status = await this.status();
    const regions: Sample['regions'] = {};
    const running: { region: string; instance: Running }[] = [];
    for (const region of this.plane.regions()) {
      const r = this.plane.cloud.region(region);
      const market = r.market.inputs();
      const live = r.ec2.all().filter((i) => i.state === 'running');
      for (const i of live)
        running.push({ region, instance: { type: i.instanceType, zone: i.zone, lifecycle: i.lifecycle } });
      regions[region] = {
        score: market.placementScore,
        price: market.spotPrice,
        running: live.length,
        available: market.capacityAvailable,
      };
    }
    this.running = running;
    if (running.length > 0) this.since ??= now;
    this.samples.push({ t: now, status: status?.status ?? 'UNKNOWN', regions });
    if (this.samples.length > this.maxSamples) this.thin();
    if (status) this.noteMoves(status, now);
  }

  view(): HistoryView {
    const names = this.plane.regions();
    const column = <K extends keyof Sample['regions'][string]>(region: string, key: K) =>
      this.samples.map((s) => s.regions[region]?.[key] ?? null);
    const now = this.clock.now().getTime();
    const rate = this.rates();
    const pendingHours = this.costAt === null ? 0 : Math.max(0, now - this.costAt) / 3_600_000;
    return {
      interval_s: this.intervalMs / 1000,
      t: this.samples.map((s) => s.t / 1000),
      status: this.samples.map((s) => s.status),
      regions: Object.fromEntries(
        names.map((region) => [
          region,
          {
            score: column(region, 'score'),
            price: column(region, 'price'),
            running: column(region, 'running'),
            available: column(region, 'available'),
          },
        ]),
      ),
      moves: [...this.moves],
      cost: {
        usd: round(this.usd + rate.usd * pendingHours),
        on_demand_usd: round(this.onDemandUsd + rate.onDemand * pendingHours),
        instance_hours: round(
          (this.instanceMs + (this.costAt === null ? 0 : (now - this.costAt) * this.running.length)) /
            3_600_000,
        ),
        usd_per_hour: round(rate.usd),
        since: this.since === null ? null : new Date(this.since).toISOString(),
      },
    };
  }

  /** USD per hour of what runs now: each Spot instance at its zone's price, on-demand at the on-demand price. */
  private rates(): { usd: number; onDemand: number } {
    let usd = 0;
    let onDemand = 0;
    for (const { region, instance } of this.running) {
      const od = onDemandPrice(instance.type);
      onDemand += od;
      usd +=
        instance.lifecycle === 'spot'
          ? this.plane.cloud.region(region).market.price(instance.type, instance.zone)
          : od;
    }
    return { usd, onDemand };
  }

  /** Adds the cost of what ran since the last sample (the instances and prices seen then held until now). */
  private accrue(now: number): void {
    if (this.costAt !== null && now > this.costAt) {
      const hours = (now - this.costAt) / 3_600_000;
      const rate = this.rates();
      this.usd += rate.usd * hours;
      this.onDemandUsd += rate.onDemand * hours;
      this.instanceMs += (now - this.costAt) * this.running.length;
    }
    this.costAt = now;
  }

  private async status(): Promise<StatusView | null> {
    try {
      const now = this.clock.now();
      const event = apiGatewayEvent(
        { headers: {} } as never,
        new URL('http://local/spot-instances'),
        'GET',
        null,
        now,
      );
      const res = await this.plane.handleApi(event);
      return JSON.parse(typeof res.body === 'string' ? res.body : 'null') as StatusView;
    } catch {
      // A sample without the API's view still has the market and what runs.
      return null;
    }
  }

  /**
   * The API's `last_move` when it sends one; else a change of its `region` between two samples, with the
   * reason the old region was excluded for, or, when it was not excluded, a price rebalance (the only move
   * the hub makes without excluding the region it leaves).
   */
  private noteMoves(status: StatusView, now: number): void {
    const excluded = new Map(status.excluded_regions.map((e) => [e.region, e.reason]));
    if (status.last_move) {
      const key = JSON.stringify(status.last_move);
      if (key !== this.lastMoveKey) this.push({ ...status.last_move, source: 'api' });
      this.lastMoveKey = key;
    } else if (
      status.last_move === undefined &&
      status.region &&
      this.lastRegion &&
      status.region !== this.lastRegion
    ) {
      const from = this.lastRegion;
      const reason =
        excluded.get(from) ??
        this.lastExcluded.get(from) ??
        'price rebalance (inferred: the region left was not excluded)';
      this.push({ at: new Date(now).toISOString(), from, to: status.region, reason, source: 'observed' });
    }
    if (status.region) this.lastRegion = status.region;
    this.lastExcluded = excluded;
  }

  private push(move: MoveRecord): void {
    this.moves.push(move);
    if (this.moves.length > this.maxMoves) this.moves.splice(0, this.moves.length - this.maxMoves);
  }

  /** Drops every other sample of the older half: the span stays, the step doubles there. */
  private thin(): void {
    const half = Math.floor(this.samples.length / 2);
    const older = this.samples.slice(0, half).filter((_, i) => i % 2 === 0);
    this.samples.splice(0, half, ...older);
  }
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;
