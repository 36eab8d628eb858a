/**
 * What the page reads from the server. Written from the consumer's side: fields that later rounds add
 * (`endpoint`, `replicas`, `regions`, `last_move`, per-instance `region` / `ready`) are optional, and the
 * page shows them when they are there.
 */

export interface StatusInstance {
  instance_id: string;
  public_ip?: string | null;
  private_ip?: string | null;
  instance_type?: string;
  availability_zone?: string;
  lifecycle?: string;
  launch_time?: string;
  region?: string;
  ready?: boolean;
}

export interface Move {
  from: string | null;
  to: string | null;
  reason: string;
  at: string;
}

/** `GET /spot-instances`. */
export interface Status {
  provisioning: string;
  status: string;
  region: string | null;
  instances: StatusInstance[];
  excluded_regions: { region: string; reason: string; until: string }[];
  updated_at?: string | null;
  endpoint?: string | null;
  replicas?: { target: number; spare?: number; ready: number };
  regions?: string[];
  last_move?: Move | null;
}

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
