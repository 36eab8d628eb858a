/**
 * Throttling of every AWS action spotplane uses, enumerated from the code (actions.ts): one scenario
 * each, judged by the same invariants as the rest of the fault suite.
 */
import { describe, expect, it } from 'vitest';
import { usedActions } from './actions.ts';
import { throttleScenario } from './scenarios.ts';
import { scenarioTests } from './suite.ts';
import { World } from './world.ts';

const used = usedActions();

describe('fault suite: the actions spotplane uses', () => {
  it('finds them in the handlers and the state machines, and LocalCloud answers each of them', async () => {
    const world = await World.create();
    try {
      const unknown = used.filter((u) => !world.plane.cloud.actions(u.service).includes(u.action));
      expect(unknown, 'LocalCloud must emulate every action spotplane calls').toEqual([]);
      // The ones every version of the hub needs, so an empty or broken scan cannot pass.
      expect(used.map((u) => `${u.service}:${u.action}`)).toEqual(
        expect.arrayContaining([
          'autoscaling:UpdateAutoScalingGroup',
          'eventbridge:PutEvents',
          'lambda:Invoke',
        ]),
      );
    } finally {
      await world.plane.cloud.close();
    }
  });
});

describe('fault suite: throttling of every action spotplane uses', () =>
  scenarioTests(used.map(throttleScenario)));
