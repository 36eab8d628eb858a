/** The shapes of the fleet placement policy (docs/DESIGN.md "Fleets and placement"). */

/** A capacity loss or a failed launch, remembered as risk (`recordCapacityEvents` keeps them bounded). */
export interface CapacityEvent {
  /** Epoch ms. */
  at: number;
  region: string;
  /** The zone it happened in, when known. */
  zone: string | null;
  kind: 'interrupted' | 'launch_failed';
}

/** Replicas of one purchase option in one region, as observed. */
export interface RunningCount {
  ready: number;
  /** Launched, not ready yet. */
  pending: number;
  /**
   * Of `pending`, those that serve already (a healthy task) while clients cannot reach them yet (the endpoint's
   * health checks have not passed): a loss in the region calls launches off, never these.
   */
  unrouted?: number;
}

export interface RegionInput {
  region: string;
  /** false: the region's observation failed this cycle; its replicas stay as they are and nothing new goes there. */
  known: boolean;
  /** Epoch ms until which the region takes no new replica (an exclusion); null when not excluded. */
  excludedUntil: number | null;
  /**
   * The exclusion is only for launches that failed there (a scaling activity's error), not for a loss: the
   * replicas that did launch are on their way and stay. Absent or false: its launches in flight are called off.
   */
  excludedForLaunches?: boolean;
  /** Spot placement score (1-10); null when unknown. */
  score: number | null;
  /** Spot price per instance type in each zone, USD per hour (zones or types without a price left out). */
  zones: readonly { zone: string; spotPrices: Readonly<Record<string, number>> }[];
  /** On-demand price per instance type, USD per hour. */
  onDemandPrices: Readonly<Record<string, number>>;
  running: {
    /** Spot replicas, without the doomed ones (warned or going away): those are replaced, not counted. */
    spot: RunningCount;
    onDemand: RunningCount;
  };
}

export interface FleetSettings {
  targetCapacity: number;
  spareCapacity: number;
  maxPerRegion: number;
  onDemandFallback: boolean;
  minPlacementScore: number;
  maxSpotPrice?: number;
  /** A replica moves to a region whose expected cost is at least this fraction lower (0 = never by choice). */
  rebalanceMinSavings: number;
}

/** The numbers behind the policy's weights (DESIGN.md explains each). */
export interface PlacementWeights {
  /**
   * Value of one replica-hour below target for a single replica, in hours of the cheapest on-demand replica; a
   * fleet of n values each missing replica at this / sqrt(n).
   */
  downtimeOnDemandHours: number;
  /** Half-life of a remembered interruption as risk, seconds. */
  riskHalfLifeSeconds: number;
  /** Interruptions in one region within this of the first are one outage, counted once as risk, seconds. */
  outageSeconds: number;
  /** Interruptions per hour assumed for a region with placement score 1 and no history (score 10: a tenth). */
  priorLossesPerHour: number;
  /** First wait after a failed launch before the region takes new replicas again, seconds (doubles, capped). */
  dryBackoffSeconds: number;
  dryBackoffMaxSeconds: number;
  /** How long a one-off cost (a cold start) is spread over when compared with hourly costs, seconds. */
  horizonSeconds: number;
  /** Most hedge replicas added above spareCapacity. */
  maxHedge: number;
}

export interface PlacementInput {
  /** Epoch ms. */
  now: number;
  fleet: FleetSettings;
  /** Instance boot + container healthy, seconds: how long a replacement leaves the fleet short. */
  coldStartSeconds: number;
  regions: readonly RegionInput[];
  history: readonly CapacityEvent[];
  weights?: Partial<PlacementWeights>;
}

export interface Desired {
  spot: number;
  on_demand: number;
}

export interface RegionRank {
  region: string;
  /** Takes new Spot replicas this cycle. */
  eligible: boolean;
  /** Cheapest Spot price over its zones and the configured types, USD/h; null when none. */
  spot_usd_per_hour: number | null;
  /** Expected capacity losses per hour of a replica there (prior from the score + remembered history). */
  risk_per_hour: number;
  /** Spot price + expected cost of its losses, USD/h; null when not eligible. */
  expected_usd_per_hour: number | null;
  why: string;
}

export interface PlacementDecision {
  /** Absolute replicas wanted per region (doomed ones not counted); every input region is listed. */
  desired: Record<string, Desired>;
  /** Every region, best first (eligible ones by expected cost, then the others). */
  ranked: RegionRank[];
  /** Spot replicas added above spareCapacity because the risk pays for them. */
  hedge: { replicas: number; why: string };
  /** Replicas on on-demand because Spot cannot supply them now (or costs more than on-demand with its risk). */
  shortfall_on_demand: number;
  /** The expected cost of serving of the chosen placement, USD/h (price + losses' expected cost). */
  expected_usd_per_hour: number;
}
