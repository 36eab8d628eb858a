import { describe, expect, it } from 'vitest';
import { type HubState, initialHubState } from '../../core/messages.ts';
import {
  activeExclusions,
  clearLossToken,
  decideRegionLost,
  exclude,
  isoUtc,
  lossSettled,
  lossToSettle,
  lossUnsettled,
  nextBackoffSeconds,
  provisioningDisabled,
  provisioningEnabled,
  publicStatus,
  recordRunning,
  registerLossToken,
  rememberLoss,
  setStatus,
  teardownCompleted,
  teardownFinished,
  withoutExpiredExclusions,
} from '../../core/state.ts';

const t0 = new Date('2026-11-24T10:00:00.000Z');
const later = new Date('2026-11-24T10:05:00.000Z');

const instance = {
  instance_id: 'i-0abc',
  public_ip: '54.1.2.3',
  private_ip: '10.0.0.12',
  instance_type: 'g6.xlarge',
  availability_zone: 'us-west-2b',
  lifecycle: 'spot' as const,
  launch_time: '2026-11-24T10:00:00Z',
};

const running: HubState = {
  ...initialHubState(t0),
  status: 'RUNNING',
  region: 'us-west-2',
  lifecycle: 'spot',
  instances: [instance],
  loss_token: 'loss-token',
};

describe('isoUtc', () => {
  it('drops milliseconds, as the public contract shows times', () => {
    expect(isoUtc(new Date('2026-11-24T10:00:00.123Z'))).toBe('2026-11-24T10:00:00Z');
  });
});

describe('exclusions', () => {
  it('excludes a region until now + ttl with its reason', () => {
    const next = exclude(
      initialHubState(t0),
      { region: 'eu-west-1', reason: 'InsufficientInstanceCapacity' },
      t0,
      1800,
    );
    expect(next.excluded_regions).toEqual([
      { region: 'eu-west-1', reason: 'InsufficientInstanceCapacity', until: '2026-11-24T10:30:00Z' },
    ]);
    expect(next.updated_at).toBe('2026-11-24T10:00:00Z');
  });

  it('replaces an earlier exclusion of the same region instead of listing it twice', () => {
    const once = exclude(initialHubState(t0), { region: 'eu-west-1', reason: 'LaunchTimeout' }, t0, 1800);
    const twice = exclude(once, { region: 'eu-west-1', reason: 'SpotInterruption' }, later, 1800);
    expect(twice.excluded_regions).toEqual([
      { region: 'eu-west-1', reason: 'SpotInterruption', until: '2026-11-24T10:35:00Z' },
    ]);
  });

  it('drops expired exclusions when it adds one', () => {
    const old = exclude(initialHubState(t0), { region: 'eu-west-1', reason: 'x' }, t0, 60);
    const next = exclude(old, { region: 'us-east-2', reason: 'y' }, later, 60);
    expect(next.excluded_regions.map((e) => e.region)).toEqual(['us-east-2']);
  });

  it.each([
    ['one second before until', '2026-11-24T10:29:59Z', 1],
    ['exactly at until', '2026-11-24T10:30:00Z', 0],
    ['after until', '2026-11-24T11:00:00Z', 0],
  ])('counts an exclusion as active %s', (_label, at, expected) => {
    const state = exclude(initialHubState(t0), { region: 'eu-west-1', reason: 'x' }, t0, 1800);
    expect(activeExclusions(state, new Date(at))).toHaveLength(expected);
    expect(withoutExpiredExclusions(state, new Date(at)).excluded_regions).toHaveLength(expected);
  });
});

describe('transitions', () => {
  it('sets a status and stamps the time', () => {
    expect(setStatus(initialHubState(t0), 'NOT_AVAILABLE', later)).toMatchObject({
      status: 'NOT_AVAILABLE',
      updated_at: '2026-11-24T10:05:00Z',
    });
  });

  it('records the running region, lifecycle and instances', () => {
    const next = recordRunning(
      setStatus(initialHubState(t0), 'PROVISIONING', t0),
      { region: 'us-west-2', lifecycle: 'on-demand', instances: [instance] },
      later,
    );
    expect(next).toMatchObject({
      status: 'RUNNING',
      region: 'us-west-2',
      lifecycle: 'on-demand',
      instances: [instance],
    });
  });

  it('registers and clears the loss token', () => {
    const withToken = registerLossToken(initialHubState(t0), 'tok', t0);
    expect(withToken.loss_token).toBe('tok');
    expect(clearLossToken(withToken, later).loss_token).toBeNull();
  });

  it('enabling goes to PROVISIONING and forgets a stale loss token', () => {
    expect(provisioningEnabled(running, later)).toMatchObject({ status: 'PROVISIONING', loss_token: null });
  });

  it('disabling without teardown goes to DISABLED and keeps showing what still runs', () => {
    expect(provisioningDisabled(running, later, [])).toMatchObject({
      status: 'DISABLED',
      region: 'us-west-2',
      instances: [instance],
      loss_token: null,
    });
  });

  it('disabling with teardown waits for every region, each listed once', () => {
    const next = provisioningDisabled(running, later, ['us-west-2', 'eu-west-1', 'us-west-2']);
    expect(next).toMatchObject({ status: 'TEARING_DOWN', teardown_pending: ['us-west-2', 'eu-west-1'] });
  });
});

describe('teardownCompleted', () => {
  const tearing = provisioningDisabled(running, t0, ['us-west-2', 'eu-west-1']);

  it('stays TEARING_DOWN while another region has not confirmed, but stops showing the torn-down region', () => {
    const next = teardownCompleted(tearing, 'us-west-2', later);
    expect(next).toMatchObject({
      status: 'TEARING_DOWN',
      teardown_pending: ['eu-west-1'],
      region: null,
      instances: [],
      lifecycle: null,
    });
    expect(teardownFinished(tearing, next)).toBe(false);
  });

  it('becomes DISABLED with nothing running when the last region confirms', () => {
    const next = teardownCompleted(teardownCompleted(tearing, 'eu-west-1', later), 'us-west-2', later);
    expect(next).toMatchObject({ status: 'DISABLED', teardown_pending: [], region: null, instances: [] });
  });

  it('reports the teardown finished only on the confirming step', () => {
    const almost = teardownCompleted(tearing, 'eu-west-1', later);
    const done = teardownCompleted(almost, 'us-west-2', later);
    expect(teardownFinished(almost, done)).toBe(true);
    expect(teardownFinished(done, teardownCompleted(done, 'us-west-2', later))).toBe(false);
  });

  it('after a failover teardown of the old region keeps the new region running', () => {
    const next = teardownCompleted({ ...running, region: 'eu-west-1' }, 'us-west-2', later);
    expect(next).toMatchObject({ status: 'RUNNING', region: 'eu-west-1', instances: [instance] });
  });

  it('returns the very same document for a region it neither waits on nor runs in', () => {
    const state = { ...running, region: 'eu-west-1' };
    expect(teardownCompleted(state, 'us-west-2', later)).toBe(state);
  });

  it('is harmless when repeated', () => {
    const once = teardownCompleted(tearing, 'eu-west-1', later);
    expect(teardownCompleted(once, 'eu-west-1', later)).toEqual(once);
  });
});

describe('decideRegionLost', () => {
  it.each([
    [
      'the current region with a waiting Orchestrator',
      running,
      'us-west-2',
      { action: 'RELEASE_LOSS_TOKEN', token: 'loss-token' },
    ],
    ['another region', running, 'eu-west-1', { action: 'IGNORE', reason: 'NOT_CURRENT_REGION' }],
    [
      'no waiting Orchestrator (remembered for later)',
      { ...running, loss_token: null },
      'us-west-2',
      { action: 'REMEMBER' },
    ],
    [
      'another region while none waits',
      { ...running, loss_token: null },
      'eu-west-1',
      { action: 'REMEMBER' },
    ],
    [
      'a teardown',
      { ...running, status: 'TEARING_DOWN' as const },
      'us-west-2',
      { action: 'IGNORE', reason: 'TEARING_DOWN' },
    ],
  ])('decides for %s', (_label, state, region, expected) => {
    expect(decideRegionLost(state, { region })).toEqual(expected);
  });
});

describe('nextBackoffSeconds', () => {
  it.each([
    [0, 600, 30],
    [1, 600, 60],
    [3, 600, 240],
    [5, 600, 600],
    [50, 600, 600],
    [1e9, 3600, 3600],
    [-2, 600, 30],
    [2.7, 600, 120],
  ])('attempt %d with cap %d waits %d s', (attempt, cap, expected) => {
    expect(nextBackoffSeconds(attempt, cap)).toBe(expected);
  });
});

describe('publicStatus', () => {
  it('shows exactly the contract fields, hiding expired exclusions', () => {
    const state = exclude(
      exclude(running, { region: 'eu-west-1', reason: 'A' }, t0, 60),
      { region: 'ap-south-1', reason: 'B' },
      t0,
      1800,
    );
    expect(publicStatus('enabled', state, later)).toEqual({
      provisioning: 'enabled',
      status: 'RUNNING',
      region: 'us-west-2',
      instances: [instance],
      excluded_regions: [{ region: 'ap-south-1', reason: 'B', until: '2026-11-24T10:30:00Z' }],
      updated_at: '2026-11-24T10:00:00Z',
    });
  });

  it('shows every stored time to the second, as the contract does', () => {
    const stored = {
      ...running,
      instances: [{ ...instance, launch_time: '2026-11-24T09:58:01.120Z' }],
      excluded_regions: [{ region: 'eu-west-1', reason: 'A', until: '2026-11-24T12:30:00.500+02:00' }],
      updated_at: '2026-11-24T10:00:57.793Z',
    };
    const view = publicStatus('enabled', stored, later);
    expect(view.instances[0]?.launch_time).toBe('2026-11-24T09:58:01Z');
    expect(view.excluded_regions).toEqual([
      { region: 'eu-west-1', reason: 'A', until: '2026-11-24T10:30:00Z' },
    ]);
    expect(view.updated_at).toBe('2026-11-24T10:00:57Z');
  });

  it('passes a stored text that is no zoned instant through unchanged', () => {
    const stored = {
      ...running,
      instances: [{ ...instance, launch_time: '2026-11-24T09:58:01' }],
      updated_at: 'soon',
    };
    const view = publicStatus('enabled', stored, later);
    expect(view.instances[0]?.launch_time).toBe('2026-11-24T09:58:01');
    expect(view.updated_at).toBe('soon');
  });

  it('lists a region excluded twice once, with the later expiry, as the RegionFinder counts it', () => {
    const twice = {
      ...running,
      excluded_regions: [
        { region: 'eu-west-1', reason: 'A', until: '2026-11-24T10:20:00Z' },
        { region: 'eu-west-1', reason: 'B', until: '2026-11-24T10:40:00Z' },
      ],
    };
    expect(publicStatus('enabled', twice, later).excluded_regions).toEqual([
      { region: 'eu-west-1', reason: 'B', until: '2026-11-24T10:40:00Z' },
    ]);
  });

  it('starts from a document whose time is already to the second', () => {
    expect(initialHubState(new Date('2026-11-24T10:00:57.793Z')).updated_at).toBe('2026-11-24T10:00:57Z');
  });

  it('shows no instances when no region runs', () => {
    const view = publicStatus('disabled', { ...running, region: null }, later);
    expect(view).toMatchObject({ region: null, instances: [] });
  });
});

describe('losses nobody waited for', () => {
  const lossWest = { region: 'us-west-2', reason: 'SpotInterruption', instance_id: 'i-0abc' };
  const lossEu = { region: 'eu-west-1', reason: 'InstanceTerminated', instance_id: 'i-0old' };
  const notWaiting = { ...running, loss_token: null };

  it('remembers the latest loss per region', () => {
    const once = rememberLoss(notWaiting, lossWest, t0);
    const twice = rememberLoss(
      rememberLoss(once, lossEu, t0),
      { ...lossWest, reason: 'InstanceTerminated' },
      later,
    );
    expect(twice.pending_losses).toEqual([lossEu, { ...lossWest, reason: 'InstanceTerminated' }]);
  });

  it('settles a remembered loss of the current region once a token is registered', () => {
    const state = registerLossToken(rememberLoss(notWaiting, lossWest, t0), 'tok', later);
    expect(lossToSettle(state)).toEqual({ token: 'tok', loss: lossWest });
    expect(lossSettled(state, 'tok', later)).toMatchObject({ loss_token: null, pending_losses: [] });
  });

  it.each([
    ['no token is registered', rememberLoss(notWaiting, lossWest, t0)],
    ['only another region was lost', registerLossToken(rememberLoss(notWaiting, lossEu, t0), 'tok', t0)],
    [
      'the hub is tearing down',
      {
        ...registerLossToken(rememberLoss(notWaiting, lossWest, t0), 'tok', t0),
        status: 'TEARING_DOWN' as const,
      },
    ],
    ['nothing was remembered', registerLossToken(notWaiting, 'tok', t0)],
  ])('has nothing to settle when %s', (_label, state) => {
    expect(lossToSettle(state)).toBeNull();
  });

  it('puts token and loss back when the answer could not be sent', () => {
    const waiting = registerLossToken(rememberLoss(notWaiting, lossWest, t0), 'tok', t0);
    const pair = lossToSettle(waiting)!;
    const restored = lossUnsettled(lossSettled(waiting, 'tok', t0), pair, later);
    expect(lossToSettle(restored)).toEqual(pair);
    const newer = registerLossToken(lossSettled(waiting, 'tok', t0), 'newer', later);
    expect(lossUnsettled(newer, pair, later)).toBe(newer);
  });

  it('leaves a newer token alone when settling an older one', () => {
    const state = registerLossToken(rememberLoss(notWaiting, lossWest, t0), 'newer', t0);
    expect(lossSettled(state, 'older', later)).toBe(state);
  });

  it('keeps, when recording a region, only a loss of the very instances recorded', () => {
    const remembered = rememberLoss(rememberLoss(notWaiting, lossWest, t0), lossEu, t0);
    expect(
      recordRunning(remembered, { region: 'us-west-2', lifecycle: 'spot', instances: [instance] }, later)
        .pending_losses,
    ).toEqual([lossWest]);
    const otherInstance = { ...instance, instance_id: 'i-0new' };
    expect(
      recordRunning(remembered, { region: 'us-west-2', lifecycle: 'spot', instances: [otherInstance] }, later)
        .pending_losses,
    ).toEqual([]);
  });

  it('forgets remembered losses on enable and disable', () => {
    const remembered = rememberLoss(notWaiting, lossWest, t0);
    expect(provisioningEnabled(remembered, later).pending_losses).toEqual([]);
    expect(provisioningDisabled(remembered, later, []).pending_losses).toEqual([]);
    expect(provisioningDisabled(remembered, later, ['us-west-2']).pending_losses).toEqual([]);
  });
});
