/**
 * What the page reads from the server. Written from the consumer's side: the API document is core's
 * `StatusView` (round-2 fields optional); the local routes' shapes are those of local/views.ts and
 * local/history.ts, and the page treats what they leave out gracefully.
 */
export type { MoveView, StatusInstanceView, StatusView } from '../../core/status-view.ts';

export interface RegionView {
  region: string;
  role: string;
  asg_desired: number | null;
  instances: {
    instance_id: string;
    state: string;
    lifecycle: string;
    interruption_warning_at: string | null;
  }[];
  ecs_tasks: { task_arn: string; last_status: string; health_status: string }[];
  placement_score: number;
  spot_price: number;
  capacity_available: boolean;
}

/** `GET /_local/state`. */
export interface LocalState {
  now: string;
  missing?: string[];
  regions: RegionView[];
  ssm_parameters?: unknown;
  rules?: unknown;
}

export interface HistoryEventView {
  id: number;
  type: string;
  timestamp: string;
  state: string | null;
  error: string | null;
  cause: string | null;
}

export interface ExecutionView {
  execution_arn: string;
  region: string;
  machine: string;
  name: string;
  status: string;
  start: string;
  stop: string | null;
  error: string | null;
  cause: string | null;
  events: HistoryEventView[];
}

export type { HistoryView, MoveRecord } from '../../core/history-view.ts';
