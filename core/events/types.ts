/** What the event parsers return: one variant per event kind spotplane understands, plus the two no-ops. */
import type {
  LaunchFailed,
  LaunchHeartbeat,
  LaunchRequested,
  LaunchSucceeded,
  RegionLost,
  TeardownCompleted,
  TeardownRequested,
} from '../messages.ts';

/** Fields of the EventBridge envelope every parsed event keeps (for logs and region checks). */
export interface EventMeta {
  id: string | null;
  region: string | null;
  time: string | null;
}

export type Ec2InstanceState =
  | 'pending'
  | 'running'
  | 'stopping'
  | 'stopped'
  | 'shutting-down'
  | 'terminated';

export type ParsedEvent =
  | (EventMeta & { kind: 'spot-interruption-warning'; instanceId: string; instanceAction: string })
  | (EventMeta & { kind: 'rebalance-recommendation'; instanceId: string })
  | (EventMeta & { kind: 'instance-state-change'; instanceId: string; state: Ec2InstanceState })
  | (EventMeta & {
      kind: 'launch-unsuccessful';
      autoScalingGroupName: string;
      instanceId: string | null;
      statusCode: string | null;
      statusMessage: string;
    })
  | (EventMeta & { kind: 'launch-requested'; detail: LaunchRequested })
  | (EventMeta & { kind: 'teardown-requested'; detail: TeardownRequested })
  | (EventMeta & { kind: 'launch-succeeded'; detail: LaunchSucceeded })
  | (EventMeta & { kind: 'launch-failed'; detail: LaunchFailed })
  | (EventMeta & { kind: 'launch-heartbeat'; detail: LaunchHeartbeat })
  | (EventMeta & { kind: 'region-lost'; detail: RegionLost })
  | (EventMeta & { kind: 'teardown-completed'; detail: TeardownCompleted })
  /** A well-formed event of a kind spotplane does not handle: a no-op, never an error. */
  | { kind: 'unknown'; source: string; detailType: string }
  /** An event that does not match its kind's schema: logged and dropped, never thrown back to EventBridge. */
  | { kind: 'malformed'; source: string | null; detailType: string | null; issues: string[] };

export type EventKind = ParsedEvent['kind'];
export type KnownEvent = Exclude<ParsedEvent, { kind: 'unknown' } | { kind: 'malformed' }>;
