/**
 * spotplane's placement policy (`core/placement`) on the fleet model against a trace whose optimum is known: the
 * optimum is computed here by hand, independently of `report.ts`'s oracle.
 */
import { describe, expect, it } from 'vitest';
import { runFleetModel } from '../../sim/fleet-model.ts';
import { onDemandPrice } from '../../sim/on-demand-prices.ts';
import { placementModelPolicy } from '../../sim/policies/placement-model.ts';
import { accountRun } from '../../sim/report.ts';
import { steps, zonedTrace } from './fixtures.ts';

const SPOT = 0.3;
const LAUNCH_S = 120;
/** The planner's look while something is in flight (`placement-model.ts`), the longest a loss waits unseen. */
const LOOK_S = 20;

const fleet = (targetCapacity: number) => ({
  targetCapacity,
  spareCapacity: 0,
  maxPerRegion: targetCapacity,
  onDemandFallback: true,
  minPlacementScore: 1,
  rebalanceMinSavings: 0.1,
});

describe('placement policy on the fleet model', () => {
  // One day, two regions of one zone each. us-east-1 is dry 06:00-08:00 and 15:00-15:30, us-east-2
  // 07:00-09:00: between 07:00 and 08:00 no Spot exists anywhere.
  const trace = zonedTrace(1, {
    'us-east-1': { 'us-east-1a': steps([0, 2], [360, 0], [480, 2], [900, 0], [930, 2]) },
    'us-east-2': { 'us-east-2a': steps([0, 2], [420, 0], [540, 2]) },
  });
  // The clairvoyant optimum for one replica: Spot at 0.3 USD/h for the 23 h some region has it, on-demand for
  // the hour none has, always available.
  const onDemand = onDemandPrice('us-east-1', 'g6.xlarge');
  const optimumUsd = 23 * SPOT + 1 * onDemand;
  // Capacity is lost at most three times while serving (06:00, 07:00, 15:00): each costs at most one look
  // and one cold start below target.
  const lossBoundS = 3 * (LOOK_S + LAUNCH_S);

  it('stays within three cold starts of the optimum availability and within 10 % of its cost', () => {
    const run = accountRun(
      trace,
      runFleetModel(trace, placementModelPolicy({ fleet: fleet(1), coldStartSeconds: LAUNCH_S }), {
        targetCapacity: 1,
        warningMs: 0,
        launchMs: LAUNCH_S * 1000,
      }),
    );
    expect(run.downtimeS).toBeLessThanOrEqual(lossBoundS);
    expect(run.availability).toBeGreaterThanOrEqual(1 - lossBoundS / 86_400);
    expect(run.costUsd).toBeLessThanOrEqual(optimumUsd * 1.1);
  });
});
