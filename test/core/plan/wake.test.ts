import { describe, expect, it } from 'vitest';
import { toSignal } from '../../../core/plan/index.ts';
import { NOW } from './fixtures.ts';

const report = (
  detailType: string,
  detail: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => ({
  id: 'ev-1',
  source: 'spotplane.worker',
  'detail-type': detailType,
  detail: { prefix: 'spotplane', region: 'us-west-2', ...detail },
  ...extra,
});

describe('toSignal', () => {
  it.each([
    {
      name: 'Region Lost names the instance and the reason',
      raw: report('Region Lost', { reason: 'SpotInterruption', instance_id: 'i-1' }),
      want: {
        id: 'signal#ev-1',
        kind: 'region-lost',
        region: 'us-west-2',
        instance_id: 'i-1',
        reason: 'SpotInterruption',
        intent: null,
      },
    },
    {
      name: 'Launch Failed carries its intent and error',
      raw: report('Launch Failed', {
        intent: 7,
        error: 'InsufficientInstanceCapacity',
        cause: 'x',
        task_token: 't',
      }),
      want: { kind: 'launch-failed', intent: 7, reason: 'InsufficientInstanceCapacity' },
    },
    {
      name: 'Launch Succeeded',
      raw: report('Launch Succeeded', { intent: 7, instances: [] }),
      want: { kind: 'launch-succeeded', intent: 7 },
    },
    {
      name: 'Teardown Completed',
      raw: report('Teardown Completed', { intent: 8 }),
      want: { kind: 'teardown-completed', intent: 8 },
    },
    {
      name: 'Teardown Failed',
      raw: report('Teardown Failed', { intent: 8, error: 'Throttling' }),
      want: { kind: 'teardown-failed', reason: 'Throttling' },
    },
  ])('$name', ({ raw, want }) => {
    const out = toSignal(raw, 'spotplane', NOW);
    expect('signal' in out && out.signal).toMatchObject({ ...want, at: '2026-11-24T10:00:00Z' });
  });

  it.each([
    {
      name: 'progress is observed, not signalled',
      raw: report('Launch Heartbeat', {}),
      ignored: 'PROGRESS_ONLY',
    },
    {
      name: 'another deployment',
      raw: report('Region Lost', { prefix: 'other' }),
      ignored: 'OTHER_DEPLOYMENT',
    },
    {
      name: 'not a worker event',
      raw: { source: 'aws.ec2', 'detail-type': 'x', detail: {} },
      ignored: 'NOT_A_WORKER_EVENT',
    },
    {
      name: 'a worker event without its region',
      raw: report('Region Lost', { region: 7 }),
      ignored: 'MALFORMED',
    },
  ])('ignores $name', ({ raw, ignored }) => {
    expect(toSignal(raw, 'spotplane', NOW)).toMatchObject({ ignored });
  });

  it('gives an event without an id the same id every time (a redelivery is one signal)', () => {
    const { id: _, ...raw } = report('Region Lost', { reason: 'SpotInterruption', instance_id: 'i-1' });
    const a = toSignal(raw, 'spotplane', NOW);
    const b = toSignal(structuredClone(raw), 'spotplane', NOW);
    expect('signal' in a && 'signal' in b && a.signal.id === b.signal.id).toBe(true);
  });
});
