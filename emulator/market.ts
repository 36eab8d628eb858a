/**
 * The Spot market of one region: placement score, Spot price (a seeded random walk, one step per
 * `priceStepMs`), a capacity pool, Spot capacity per Availability Zone, and how long instances take to boot and
 * containers to get healthy. Every input is settable so a simulator can drive the region from a trace instead
 * of the walk.
 *
 * Zones are the region's real ones (`core/zones.ts`, from AWS's Availability Zone list): Spot capacity is per
 * zone ("Spot capacity pools": an instance type in an Availability Zone, EC2 User Guide, "Spot Instances ...
 * how Spot Instances work"), so a zone can run dry while its neighbours still launch.
 */
import type { Clock } from '../core/clock.ts';
import { availabilityZoneId, availabilityZones } from '../core/zones.ts';
import { type Random, seededRandom } from './random.ts';

export { availabilityZoneId, availabilityZones };

export interface MarketInputs {
  /** Spot placement score, 1-10, as GetSpotPlacementScores reports it for the region. */
  placementScore: number;
  /** USD per hour of the first instance type in the region's cheapest AZ; other types and AZs scale from it. */
  spotPrice: number;
  /** false: every Spot launch fails with InsufficientInstanceCapacity. */
  capacityAvailable: boolean;
  /**
   * false: every on-demand launch fails with InsufficientInstanceCapacity too. On-demand capacity is a pool of
   * its own (EC2 reserves no Spot capacity for on-demand nor the reverse): a region out of Spot usually still
   * has on-demand. Default true.
   */
  onDemandCapacityAvailable?: boolean;
  /**
   * Spot instances each zone can hold at once (e.g. from a measured availability trace); a zone not listed
   * keeps its value, unconstrained until first set. 0 = the zone cannot launch Spot.
   */
  zoneCapacity?: Readonly<Record<string, number>>;
  /** Spot prices per zone and instance type, USD per hour; they replace the prices derived from `spotPrice`. */
  spotPrices?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export interface MarketOptions {
  region: string;
  seed: number | string;
  clock: Clock;
  instanceTypes: readonly string[];
  initial?: Partial<MarketInputs>;
  /** Spot instances the region can hold at once while capacity is available. */
  capacityPool?: number;
  /** On-demand instances the region can hold at once (a pool of its own; default 8). */
  onDemandPool?: number;
  /** Time between two steps of the price walk; `Infinity` freezes prices (a trace sets them instead). */
  priceStepMs?: number;
  /** Fixed launch durations instead of the seeded ranges (e.g. a benchmark's "boot + ready = 90 s"). */
  timing?: Partial<LaunchTiming>;
  /** The region's zone names; default: AWS's zones of the region (`core/zones.ts`). */
  zones?: readonly string[];
}

export interface LaunchTiming {
  bootMs: number;
  /**
   * Instance running until its ECS agent has registered the container instance: the agent starts after the
   * agent restore unit (ordered before ecs.service, it fetches the last checkpoint from S3), then registers.
   */
  agentRegistrationMs: number;
  containerStartMs: number;
  healthyAfterMs: number;
}

export interface PriceRecord {
  instanceType: string;
  availabilityZone: string;
  price: number;
  timestamp: Date;
}

/** Rough Linux on-demand prices (USD/h, us-east-1) so the types keep their real proportions. */
const ON_DEMAND_USD: Record<string, number> = {
  'g4dn.xlarge': 0.526,
  'g5.xlarge': 1.006,
  'g5.2xlarge': 1.212,
  'g6.xlarge': 0.805,
  'g6.2xlarge': 0.978,
  'g6e.xlarge': 1.861,
  'g6e.2xlarge': 2.242,
  'p4d.24xlarge': 32.773,
  'p5.48xlarge': 98.32,
};
const UNKNOWN_TYPE_USD = 1;

/** Extra cost of each further AZ relative to the cheapest one (zones' Spot prices differ by a few percent). */
const AZ_FACTORS = [1, 1.04, 1.09, 1.02, 1.07, 1.11] as const;
const HISTORY_LIMIT = 5000;

export function onDemandPrice(instanceType: string): number {
  return ON_DEMAND_USD[instanceType] ?? UNKNOWN_TYPE_USD;
}

/** One price level in force from `at`: a level for the first type in the cheapest zone, or a full table. */
interface PriceEntry {
  at: number;
  level: number;
  table?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export class RegionMarket {
  readonly region: string;
  readonly instanceTypes: readonly string[];
  readonly zones: string[];
  private readonly clock: Clock;
  private readonly walk: Random;
  private readonly timing: Random;
  private readonly stepMs: number;
  private score: number;
  private available: boolean;
  private readonly pool: number;
  private readonly onDemandPool: number;
  private onDemandAvailable: boolean;
  private onDemandUsed = 0;
  private readonly registration: Random;
  private readonly fixedTiming: Partial<LaunchTiming>;
  private used = 0;
  /** Spot instances each zone can hold; unconstrained (Infinity) until a trace sets it. */
  private readonly zoneCapacity = new Map<string, number>();
  private readonly zoneUsed = new Map<string, number>();
  /** Prices in force from `at` on; newest last. */
  private readonly levels: PriceEntry[] = [];
  private lastStep: number;

  constructor(opts: MarketOptions) {
    this.region = opts.region;
    this.instanceTypes = opts.instanceTypes.length > 0 ? opts.instanceTypes : ['g6.xlarge'];
    this.zones = opts.zones ? [...opts.zones] : availabilityZones(opts.region);
    this.clock = opts.clock;
    this.walk = seededRandom(opts.seed, `price/${opts.region}`);
    this.timing = seededRandom(opts.seed, `timing/${opts.region}`);
    this.stepMs = opts.priceStepMs ?? 15 * 60_000;
    if (!(this.stepMs > 0)) throw new RangeError(`priceStepMs must be positive (got ${opts.priceStepMs})`);
    this.pool = opts.capacityPool ?? 4;
    this.onDemandPool = opts.onDemandPool ?? 8;
    this.onDemandAvailable = opts.initial?.onDemandCapacityAvailable ?? true;
    // Its own stream, so modelling registration leaves the boot and container timings of a seed as they were.
    this.registration = seededRandom(opts.seed, `registration/${opts.region}`);
    this.fixedTiming = opts.timing ?? {};
    const initial = seededRandom(opts.seed, `initial/${opts.region}`);
    this.score = opts.initial?.placementScore ?? Math.round(initial.between(4, 9.99));
    this.available = opts.initial?.capacityAvailable ?? true;
    const od = onDemandPrice(this.instanceTypes[0]!);
    const level = opts.initial?.spotPrice ?? round4(od * initial.between(0.28, 0.45));
    // The initial price holds for the day before the start (so a query over the last hours finds a
    // record) and is the price at the start; the walk moves it from then on.
    const now = this.clock.now().getTime();
    this.levels.push(this.entry(now - 24 * 3_600_000, level, opts.initial?.spotPrices));
    this.lastStep = now;
    if (opts.initial?.zoneCapacity) this.setZoneCapacity(opts.initial.zoneCapacity);
  }

  inputs(): MarketInputs {
    const zoneCapacity = Object.fromEntries(this.zoneCapacity);
    return {
      placementScore: this.score,
      spotPrice: this.level(),
      capacityAvailable: this.available,
      onDemandCapacityAvailable: this.onDemandAvailable,
      ...(this.zoneCapacity.size > 0 ? { zoneCapacity } : {}),
    };
  }

  /** Sets any of the inputs from now on; the price walk continues from a set price. */
  set(inputs: Partial<MarketInputs>): void {
    if (inputs.placementScore !== undefined) this.score = inputs.placementScore;
    if (inputs.capacityAvailable !== undefined) this.available = inputs.capacityAvailable;
    if (inputs.onDemandCapacityAvailable !== undefined)
      this.onDemandAvailable = inputs.onDemandCapacityAvailable;
    if (inputs.zoneCapacity !== undefined) this.setZoneCapacity(inputs.zoneCapacity);
    if (inputs.spotPrice !== undefined || inputs.spotPrices !== undefined) {
      this.catchUp();
      const level = inputs.spotPrice ?? this.level();
      this.levels.push(this.entry(this.clock.now().getTime(), level, inputs.spotPrices));
    }
  }

  placementScore(): number {
    return this.score;
  }

  /** Current Spot price of `instanceType` in `zone`. */
  price(instanceType: string, zone: string, at: Date = this.clock.now()): number {
    this.catchUp();
    return this.priceFrom(this.entryAt(at.getTime()), instanceType, zone);
  }

  /** Price records whose validity overlaps [start, end], newest first, like DescribeSpotPriceHistory. */
  history(start: Date, end: Date): PriceRecord[] {
    this.catchUp();
    const from = start.getTime();
    const to = end.getTime();
    const records: PriceRecord[] = [];
    for (let i = this.levels.length - 1; i >= 0; i--) {
      const entry = this.levels[i]!;
      if (entry.at > to) continue;
      for (const instanceType of this.instanceTypes) {
        for (const zone of this.zones) {
          records.push({
            instanceType,
            availabilityZone: zone,
            price: this.priceFrom(entry, instanceType, zone),
            timestamp: new Date(entry.at),
          });
        }
      }
      // The record in effect at `start` is included, then older ones are not.
      if (entry.at <= from) break;
    }
    return records;
  }

  /** Some zone can take one more Spot instance now. */
  capacityAvailable(): boolean {
    return this.zones.some((z) => this.hasRoom(z));
  }

  /** `zone` can take one more Spot instance now (region switch, region pool and the zone's own capacity). */
  hasRoom(zone: string): boolean {
    return (
      this.available &&
      this.used < this.pool &&
      (this.zoneUsed.get(zone) ?? 0) < (this.zoneCapacity.get(zone) ?? Number.POSITIVE_INFINITY)
    );
  }

  /** Spot instances `zone` can hold at once (Infinity when no trace constrains it). */
  capacityOf(zone: string): number {
    return this.zoneCapacity.get(zone) ?? Number.POSITIVE_INFINITY;
  }

  /** Takes one Spot instance's worth of capacity in `zone` (the cheapest zone with room by default); false when none is left. */
  take(zone?: string): boolean {
    const where = zone ?? this.zones.find((z) => this.hasRoom(z));
    if (where === undefined || !this.hasRoom(where)) return false;
    this.used++;
    this.zoneUsed.set(where, (this.zoneUsed.get(where) ?? 0) + 1);
    return true;
  }

  /** Gives back what `take(zone)` took. */
  release(zone?: string): void {
    this.used = Math.max(0, this.used - 1);
    const where = zone ?? this.zones.find((z) => (this.zoneUsed.get(z) ?? 0) > 0);
    if (where !== undefined) this.zoneUsed.set(where, Math.max(0, (this.zoneUsed.get(where) ?? 0) - 1));
  }

  inUse(): number {
    return this.used;
  }

  /** The region's on-demand pool can take one more instance now. */
  hasOnDemandRoom(): boolean {
    return this.onDemandAvailable && this.onDemandUsed < this.onDemandPool;
  }

  /** Takes one on-demand instance's worth of the region's on-demand pool; false when none is left. */
  takeOnDemand(): boolean {
    if (!this.hasOnDemandRoom()) return false;
    this.onDemandUsed++;
    return true;
  }

  releaseOnDemand(): void {
    this.onDemandUsed = Math.max(0, this.onDemandUsed - 1);
  }

  /**
   * Instance running until the ECS agent registered it: 20-90 s (agent restore unit, then the agent's start and
   * registration; "Amazon ECS container instance lifecycle", ECS Developer Guide).
   */
  agentRegistrationMs(): number {
    if (this.fixedTiming.agentRegistrationMs !== undefined) return this.fixedTiming.agentRegistrationMs;
    return Math.round(this.registration.between(20_000, 90_000));
  }

  /** Instance boot until InService: 60-90 s. */
  bootMs(): number {
    if (this.fixedTiming.bootMs !== undefined) return this.fixedTiming.bootMs;
    return Math.round(this.timing.between(60_000, 90_000));
  }

  /** Image pull and container start until RUNNING: 20-40 s. */
  containerStartMs(): number {
    if (this.fixedTiming.containerStartMs !== undefined) return this.fixedTiming.containerStartMs;
    return Math.round(this.timing.between(20_000, 40_000));
  }

  /** RUNNING until the health check passes: 10-20 s (start + health = 30-60 s). */
  healthyAfterMs(): number {
    if (this.fixedTiming.healthyAfterMs !== undefined) return this.fixedTiming.healthyAfterMs;
    return Math.round(this.timing.between(10_000, 20_000));
  }

  private setZoneCapacity(capacity: Readonly<Record<string, number>>): void {
    for (const [zone, value] of Object.entries(capacity)) {
      if (!this.zones.includes(zone)) {
        throw new RangeError(
          `${zone} is not an Availability Zone of ${this.region} (${this.zones.join(', ')})`,
        );
      }
      if (!(value >= 0)) throw new RangeError(`zone capacity of ${zone} must be >= 0 (got ${value})`);
      this.zoneCapacity.set(zone, value);
    }
  }

  private entry(
    at: number,
    level: number,
    table?: Readonly<Record<string, Readonly<Record<string, number>>>>,
  ): PriceEntry {
    if (!table) return { at, level };
    for (const zone of Object.keys(table)) {
      if (!this.zones.includes(zone)) {
        throw new RangeError(
          `${zone} is not an Availability Zone of ${this.region} (${this.zones.join(', ')})`,
        );
      }
    }
    // With a table the level is what the table says for the first type in its cheapest zone.
    const first = this.instanceTypes[0]!;
    const firstPrices = Object.values(table).flatMap((t) => (t[first] === undefined ? [] : [t[first]!]));
    return { at, level: firstPrices.length > 0 ? Math.min(...firstPrices) : level, table };
  }

  private level(): number {
    this.catchUp();
    return this.levels[this.levels.length - 1]!.level;
  }

  private entryAt(at: number): PriceEntry {
    for (let i = this.levels.length - 1; i >= 0; i--) {
      if (this.levels[i]!.at <= at) return this.levels[i]!;
    }
    return this.levels[0]!;
  }

  private priceFrom(entry: PriceEntry, instanceType: string, zone: string): number {
    const listed = entry.table?.[zone]?.[instanceType];
    if (listed !== undefined) return listed;
    const typeRatio = onDemandPrice(instanceType) / onDemandPrice(this.instanceTypes[0]!);
    const zoneIndex = Math.max(0, this.zones.indexOf(zone));
    return round4(entry.level * typeRatio * (AZ_FACTORS[zoneIndex] ?? 1));
  }

  /** Applies the walk's steps up to now; lazily, so the result does not depend on who asks when. */
  private catchUp(): void {
    if (!Number.isFinite(this.stepMs)) return;
    const now = this.clock.now().getTime();
    const od = onDemandPrice(this.instanceTypes[0]!);
    while (this.lastStep + this.stepMs <= now) {
      this.lastStep += this.stepMs;
      const current = this.entryAt(this.lastStep).level;
      const moved = current * (1 + this.walk.between(-0.04, 0.04));
      this.levels.push({ at: this.lastStep, level: round4(Math.min(od, Math.max(od * 0.15, moved))) });
      if (this.levels.length > HISTORY_LIMIT) this.levels.shift();
    }
  }
}

function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
