/**
 * The invariant checker: evaluated after every clock step on observable state only (what runs in each
 * LocalCloud region, what the API answers, which executions run). Each invariant states a property a
 * user relies on; time-bounded ones use `bounds.ts`, derived from the configuration.
 */
import type { Bounds } from './bounds.ts';
import { type ApiAnswer, DISRUPTIVE, type Op, type World } from './world.ts';

/** What the checker reads: a world's observable state (a stub in the checker's own tests). */
export type Observable = Pick<World, 'clock' | 'config' | 'region' | 'orchestratorExecutions' | 'api'>;

export interface Violation {
  at: string;
  invariant: InvariantName;
  message: string;
}

export const INVARIANTS = {
  'single-region': 'at most one region holds capacity, except during a make-before-break move (bounded)',
  'fleet-bounded':
    'a fleet runs at most target + spare instances in all and maxPerRegion in one region, except while a replacement is made before the break (bounded)',
  'teardown-empties':
    'after disable + teardown, nothing runs anywhere (ASG 0, no instance, no task) within a bound',
  'nothing-comes-back':
    'after disable + teardown has emptied every region, nothing runs again until an enable',
  'hands-off-starts-nothing':
    'after a plain disable, a region that held nothing stays empty (a launch not yet started is fenced off) within a bound',
  'reaches-running':
    'while enabled and some region qualifies, RUNNING with a ready replica is reached within a bound',
  'status-matches': "the API's status matches what runs (allowing the documented lag of one cycle)",
  'one-orchestrator': 'at most one Orchestrator execution runs',
} as const;
export type InvariantName = keyof typeof INVARIANTS;

interface Intent {
  enabled: boolean;
  teardown: boolean;
  at: number;
}

/** What the report says of a worker region. */
interface RegionView {
  name: string;
  desired: number;
  instances: unknown[];
  tasks: unknown[];
  ready: unknown[];
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

export class InvariantChecker {
  readonly violations: Violation[] = [];
  private intent: Intent;
  /** Since when each persistent condition has held (absent: it does not hold now). */
  private readonly since = new Map<string, number>();
  private lastDisruption = Number.NEGATIVE_INFINITY;
  /** Per region, when it last stopped qualifying (dry, interrupted, score too low). */
  private readonly disqualified = new Map<string, number>();
  private emptied = false;
  private handChangeSinceTeardown = false;
  private handChangeWhileDisabled = false;
  /** The regions that held nothing when the last plain disable was made (none after any other toggle). */
  private emptyAtDisable = new Set<string>();
  /** When a person last changed an ASG (while enabled, spotplane has the move bound to undo it). */
  private lastHandChange = Number.NEGATIVE_INFINITY;
  /**
   * Until when a worker's state machines are down (mute-worker): a teardown there cannot run, whatever the
   * hub does, so the teardown bound counts from the moment the worker can answer again.
   */
  private workerOutageUntil = Number.NEGATIVE_INFINITY;
  /** The last toggle was answered 5xx: until one is accepted, the API may show either state. */
  private toggleInDoubt = false;
  /** The last API answer, for the report. */
  lastStatus: ApiAnswer | null = null;

  constructor(
    private readonly world: Observable,
    private readonly bounds: Bounds,
  ) {
    this.intent = { enabled: false, teardown: false, at: world.clock.now().getTime() };
  }

  /** Records an operation the scenario applied and what its surface answered. */
  noteOp(op: Op, answer: ApiAnswer): void {
    const now = this.world.clock.now().getTime();
    // A toggle counts from the moment it is made: a 5xx may still have applied it (the harness retries it).
    if (
      (op.op === 'enable' || op.op === 'disable') &&
      (answer.statusCode === 200 || answer.statusCode >= 500)
    ) {
      const same =
        this.intent.enabled === (op.op === 'enable') &&
        this.intent.teardown === (op.op === 'disable' && op.teardown);
      // A retry of the request in doubt keeps the moment it was first made.
      const since = same && this.toggleInDoubt ? this.intent.at : now;
      this.intent = { enabled: op.op === 'enable', teardown: op.op === 'disable' && op.teardown, at: since };
      this.toggleInDoubt = answer.statusCode >= 500;
      this.emptied = false;
      this.handChangeSinceTeardown = false;
      const plain = op.op === 'disable' && !op.teardown;
      // Hands off (a plain disable) leaves as it is what a person set and spotplane has not had time to undo.
      this.handChangeWhileDisabled = plain && now - this.lastHandChange <= this.bounds.moveMs;
      // A retried plain disable keeps the regions of its first try.
      if (!(plain && same))
        this.emptyAtDisable = new Set(
          plain ? this.world.config.workerRegions.filter((r) => !this.world.region(r).holds) : [],
        );
    }
    if (DISRUPTIVE.has(op.op)) this.lastDisruption = now;
    if (op.op === 'asg') {
      this.handChangeSinceTeardown = true;
      this.lastHandChange = now;
      // Told to keep its hands off (a plain disable), spotplane is not to blame for what a person adds.
      if (!this.intent.enabled) this.handChangeWhileDisabled = true;
    }
    if (op.op === 'mute-worker') {
      this.workerOutageUntil = Math.max(this.workerOutageUntil, now + op.minutes * 60_000);
    }
    if (op.op === 'interrupt') {
      const hit = op.region === 'serving' ? ((answer.body.interrupted as string[]) ?? []) : [op.region];
      for (const region of hit) this.disqualified.set(region, now);
    }
  }

  /** Evaluates every invariant at the current time. */
  async check(): Promise<void> {
    const w = this.world;
    const now = w.clock.now().getTime();
    const regions = w.config.workerRegions.map((name) => ({ name, ...w.region(name) }));
    for (const r of regions) if (!this.qualifies(r)) this.disqualified.set(r.name, now);

    if (this.fleet) this.checkFleetBounded(regions, now);
    else {
      const holding = regions.filter((r) => r.holds).map((r) => r.name);
      this.persist(
        'single-region',
        holding.length > 1 && !this.handChangeWhileDisabled,
        now,
        this.bounds.moveMs,
        () =>
          `${holding.join(' and ')} have held capacity at once for more than ${seconds(this.bounds.moveMs)}`,
      );
    }

    // one-orchestrator
    const orchestrators = w.orchestratorExecutions().filter((e) => e.status === 'RUNNING');
    this.persist(
      'one-orchestrator',
      orchestrators.length > 1,
      now,
      this.bounds.orchestratorOverlapMs,
      () =>
        `${orchestrators.length} Orchestrator executions running: ${orchestrators.map((e) => e.name).join(', ')}`,
    );

    const started = regions.filter((r) => this.emptyAtDisable.has(r.name) && r.holds).map((r) => r.name);
    this.persist(
      'hands-off-starts-nothing',
      !this.intent.enabled && started.length > 0 && !this.handChangeWhileDisabled,
      now,
      this.bounds.teardownMs,
      () =>
        `${started.join(', ')} held nothing at the plain disable and still hold capacity ${seconds(this.bounds.teardownMs)} on: ${this.describe(regions)}`,
    );

    // teardown-empties / nothing-comes-back
    const empty = regions.every((r) => !r.holds);
    if (!this.intent.enabled && this.intent.teardown && !this.handChangeSinceTeardown) {
      if (empty) this.emptied = true;
      else if (this.emptied) {
        this.violate(
          'nothing-comes-back',
          now,
          `capacity came back after teardown: ${this.describe(regions)}`,
        );
      } else if (now - Math.max(this.intent.at, this.workerOutageUntil) > this.bounds.teardownMs) {
        this.violate(
          'teardown-empties',
          now,
          `${seconds(now - this.intent.at)} after disable + teardown, still running: ${this.describe(regions)}`,
        );
      }
    }

    // status-matches, reaches-running
    const answer = await w.api('GET', '/spot-instances');
    this.lastStatus = answer;
    if (answer.statusCode !== 200) {
      this.persist(
        'status-matches',
        true,
        now,
        this.bounds.lagMs,
        () => `GET /spot-instances answers ${answer.statusCode}`,
        'api-down',
      );
      return;
    }
    this.since.delete('status-matches/api-down');
    const api = answer.body as {
      status: string;
      region: string | null;
      instances: { instance_id: string }[];
      provisioning: string;
      replicas?: { ready: number };
    };
    const at = api.region ? regions.find((r) => r.name === api.region) : undefined;
    if ((api.status === 'RUNNING' || api.status === 'FAILING_OVER') && api.region === null) {
      this.violate('status-matches', now, `the API says ${api.status} with region null`);
    }
    const wantProvisioning = this.intent.enabled ? 'enabled' : 'disabled';
    this.persist(
      'status-matches',
      api.provisioning !== wantProvisioning && !this.toggleInDoubt,
      now,
      0,
      () =>
        `provisioning is "${api.provisioning}" after the API accepted ${wantProvisioning === 'enabled' ? 'enable' : 'disable'}`,
      'provisioning',
    );
    this.persist(
      'status-matches',
      api.status === 'RUNNING' && (at?.ready.length ?? 0) === 0,
      now,
      this.bounds.lagMs,
      () => `the API says RUNNING in ${api.region} but no replica is ready there (${this.describe(regions)})`,
      'running-without-replica',
    );
    const liveIds = new Set(regions.flatMap((r) => r.instances.map((i) => i.instanceId)));
    const gone = api.instances.filter((i) => !liveIds.has(i.instance_id)).map((i) => i.instance_id);
    this.persist(
      'status-matches',
      gone.length > 0,
      now,
      this.bounds.lagMs,
      () => `the API lists instances that no longer exist: ${gone.join(', ')}`,
      'ghost-instances',
    );
    this.persist(
      'status-matches',
      api.status === 'TEARING_DOWN' && empty,
      now,
      this.bounds.lagMs,
      () => 'the API says TEARING_DOWN while nothing runs anywhere',
      'tearing-down-when-empty',
    );
    this.persist(
      'status-matches',
      !this.intent.enabled &&
        this.intent.teardown &&
        api.status === 'DISABLED' &&
        !empty &&
        !this.handChangeSinceTeardown,
      now,
      this.bounds.lagMs,
      () => `the API says DISABLED after a teardown while capacity runs: ${this.describe(regions)}`,
      'disabled-while-running',
    );
    const readyNow = regions.reduce((n, r) => n + r.ready.length, 0);
    // While enabled: after a plain disable the hub keeps its hands off and the API shows its last look.
    this.persist(
      'status-matches',
      this.intent.enabled && api.replicas !== undefined && api.replicas.ready !== readyNow,
      now,
      this.bounds.lagMs,
      () =>
        `the API says ${api.replicas?.ready} replica(s) ready, ${readyNow} are: ${this.describe(regions)}`,
      'ready-count',
    );
    const serving = regions.filter((r) => r.ready.length > 0).map((r) => r.name);
    this.persist(
      'status-matches',
      this.intent.enabled && serving.length > 0 && api.status !== 'RUNNING' && api.status !== 'FAILING_OVER',
      now,
      this.bounds.lagMs,
      () => `a replica has been ready in ${serving.join(', ')} but the API says ${api.status}`,
      'serving-not-running',
    );

    const eligible = regions.filter((r) => this.eligible(r.name, now));
    // A fleet serves once its target is ready, wherever; it can only while enough regions may hold replicas.
    const { targetCapacity, maxPerRegion } = w.config;
    const servingRunning =
      api.status === 'RUNNING' && (this.fleet ? readyNow >= targetCapacity : (at?.ready.length ?? 0) > 0);
    const room = this.fleet ? eligible.length * maxPerRegion >= targetCapacity : eligible.length > 0;
    const expectRunning = this.intent.enabled && room && !servingRunning;
    const from = Math.max(this.intent.at, this.lastDisruption, this.eligibleSince(now));
    if (expectRunning && now - from > this.bounds.runningMs) {
      this.violate(
        'reaches-running',
        now,
        `enabled, ${eligible.map((r) => r.name).join(', ')} eligible, but not RUNNING${this.fleet ? ` with ${targetCapacity} ready` : ''} ${seconds(now - from)} later: status ${api.status}, ${this.describe(regions)}`,
      );
    }
  }

  /** The fleet policy places replicas over regions (more than one replica, or `placementPolicy: "fleet"`). */
  private get fleet(): boolean {
    return this.world.config.placementPolicy === 'fleet';
  }

  /**
   * A fleet's size and spread: every live instance counts (a warned one until it is gone), so a replacement
   * launched before its loss dies, or a move's new replicas before the old ones go, may exceed the sizes for
   * as long as a move takes. A person's ASG change while disabled is not spotplane's doing.
   */
  private checkFleetBounded(regions: RegionView[], now: number): void {
    const { targetCapacity, spareCapacity, maxPerRegion } = this.world.config;
    const fleetSize = targetCapacity + spareCapacity;
    const live = regions.reduce((n, r) => n + r.instances.length, 0);
    this.persist(
      'fleet-bounded',
      live > fleetSize && !this.handChangeWhileDisabled,
      now,
      this.bounds.moveMs,
      () =>
        `${live} instances have run for more than ${seconds(this.bounds.moveMs)} for a fleet of ${fleetSize}: ${this.describe(regions)}`,
      'size',
    );
    const crowded = regions.filter((r) => r.instances.length > maxPerRegion).map((r) => r.name);
    this.persist(
      'fleet-bounded',
      crowded.length > 0 && !this.handChangeWhileDisabled,
      now,
      this.bounds.moveMs,
      () =>
        `${crowded.join(', ')} have run more than maxPerRegion ${maxPerRegion} instances for more than ${seconds(this.bounds.moveMs)}: ${this.describe(regions)}`,
      'spread',
    );
  }

  private qualifies(r: {
    capacity: boolean;
    market: { placementScore: number; spotPrice: number };
  }): boolean {
    const c = this.world.config;
    return (
      r.capacity &&
      r.market.placementScore >= c.minPlacementScore &&
      (c.maxSpotPrice === undefined || r.market.spotPrice <= c.maxSpotPrice)
    );
  }

  /** A region is eligible once it qualifies and any exclusion spotplane may have put on it has run out. */
  private eligible(region: string, now: number): boolean {
    const lost = this.disqualified.get(region);
    return lost === undefined || now - lost >= this.bounds.exclusionMs;
  }

  /** Since when some region has been eligible without a break (the earliest moment it became so). */
  private eligibleSince(now: number): number {
    let best = Number.POSITIVE_INFINITY;
    for (const region of this.world.config.workerRegions) {
      if (!this.eligible(region, now)) continue;
      const lost = this.disqualified.get(region);
      best = Math.min(best, lost === undefined ? Number.NEGATIVE_INFINITY : lost + this.bounds.exclusionMs);
    }
    return best;
  }

  private persist(
    invariant: InvariantName,
    holds: boolean,
    now: number,
    allowedMs: number,
    message: () => string,
    key: string = invariant,
  ): void {
    const id = `${invariant}/${key}`;
    if (!holds) {
      this.since.delete(id);
      return;
    }
    const start = this.since.get(id) ?? now;
    this.since.set(id, start);
    if (now - start > allowedMs || (allowedMs === 0 && now >= start)) this.violate(invariant, now, message());
  }

  private violate(invariant: InvariantName, now: number, message: string): void {
    if (this.violations.some((v) => v.invariant === invariant && v.message === message)) return;
    this.violations.push({ at: new Date(now).toISOString(), invariant, message });
  }

  private describe(regions: RegionView[]): string {
    return regions
      .map(
        (r) =>
          `${r.name}: desired ${r.desired}, ${r.instances.length} instance(s), ${r.tasks.length} task(s), ${r.ready.length} ready`,
      )
      .join('; ');
  }
}
