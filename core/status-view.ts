/**
 * The `GET /spot-instances` document as its readers (the status CLI, the dashboard) take it: every field the
 * first round defined, and the round-2 fields (`endpoint`, `replicas`, `regions`, per-instance `region` /
 * `ready`, `last_move`) optional, so a reader works against a server that does not send them yet.
 */

export interface StatusInstanceView {
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

export interface MoveView {
  from: string | null;
  to: string | null;
  reason: string;
  at: string;
}

export interface StatusView {
  provisioning: string;
  status: string;
  region: string | null;
  instances: StatusInstanceView[];
  excluded_regions: { region: string; reason: string; until: string }[];
  updated_at?: string | null;
  endpoint?: string | null;
  replicas?: { target: number; spare?: number; ready: number } | null;
  regions?: string[] | null;
  last_move?: MoveView | null;
}

/** The statuses the API documents. */
export const STATUSES = [
  'DISABLED',
  'PROVISIONING',
  'RUNNING',
  'FAILING_OVER',
  'NOT_AVAILABLE',
  'TEARING_DOWN',
] as const;

/**
 * Whether `value` has the fields every reader needs (the first round's contract); a proxy's HTML page or an
 * error body is not a status.
 */
export function isStatusView(value: unknown): value is StatusView {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.status === 'string' &&
    typeof v.provisioning === 'string' &&
    (v.region === null || typeof v.region === 'string') &&
    Array.isArray(v.instances) &&
    Array.isArray(v.excluded_regions)
  );
}

/** The regions that hold capacity: the API's `regions` when it sends them, else those of the instances and `region`. */
export function regionsOf(status: StatusView): string[] {
  if (Array.isArray(status.regions)) return status.regions;
  const regions = new Set<string>();
  if (status.region) regions.add(status.region);
  for (const i of status.instances) if (i.region) regions.add(i.region);
  return [...regions];
}

/** Ready replicas over the target, when the API says; else null (a first-round server only lists instances). */
export function replicaSummary(status: StatusView): { ready: number; target: number; spare: number } | null {
  const r = status.replicas;
  if (!r || typeof r.target !== 'number' || typeof r.ready !== 'number') return null;
  return { ready: r.ready, target: r.target, spare: typeof r.spare === 'number' ? r.spare : 0 };
}
