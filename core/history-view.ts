/**
 * The `GET /_local/history` document (local/history.ts writes it, the dashboard's charts and cost card read
 * it): columns of equal length in uPlot's data layout, the moves with their reasons, and the cost so far.
 */
import type { MoveView } from './status-view.ts';

/** One move of the capacity, with its reason: the API's `last_move` when it sends one, else what was observed. */
export interface MoveRecord extends MoveView {
  /** `api`: the hub's own `last_move`; `observed`: the API's region changed between two samples. */
  source: 'api' | 'observed';
}

/** One region's columns; `null` where the region was not sampled (it joined later). */
export interface RegionHistory {
  score: (number | null)[];
  price: (number | null)[];
  running: (number | null)[];
  available: (boolean | null)[];
}

export interface HistoryView {
  interval_s: number;
  /** Sample times, epoch seconds. */
  t: number[];
  status: string[];
  regions: Record<string, RegionHistory>;
  moves: MoveRecord[];
  cost: {
    /** What the instances cost so far (Spot at the market price, on-demand at the on-demand price), USD. */
    usd: number;
    /** What the same instance-hours would have cost on demand, USD. */
    on_demand_usd: number;
    instance_hours: number;
    /** The current rate, USD per hour. */
    usd_per_hour: number;
    since: string | null;
  };
}
