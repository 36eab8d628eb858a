/**
 * How long AWS takes, as LocalCloud models it. Each entry is a latency distribution (median and 99th
 * percentile, log-normal between them, capped at twice the p99) with the source it comes from. LocalCloud
 * samples it on the injected clock from a seeded stream, so the same seed gives the same delays and a
 * virtual clock still runs a simulated month in seconds.
 *
 * AWS publishes no latency SLA for these paths; where it documents a figure it is cited, otherwise a
 * published measurement is. Values are per hop: a rule that forwards to another region's bus pays
 * `eventBridgeDelivery` and then `crossRegionBusToBus` before that bus's rules deliver again.
 */
import { type Random, seededRandom } from './random.ts';

export interface LatencyDistribution {
  /** Median, milliseconds. */
  p50Ms: number;
  /** 99th percentile, milliseconds; samples are capped at twice this. */
  p99Ms: number;
  /** Where the figure comes from (AWS documentation, or a published measurement). */
  source: string;
}

/** The modelled latencies of the AWS paths spotplane's control loop takes. */
export const AWS_LATENCIES = {
  /**
   * A matched event reaching a rule's target in the same region (PutEvents accepted -> target invoked).
   * Amazon Key on EventBridge: 80 ms p90 end to end over 14 M subscriber calls; a log-normal through
   * p50 45 ms / p90 80 ms puts p99 near 130 ms.
   */
  eventBridgeDelivery: {
    p50Ms: 45,
    p99Ms: 130,
    source:
      'AWS Architecture Blog, "Mastering millisecond latency and millions of events: the event-driven architecture behind the Amazon Key Suite" (2026-02-04): 80 ms p90 end-to-end',
  },
  /**
   * The extra hop when a rule's target is an event bus in another region: the inter-region network
   * (60-90 ms round trip between us-east-1, us-west-2 and eu-west-1 in published ping matrices) plus the
   * target bus ingesting the event.
   */
  crossRegionBusToBus: {
    p50Ms: 90,
    p99Ms: 300,
    source:
      'EventBridge User Guide, "Sending and receiving events between AWS Regions"; inter-region RTTs from cloudping.co and S. Agarwal, "Public Cloud Inter-region Network Latency as Heat-maps" (2018)',
  },
  /**
   * Lambda cold start of a small Node.js function (init duration). Measured for nodejs20.x, 256 MB, small
   * packages: average 242-305 ms, p90 584-643 ms; AWS: "from under 100 ms to over 1 second".
   */
  lambdaColdStart: {
    p50Ms: 260,
    p99Ms: 1000,
    source:
      'Lambda Developer Guide, "Understanding the Lambda execution environment lifecycle" (cold starts from under 100 ms to over 1 s); A. Tanasa, "Lambda Cold Starts Benchmark" nodejs20.x (2023-11-20)',
  },
  /** Invoking a warm execution environment (same benchmark: average warm duration about 20 ms). */
  lambdaWarmStart: {
    p50Ms: 20,
    p99Ms: 60,
    source:
      'A. Tanasa, "Lambda Cold Starts Benchmark" nodejs20.x (2023-11-20): average warm duration 19-34 ms',
  },
  /**
   * One Step Functions Standard state transition plus the dispatch of its Task to the integration
   * ("each state transition adds tens to low hundreds of milliseconds").
   */
  stepFunctionsTransition: {
    p50Ms: 50,
    p99Ms: 250,
    source:
      'Cloud Codex, "AWS Step Functions" (toolkit-v2.pages.dev): "each state transition adds tens to low hundreds of milliseconds of overhead"',
  },
  /**
   * One AWS API call from inside AWS (request signed, sent, answered), e.g. a Lambda calling DynamoDB or ECS:
   * DynamoDB documents single-digit milliseconds for the data plane; control-plane calls measured about 30 ms
   * per AWS layer a request crosses.
   */
  apiCall: {
    p50Ms: 25,
    p99Ms: 150,
    source:
      'DynamoDB Developer Guide, "What is Amazon DynamoDB?" (single-digit millisecond performance); Serverless Forum, "Lambda call latency" (2018): each AWS layer adds about 30 ms',
  },
  /**
   * An enabled (or newly created) rule starting to match. AWS gives no figure, only that a change "might not"
   * take effect "immediately" and to "allow a short period of time"; modelled as seconds, with a tail.
   */
  ruleChangePropagation: {
    p50Ms: 5_000,
    p99Ms: 30_000,
    source:
      'EventBridge User Guide, "Creating rules that react to events" / "Event bus targets": a new or updated rule or target might not take effect immediately',
  },
  /**
   * An asynchronous Lambda invocation waiting in Lambda's internal queue before a function instance takes it
   * ("events can be delayed in the queue"); modelled small in the normal case.
   */
  lambdaAsyncQueue: {
    p50Ms: 30,
    p99Ms: 1_000,
    source:
      'Lambda Developer Guide, "How Lambda handles errors and retries with asynchronous invocation": events wait in a queue; delivery is at least once',
  },
  /**
   * A change to an EC2 instance (launched, state, why it ended) showing in DescribeInstances. AWS gives no
   * figure: the API is eventually consistent, a new instance may be "not found" at first, and callers should
   * poll "starting with a couple of seconds of wait time" and back off up to minutes. Modelled as about a
   * second, with a tail of several.
   */
  ec2DescribeConsistency: {
    p50Ms: 1_000,
    p99Ms: 8_000,
    source:
      'EC2 Developer Guide, "Eventual consistency in the Amazon EC2 API": results might not be immediately visible; poll starting with a couple of seconds',
  },
} as const satisfies Record<string, LatencyDistribution>;

export type LatencyKind = keyof typeof AWS_LATENCIES;
export type LatencyTable = Record<LatencyKind, LatencyDistribution>;

/**
 * An idle Lambda execution environment is recycled after about 10 minutes, so the next invocation is cold
 * (M. Shilkov, "AWS Lambda Cold Starts After 10 Minutes", 2019).
 */
export const LAMBDA_IDLE_RECYCLE_MS = 10 * 60_000;

/** z-score of the 99th percentile of a standard normal distribution. */
const Z_P99 = 2.3263;

/** Samples the modelled latencies; one seeded stream per kind, so adding draws of one kind never moves another. */
export class LatencyModel {
  private readonly streams = new Map<LatencyKind, Random>();

  constructor(
    private readonly seed: number | string,
    readonly table: LatencyTable = AWS_LATENCIES,
  ) {}

  /** A delay in whole milliseconds for one occurrence of `kind`. */
  sample(kind: LatencyKind): number {
    const { p50Ms, p99Ms } = this.table[kind];
    if (p50Ms <= 0) return 0;
    const random = this.stream(kind);
    // Box-Muller on two draws of the stream: a standard normal z.
    const u1 = Math.max(random.next(), Number.MIN_VALUE);
    const u2 = random.next();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    const sigma = Math.log(Math.max(p99Ms, p50Ms) / p50Ms) / Z_P99;
    return Math.round(Math.min(2 * p99Ms, p50Ms * Math.exp(sigma * z)));
  }

  private stream(kind: LatencyKind): Random {
    let random = this.streams.get(kind);
    if (!random) {
      random = seededRandom(this.seed, `latency/${kind}`);
      this.streams.set(kind, random);
    }
    return random;
  }
}

/** A model whose every delay is 0: LocalCloud answering at once, for tests that do not drive the clock. */
export function noLatency(): LatencyModel {
  const zero = { p50Ms: 0, p99Ms: 0, source: 'none' };
  return new LatencyModel(
    0,
    Object.fromEntries(Object.keys(AWS_LATENCIES).map((k) => [k, zero])) as LatencyTable,
  );
}
