/** Parsers for spotplane's own hub <-> worker events; the schemas are the shared ones in core/messages.ts. */
import {
  HUB_SOURCE,
  LAUNCH_FAILED,
  LAUNCH_HEARTBEAT,
  LAUNCH_REQUESTED,
  LAUNCH_SUCCEEDED,
  type LaunchFailed,
  type LaunchHeartbeat,
  type LaunchRequested,
  type LaunchSucceeded,
  launchFailedSchema,
  launchHeartbeatSchema,
  launchRequestedSchema,
  launchSucceededSchema,
  REGION_LOST,
  type RegionLost,
  regionLostSchema,
  TEARDOWN_COMPLETED,
  TEARDOWN_REQUESTED,
  type TeardownCompleted,
  type TeardownRequested,
  teardownCompletedSchema,
  teardownRequestedSchema,
  WORKER_SOURCE,
} from '../messages.ts';
import type { Parser } from './parser.ts';

export const spotplaneParsers: readonly Parser[] = [
  {
    source: HUB_SOURCE,
    detailType: LAUNCH_REQUESTED,
    schema: launchRequestedSchema,
    build: (d, meta) => ({ kind: 'launch-requested', ...meta, detail: d as LaunchRequested }),
  },
  {
    source: HUB_SOURCE,
    detailType: TEARDOWN_REQUESTED,
    schema: teardownRequestedSchema,
    build: (d, meta) => ({ kind: 'teardown-requested', ...meta, detail: d as TeardownRequested }),
  },
  {
    source: WORKER_SOURCE,
    detailType: LAUNCH_SUCCEEDED,
    schema: launchSucceededSchema,
    build: (d, meta) => ({ kind: 'launch-succeeded', ...meta, detail: d as LaunchSucceeded }),
  },
  {
    source: WORKER_SOURCE,
    detailType: LAUNCH_FAILED,
    schema: launchFailedSchema,
    build: (d, meta) => ({ kind: 'launch-failed', ...meta, detail: d as LaunchFailed }),
  },
  {
    source: WORKER_SOURCE,
    detailType: LAUNCH_HEARTBEAT,
    schema: launchHeartbeatSchema,
    build: (d, meta) => ({ kind: 'launch-heartbeat', ...meta, detail: d as LaunchHeartbeat }),
  },
  {
    source: WORKER_SOURCE,
    detailType: REGION_LOST,
    schema: regionLostSchema,
    build: (d, meta) => ({ kind: 'region-lost', ...meta, detail: d as RegionLost }),
  },
  {
    source: WORKER_SOURCE,
    detailType: TEARDOWN_COMPLETED,
    schema: teardownCompletedSchema,
    build: (d, meta) => ({ kind: 'teardown-completed', ...meta, detail: d as TeardownCompleted }),
  },
];
