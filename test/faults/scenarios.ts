/**
 * The fault suite's scenarios: what happens to a deployment and when. None of them states an expected
 * sequence of steps; each is judged by the invariants alone (invariants.ts).
 */
import { throttlingError, type UsedAction } from './actions.ts';
import type { Scenario, Step } from './run.ts';
import { type Op, WORKERS, type WorldOptions } from './world.ts';

export interface NamedScenario extends Scenario {
  name: string;
}

const at = (seconds: number, op: Op): Step => ({ at: seconds, op });
const enable: Op = { op: 'enable' };
const disable: Op = { op: 'disable', teardown: false };
const teardown: Op = { op: 'disable', teardown: true };
const hub = 'us-east-1';
/** Long enough after enable for the first launch to be RUNNING (boot + container + a look or two). */
const SETTLED = 900;

/** Issue 11's four defects, as a user meets them. */
export const DEFECTS: NamedScenario[] = [
  {
    name: 'defect 1 (lost teardown confirmation): disable + teardown on an idle deployment, then enable',
    steps: [at(0, teardown), at(SETTLED, enable)],
  },
  {
    name: 'defect 2 (stale teardown wipes a new run): disable + teardown, enable at once, then an interruption',
    steps: [
      at(0, enable),
      at(SETTLED, teardown),
      at(SETTLED + 1, enable),
      at(3 * SETTLED, { op: 'interrupt', region: 'serving' }),
    ],
  },
  {
    name: 'defect 3 (re-enable after a plain disable): the old region must not keep running beside the new one',
    steps: [
      at(0, enable),
      at(SETTLED, disable),
      at(SETTLED + 60, { op: 'market', region: 'us-west-2', placement_score: 4 }),
      at(SETTLED + 120, enable),
    ],
  },
  {
    name: 'defect 4 (orphaned launch): disable during a launch, enable again; the old launch must not undo the new one',
    steps: [
      at(0, enable),
      at(30, disable),
      at(45, enable),
      at(50, {
        op: 'fault',
        region: 'us-west-2',
        service: 'ecs',
        action: 'RunTask',
        error: 'ThrottlingException',
        count: 1,
      }),
    ],
  },
];

/** Enable / disable in every order and overlap a user (or two users) can produce. */
export const TOGGLES: NamedScenario[] = [
  {
    name: 'concurrent teardown confirmations: disable + teardown while running, every worker confirming at once',
    steps: [at(0, enable), at(SETTLED, teardown)],
  },
  { name: 'enable during teardown', steps: [at(0, enable), at(SETTLED, teardown), at(SETTLED + 30, enable)] },
  { name: 'disable + teardown during the first launch', steps: [at(0, enable), at(30, teardown)] },
  { name: 'plain disable during the first launch', steps: [at(0, enable), at(30, disable)] },
  { name: 'double enable (two users at once)', steps: [at(0, enable), at(0, enable)] },
  {
    name: 'double disable + teardown (two users at once)',
    steps: [at(0, enable), at(SETTLED, teardown), at(SETTLED, teardown)],
  },
  {
    name: 'enable / disable race within one second ends disabled',
    steps: [at(0, enable), at(SETTLED, teardown), at(SETTLED, enable), at(SETTLED, teardown)],
  },
  {
    name: 'disable / enable race within one second ends enabled',
    steps: [at(0, enable), at(SETTLED, teardown), at(SETTLED, enable)],
  },
  {
    name: 'plain disable, then disable + teardown',
    steps: [at(0, enable), at(SETTLED, disable), at(2 * SETTLED, teardown)],
  },
];

/** Spot interruptions at the awkward moments. */
export const INTERRUPTIONS: NamedScenario[] = [
  {
    name: 'interruption of the serving region (make-before-break failover)',
    steps: [at(0, enable), at(SETTLED, { op: 'interrupt', region: 'serving' })],
  },
  {
    name: 'interruption during the launch',
    steps: [at(0, enable), at(100, { op: 'interrupt', region: 'us-west-2' })],
  },
  {
    name: 'plain disable during a failover (hands off must not freeze a move with both regions up)',
    steps: [at(0, enable), at(SETTLED, { op: 'interrupt', region: 'serving' }), at(SETTLED + 30, disable)],
  },
  {
    name: 'interruption during teardown',
    steps: [at(0, enable), at(SETTLED, teardown), at(SETTLED + 5, { op: 'interrupt', region: 'serving' })],
  },
  {
    name: 'interruption during a failover (the replacement is interrupted too)',
    steps: [
      at(0, enable),
      at(SETTLED, { op: 'interrupt', region: 'serving' }),
      at(SETTLED + 100, { op: 'interrupt', region: 'eu-west-1' }),
    ],
  },
  {
    name: 'every region interrupted in turn (all excluded, then back after the exclusion)',
    steps: [
      at(0, enable),
      at(SETTLED, { op: 'interrupt', region: 'serving' }),
      at(2 * SETTLED, { op: 'interrupt', region: 'serving' }),
      at(3 * SETTLED, { op: 'interrupt', region: 'serving' }),
    ],
    runFor: 6000,
  },
];

/** The market: capacity, scores, prices. */
export const MARKET: NamedScenario[] = [
  {
    name: 'the best region has no Spot capacity at enable',
    steps: [at(0, { op: 'capacity', region: 'us-west-2', available: false }), at(1, enable)],
  },
  {
    name: 'all regions dry, then back',
    steps: [
      ...WORKERS.map((region) => at(0, { op: 'capacity', region, available: false })),
      at(1, enable),
      ...WORKERS.map((region) => at(1800, { op: 'capacity', region, available: true })),
    ],
    runFor: 6000,
  },
  {
    name: 'another region becomes much cheaper (price rebalance, make-before-break)',
    steps: [at(0, enable), at(SETTLED, { op: 'market', region: 'eu-west-1', spot_price: 0.1 })],
    runFor: 7200,
  },
  {
    name: 'the serving region loses its capacity pool and is then interrupted',
    steps: [
      at(0, enable),
      at(SETTLED, { op: 'capacity', region: 'us-west-2', available: false }),
      at(SETTLED + 60, { op: 'interrupt', region: 'us-west-2' }),
    ],
  },
];

const fault = (region: string, service: string, action: string, error: string, count: number): Op => ({
  op: 'fault',
  region,
  service,
  action,
  error,
  count,
});

/** AWS failing spotplane: lost events, crashes, silence, hands in the console. */
export const FAULTS: NamedScenario[] = [
  {
    name: 'PutEvents failed entries on the hub: the launch request is lost',
    steps: [at(0, fault(hub, 'eventbridge', 'PutEvents', 'FailedEntry', 1)), at(1, enable)],
  },
  {
    name: 'PutEvents failed entries in the worker: its launch result is lost',
    steps: [at(0, fault('us-west-2', 'eventbridge', 'PutEvents', 'FailedEntry', 3)), at(1, enable)],
  },
  {
    name: 'PutEvents failed entries on the launch request, plain disable a second later: the late launch is fenced off',
    steps: [at(0, fault(hub, 'eventbridge', 'PutEvents', 'FailedEntry', 1)), at(0, enable), at(1, disable)],
  },
  {
    name: 'PutEvents failed entries on the teardown request',
    steps: [
      at(0, enable),
      at(SETTLED - 1, fault(hub, 'eventbridge', 'PutEvents', 'FailedEntry', 2)),
      at(SETTLED, teardown),
    ],
  },
  {
    name: 'a hub Lambda crashes (function error) while launching',
    steps: [at(0, enable), at(1, fault(hub, 'lambda', 'Invoke', 'Runtime.ExitError', 3))],
  },
  {
    name: 'hub Lambdas are throttled (TooManyRequestsException) during a failover',
    steps: [
      at(0, enable),
      at(SETTLED, fault(hub, 'lambda', 'Invoke', 'TooManyRequestsException', 5)),
      at(SETTLED + 1, { op: 'interrupt', region: 'serving' }),
    ],
  },
  {
    name: 'a worker Lambda crashes while launching',
    steps: [at(0, fault('us-west-2', 'lambda', 'Invoke', 'Runtime.ExitError', 2)), at(1, enable)],
  },
  {
    name: 'a worker that never answers (its state machines die silently for an hour)',
    steps: [at(0, { op: 'mute-worker', region: 'us-west-2', minutes: 60 }), at(1, enable)],
  },
  {
    name: 'a worker that never answers a teardown',
    steps: [
      at(0, enable),
      at(SETTLED, { op: 'mute-worker', region: 'us-west-2', minutes: 30 }),
      at(SETTLED + 1, teardown),
    ],
  },
  {
    name: 'the hub restarts mid-cycle: Orchestrator stopped, then started again with its last input',
    steps: [
      at(0, enable),
      at(SETTLED, { op: 'stop-orchestrator' }),
      at(SETTLED + 60, { op: 'restart-orchestrator' }),
    ],
  },
  {
    name: 'the Orchestrator is stopped during the first launch and started again',
    steps: [at(0, enable), at(30, { op: 'stop-orchestrator' }), at(90, { op: 'restart-orchestrator' })],
  },
  {
    name: 'the Orchestrator is stopped and nobody restarts it; then the serving region is interrupted',
    steps: [
      at(0, enable),
      at(SETTLED, { op: 'stop-orchestrator' }),
      at(SETTLED + 300, { op: 'interrupt', region: 'serving' }),
    ],
  },
  {
    name: "an unused region's Auto Scaling group set to 1 by hand",
    steps: [at(0, enable), at(SETTLED, { op: 'asg', region: 'eu-west-1', desired_capacity: 1 })],
  },
  {
    name: "the serving region's Auto Scaling group set to 0 by hand",
    steps: [at(0, enable), at(SETTLED, { op: 'asg', region: 'us-west-2', desired_capacity: 0 })],
  },
  {
    name: 'an Auto Scaling group set to 1 by hand before anything is enabled',
    steps: [at(0, { op: 'asg', region: 'eu-west-1', desired_capacity: 1 }), at(300, enable)],
  },
];

const worker = 'spotplane.worker';

/** EventBridge's at-least-once, unordered delivery: events duplicated, late (overtaken), or lost. */
export const DELIVERIES: NamedScenario[] = [
  {
    name: 'every worker event delivered twice (launch results, losses, teardown confirmations)',
    steps: [
      at(0, { op: 'delivery', kind: 'duplicate', source: worker, times: 50 }),
      at(1, enable),
      at(SETTLED, { op: 'interrupt', region: 'serving' }),
      at(3 * SETTLED, teardown),
    ],
  },
  {
    name: 'reordered: the launch result arrives after the interruption that followed it',
    steps: [
      at(0, { op: 'delivery', kind: 'delay', detailType: 'Launch Succeeded', delayMs: 600_000, times: 2 }),
      at(1, enable),
      at(300, { op: 'interrupt', region: 'serving' }),
    ],
  },
  {
    name: 'reordered: a teardown confirmation arrives late, after a re-enable',
    steps: [
      at(0, { op: 'delivery', kind: 'delay', detailType: 'Teardown Completed', delayMs: 600_000, times: 3 }),
      at(1, enable),
      at(SETTLED, teardown),
      at(SETTLED + 30, enable),
    ],
  },
  {
    name: 'the launch request is dropped',
    steps: [at(0, { op: 'delivery', kind: 'drop', detailType: 'Launch Requested', times: 1 }), at(1, enable)],
  },
  {
    name: 'the teardown requests are dropped',
    steps: [
      at(0, enable),
      at(SETTLED - 1, { op: 'delivery', kind: 'drop', detailType: 'Teardown Requested', times: 3 }),
      at(SETTLED, teardown),
    ],
  },
  {
    name: 'the interruption warning is dropped (the instances still die)',
    steps: [
      at(0, enable),
      at(SETTLED - 1, {
        op: 'delivery',
        kind: 'drop',
        detailType: 'EC2 Spot Instance Interruption Warning',
        times: 3,
      }),
      at(SETTLED, { op: 'interrupt', region: 'serving' }),
    ],
  },
  {
    name: "the worker's loss report is dropped",
    steps: [
      at(0, enable),
      at(SETTLED - 1, { op: 'delivery', kind: 'drop', detailType: 'Region Lost', times: 3 }),
      at(SETTLED, { op: 'interrupt', region: 'serving' }),
    ],
  },
];

/**
 * One scenario per action spotplane uses: that action throttled (a few calls, in every region) while
 * enabling, during a failover and during teardown. The throttle is re-armed before each phase.
 */
export function throttleScenario(used: UsedAction): NamedScenario {
  const error = throttlingError(used.service, used.action);
  const arm = (t: number) =>
    [hub, ...WORKERS.filter((r) => r !== hub)].map((region) =>
      at(t, fault(region, used.service, used.action, error, 3)),
    );
  return {
    name: `${used.service}:${used.action} throttled (${error}) while enabling, failing over and tearing down`,
    steps: [
      ...arm(0),
      at(1, enable),
      ...arm(2 * SETTLED),
      at(2 * SETTLED + 1, { op: 'interrupt', region: 'serving' }),
      ...arm(4 * SETTLED),
      at(4 * SETTLED + 1, teardown),
    ],
  };
}

/**
 * A fleet (issue 13): two ready replicas and one spare, at most one per region, so it needs every worker
 * region and a loss anywhere is a partial failover. Judged by the same invariants, with `fleet-bounded` in
 * place of `single-region` and RUNNING meaning the target is ready.
 */
export const FLEET_WORLD: WorldOptions = { config: { targetCapacity: 2, spareCapacity: 1, maxPerRegion: 1 } };

const fleet = (name: string, steps: Step[]): NamedScenario => ({
  name: `fleet: ${name}`,
  world: FLEET_WORLD,
  steps,
});

export const FLEET: NamedScenario[] = [
  fleet('enable, then disable + teardown', [at(0, enable), at(SETTLED, teardown)]),
  fleet('one replica interrupted (partial failover)', [
    at(0, enable),
    at(SETTLED, { op: 'interrupt', region: 'us-west-2' }),
  ]),
  fleet('every replica interrupted at once', [
    at(0, enable),
    at(SETTLED, { op: 'interrupt', region: 'serving' }),
  ]),
  fleet('a region loses its Spot capacity, then its replica is interrupted', [
    at(0, enable),
    at(SETTLED, { op: 'capacity', region: 'eu-west-1', available: false }),
    at(SETTLED + 60, { op: 'interrupt', region: 'eu-west-1' }),
  ]),
  fleet('a region without capacity at enable', [
    at(0, { op: 'capacity', region: 'us-west-2', available: false }),
    at(1, enable),
  ]),
  fleet('interruption during the first launch', [
    at(0, enable),
    at(100, { op: 'interrupt', region: 'us-west-2' }),
  ]),
  fleet("a serving region's Auto Scaling group set to 0 by hand", [
    at(0, enable),
    at(SETTLED, { op: 'asg', region: 'us-west-2', desired_capacity: 0 }),
  ]),
  fleet("a serving region's Auto Scaling group set to 3 by hand", [
    at(0, enable),
    at(SETTLED, { op: 'asg', region: 'eu-west-1', desired_capacity: 3 }),
  ]),
  fleet('the hub restarts mid-cycle during a partial failover', [
    at(0, enable),
    at(SETTLED, { op: 'interrupt', region: 'us-east-1' }),
    at(SETTLED + 20, { op: 'stop-orchestrator' }),
    at(SETTLED + 80, { op: 'restart-orchestrator' }),
  ]),
  fleet('disable + teardown during a partial failover, then enable', [
    at(0, enable),
    at(SETTLED, { op: 'interrupt', region: 'us-west-2' }),
    at(SETTLED + 30, teardown),
    at(2 * SETTLED, enable),
  ]),
  fleet('a worker that never answers while its replica is interrupted', [
    at(0, enable),
    at(SETTLED, { op: 'mute-worker', region: 'eu-west-1', minutes: 30 }),
    at(SETTLED + 1, { op: 'interrupt', region: 'eu-west-1' }),
  ]),
];
