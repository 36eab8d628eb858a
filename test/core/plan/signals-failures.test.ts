import { describe, expect, it } from 'vitest';
import { launchBudgetSeconds } from '../../../core/launch-budget.ts';
import { absorbSignals, detectFailures } from '../../../core/plan/index.ts';
import {
  at,
  config,
  instance,
  memory,
  NOW,
  region,
  regionMap,
  request,
  signal,
  unknown,
} from './fixtures.ts';

const serving = instance({ instance_id: 'i-serving' });
const home = { region: 'us-west-2', lifecycle: 'spot' as const };

describe('absorbSignals', () => {
  const base = memory({ home, regions: { 'us-west-2': request({ intent: 4 }) } });
  const regions = regionMap(region('us-west-2', { instances: [serving] }));

  it.each([
    {
      name: 'an interruption warning dooms the instance and excludes the region it serves from',
      signals: [signal({ instance_id: 'i-serving', reason: 'SpotInterruption' })],
      doomed: ['i-serving'],
      excluded: ['us-west-2'],
    },
    {
      name: 'a warning for an instance no longer there is old news',
      signals: [signal({ instance_id: 'i-gone' })],
      doomed: [],
      excluded: [],
    },
    {
      name: 'a launch failure of the current intent excludes the region',
      signals: [signal({ kind: 'launch-failed', intent: 4, reason: 'InsufficientInstanceCapacity' })],
      doomed: [],
      excluded: [],
      note: 'the region is ready already (ready_at set): a late failure report changes nothing',
    },
    {
      name: 'a launch failure of an older intent is stale',
      signals: [signal({ kind: 'launch-failed', intent: 3, reason: 'InsufficientInstanceCapacity' })],
      doomed: [],
      excluded: [],
    },
    {
      name: 'a duplicated warning dooms once',
      signals: [signal({ instance_id: 'i-serving' }), signal({ instance_id: 'i-serving' })],
      doomed: ['i-serving'],
      excluded: ['us-west-2'],
    },
    {
      name: 'a signal about a region outside the configuration is ignored',
      signals: [signal({ region: 'ap-south-1', instance_id: 'i-serving' })],
      doomed: [],
      excluded: [],
    },
  ])('$name', ({ signals, doomed, excluded }) => {
    const out = absorbSignals(base, signals, regions, NOW, config);
    expect(out.doomed.map((d) => d.instance_id)).toEqual(doomed);
    expect(out.exclusions.map((e) => e.region)).toEqual(excluded);
  });

  it('a launch failure of the current intent, still launching, excludes the region with the error as reason', () => {
    const launching = memory({ home, regions: { 'us-west-2': request({ intent: 4, ready_at: null }) } });
    const out = absorbSignals(
      launching,
      [signal({ kind: 'launch-failed', intent: 4, reason: 'InsufficientInstanceCapacity' })],
      regionMap(),
      NOW,
      config,
    );
    expect(out.exclusions).toEqual([
      { region: 'us-west-2', reason: 'InsufficientInstanceCapacity', until: at(1800) },
    ]);
  });

  it.each([
    ['AutoScaling.ThrottlingException', 120],
    ['Throttling', 120],
    ['RequestLimitExceeded', 120],
    ['Ecs.ServerException', 120],
    ['Lambda.TooManyRequestsException', 120],
    ['EventBridge.FailedEntry', 120],
    ['Lambda.EC2ThrottledException', 120],
    ['DynamoDB.ServiceUnavailableException', 120],
    ['InsufficientInstanceCapacity', 1800],
    ['LaunchTimeout', 1800],
    ['Runtime.ExitError', 1800],
    ['States.Timeout', 1800],
  ])(
    'a launch that failed with %s keeps its region aside %i s (AWS failing is a backoff, no capacity an exclusion)',
    (reason, seconds) => {
      const launching = memory({ home, regions: { 'us-west-2': request({ intent: 4, ready_at: null }) } });
      const out = absorbSignals(
        launching,
        [signal({ kind: 'launch-failed', intent: 4, reason })],
        regionMap(),
        NOW,
        config,
      );
      expect(out.exclusions).toEqual([{ region: 'us-west-2', reason, until: at(seconds) }]);
    },
  );

  it('an on-demand launch failure skips the region for on-demand only', () => {
    const launching = memory({
      home: { region: 'us-west-2', lifecycle: 'on-demand' },
      regions: { 'us-west-2': request({ intent: 4, ready_at: null, desired: { spot: 0, on_demand: 1 } }) },
    });
    const out = absorbSignals(
      launching,
      [signal({ kind: 'launch-failed', intent: 4, reason: 'InsufficientInstanceCapacity' })],
      regionMap(),
      NOW,
      config,
    );
    expect(out.exclusions).toEqual([]);
    expect(out.on_demand_failures.map((e) => e.region)).toEqual(['us-west-2']);
  });

  it('a state change of an instance shut down through the EC2 API (a scale-in releasing it) is no loss; one Spot took back is', () => {
    const leaving = (code: string) =>
      regionMap(
        region('us-west-2', {
          instances: [{ ...serving, state: 'shutting-down', ready: false, termination_reason: code }],
        }),
      );
    const lost = [signal({ instance_id: 'i-serving', reason: 'InstanceTerminated' })];
    const released = absorbSignals(base, lost, leaving('Client.UserInitiatedShutdown'), NOW, config);
    expect(released.doomed).toEqual([]);
    expect(released.exclusions).toEqual([]);
    const reclaimed = absorbSignals(base, lost, leaving('Server.SpotInstanceTermination'), NOW, config);
    expect(reclaimed.doomed.map((d) => d.instance_id)).toEqual(['i-serving']);
    expect(reclaimed.exclusions.map((e) => e.region)).toEqual(['us-west-2']);
  });

  it('a state change of an instance that still reads running is a scale-in while the region holds more than the plan asks (EC2 reads are eventually consistent)', () => {
    const spare = instance({ instance_id: 'i-spare' });
    const twoRunning = regionMap(region('us-west-2', { instances: [serving, spare] }));
    const terminated = [signal({ instance_id: 'i-spare', reason: 'InstanceTerminated' })];
    // The plan asks for one Spot replica there and two read running: the group is scaling one in.
    const released = absorbSignals(base, terminated, twoRunning, NOW, config);
    expect(released.doomed).toEqual([]);
    expect(released.exclusions).toEqual([]);
    // Asked for two, two running: nothing is being released, so the instance is lost.
    const asksTwo = memory({
      home,
      regions: { 'us-west-2': request({ intent: 4, desired: { spot: 2, on_demand: 0 } }) },
    });
    const lost = absorbSignals(asksTwo, terminated, twoRunning, NOW, config);
    expect(lost.doomed.map((d) => d.instance_id)).toEqual(['i-spare']);
    expect(lost.exclusions.map((e) => e.region)).toEqual(['us-west-2']);
    const doomedBy = (reason: string, id: string, seen: typeof twoRunning) =>
      absorbSignals(base, [signal({ instance_id: id, reason })], seen, NOW, config).doomed.map(
        (d) => d.instance_id,
      );
    // Spot's StateReason, once EC2 shows it, is a loss whatever the counts (a release elsewhere in the region).
    const reclaimed = instance({
      instance_id: 'i-reclaimed',
      state: 'shutting-down',
      ready: false,
      termination_reason: 'Server.SpotInstanceTermination',
    });
    const releasing = regionMap(region('us-west-2', { instances: [serving, spare, reclaimed] }));
    expect(doomedBy('InstanceTerminated', 'i-reclaimed', releasing)).toEqual(['i-reclaimed']);
    // An interruption warning is Spot taking the instance back, whatever the counts.
    expect(doomedBy('SpotInterruption', 'i-spare', twoRunning)).toEqual(['i-spare']);
    // The group's pending replacement beside a lost instance that still reads running is no scale-in: the loss
    // stands (the 45-day bench's hours-long gaps once EC2's lag was modelled).
    const replacement = instance({ instance_id: 'i-replacement', state: 'pending', ready: false });
    const replacing = regionMap(region('us-west-2', { instances: [serving, replacement] }));
    expect(doomedBy('InstanceTerminated', serving.instance_id, replacing)).toEqual([serving.instance_id]);
  });

  it('a lost on-demand replica is replaced, but does not exclude its region from Spot', () => {
    const onDemand = instance({ instance_id: 'i-od', lifecycle: 'on-demand' });
    const asked = memory({
      home: { region: 'us-west-2', lifecycle: 'on-demand' },
      regions: { 'us-west-2': request({ intent: 4, desired: { spot: 0, on_demand: 1 } }) },
    });
    const out = absorbSignals(
      asked,
      [signal({ instance_id: 'i-od', reason: 'InstanceTerminated' })],
      regionMap(region('us-west-2', { instances: [onDemand] })),
      NOW,
      config,
    );
    expect(out.doomed.map((d) => d.instance_id)).toEqual(['i-od']);
    expect(out.exclusions).toEqual([]);
  });

  it('believes a warning from a region it cannot see this cycle', () => {
    const out = absorbSignals(
      base,
      [signal({ instance_id: 'i-x' })],
      regionMap(unknown('us-west-2')),
      NOW,
      config,
    );
    expect(out.doomed.map((d) => d.instance_id)).toEqual(['i-x']);
  });

  it('a loss without an instance (launch unsuccessful) counts as a failure of the launch in progress', () => {
    const launching = memory({ home, regions: { 'us-west-2': request({ intent: 4, ready_at: null }) } });
    const out = absorbSignals(
      launching,
      [signal({ instance_id: null, reason: 'InsufficientInstanceCapacity' })],
      regionMap(),
      NOW,
      config,
    );
    expect(out.exclusions.map((e) => e.reason)).toEqual(['InsufficientInstanceCapacity']);
  });
});

describe('detectFailures', () => {
  const launching = (overrides = {}) =>
    memory({
      home,
      regions: { 'us-west-2': request({ since: at(-100), sent_at: at(-100), ready_at: null, ...overrides }) },
    });

  it('marks the home region ready when every wanted replica is', () => {
    const out = detectFailures(
      launching(),
      regionMap(region('us-west-2', { instances: [serving] })),
      NOW,
      config,
    );
    expect(out.regions['us-west-2']?.ready_at).toBe(at(0));
  });

  it('a failed scaling activity after the request excludes the region', () => {
    const r = region('us-west-2', {
      failures: [{ at: at(-50), code: 'InsufficientInstanceCapacity', message: 'no capacity' }],
    });
    const out = detectFailures(launching(), regionMap(r), NOW, config);
    expect(out.exclusions.map((e) => [e.region, e.reason])).toEqual([
      ['us-west-2', 'InsufficientInstanceCapacity'],
    ]);
  });

  it('a failed scaling activity from before the request is history', () => {
    const r = region('us-west-2', {
      failures: [{ at: at(-500), code: 'InsufficientInstanceCapacity', message: '' }],
    });
    expect(detectFailures(launching(), regionMap(r), NOW, config).exclusions).toEqual([]);
  });

  it('a launch past its budget (launchBudgetSeconds) is excluded as LaunchTimeout', () => {
    const out = detectFailures(
      launching({ since: at(-(launchBudgetSeconds(config) + 1)) }),
      regionMap(region('us-west-2', { instances: [instance({ ready: false, health: 'UNKNOWN' })] })),
      NOW,
      config,
    );
    expect(out.exclusions.map((e) => e.reason)).toEqual(['LaunchTimeout']);
  });

  it('a region that was ready and lost its replica is excluded, with the Spot reason EC2 gives', () => {
    const gone = instance({
      state: 'terminated',
      ready: false,
      task_status: null,
      termination_reason: 'Server.SpotInstanceTermination',
    });
    const ready = memory({ home, regions: { 'us-west-2': request() } });
    const out = detectFailures(
      ready,
      regionMap(region('us-west-2', { instances: [gone], asg: { desired: 1 } })),
      NOW,
      config,
    );
    expect(out.exclusions.map((e) => e.reason)).toEqual(['SpotInterruption']);
  });

  it('changes nothing for a region it cannot see', () => {
    const m = launching({ since: at(-5000) });
    expect(detectFailures(m, regionMap(unknown('us-west-2')), NOW, config)).toBe(m);
  });
});
