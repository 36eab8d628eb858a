/** What every emulated service of one region shares: identity, clock, market, ids and the event sink. */
import type { TimerClock } from './clock.ts';
import type { RegionMarket } from './market.ts';
import { hash32 } from './random.ts';

export interface AwsEventInput {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  resources?: string[];
}

export interface RegionContext {
  region: string;
  accountId: string;
  clock: TimerClock;
  market: RegionMarket;
  ids: IdSource;
  /**
   * Time from a Spot interruption warning to the termination; AWS gives two minutes ("Spot Instance
   * interruption notices", EC2 User Guide). 0 = no warning at all (the instance is reclaimed at once), for
   * comparisons with published simulations that assume none. Default 120 s.
   */
  interruptionNoticeMs?: number;
  /**
   * How long a change to an instance takes to show in DescribeInstances (EC2's eventual consistency), drawn
   * once per change; absent or 0: at once.
   */
  describeLagMs?: () => number;
  /** Puts an AWS service event (`aws.ec2`, `aws.autoscaling`) on the region's default bus. */
  emitAwsEvent(event: AwsEventInput): void;
}

/** Ids shaped like AWS's, deterministic for a seed so runs can be compared. */
export class IdSource {
  private counter = 0;
  constructor(private readonly seed: string) {}

  /** `count` hex digits. */
  hex(count: number): string {
    const n = this.counter++;
    let out = '';
    for (let i = 0; out.length < count; i++)
      out += hash32(`${this.seed}/${n}/${i}`).toString(16).padStart(8, '0');
    return out.slice(0, count);
  }

  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  sequence(): number {
    return this.counter++;
  }
}

/** Pages `items` with an opaque offset token, as AWS list calls do. */
export function paginate<T>(
  items: readonly T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
  fallbackMax: number,
  invalidToken: (token: string) => Error,
): { page: T[]; nextToken: string | undefined } {
  let offset = 0;
  if (nextToken !== undefined && nextToken !== '') {
    const decoded = Number.parseInt(
      Buffer.from(nextToken, 'base64url').toString('utf8').replace(/^o:/, ''),
      10,
    );
    if (!Number.isInteger(decoded) || decoded < 0 || decoded > items.length) throw invalidToken(nextToken);
    offset = decoded;
  }
  const size = maxResults && maxResults > 0 ? maxResults : fallbackMax;
  const page = items.slice(offset, offset + size);
  const end = offset + page.length;
  return {
    page,
    nextToken: end < items.length ? Buffer.from(`o:${end}`, 'utf8').toString('base64url') : undefined,
  };
}
