import { describe, expect, it } from 'vitest';
import { progressLine, renderStatus } from '../../cli/render.ts';
import type { StatusView } from '../../core/status-view.ts';

const NOW = Date.parse('2026-11-24T10:05:00Z');

const roundOne: StatusView = {
  provisioning: 'enabled',
  status: 'RUNNING',
  region: 'us-west-2',
  instances: [
    {
      instance_id: 'i-0abc',
      public_ip: '54.1.2.3',
      private_ip: '10.0.0.12',
      instance_type: 'g6.xlarge',
      availability_zone: 'us-west-2b',
      lifecycle: 'spot',
      launch_time: '2026-11-24T10:00:00Z',
    },
  ],
  excluded_regions: [
    { region: 'eu-west-1', reason: 'InsufficientInstanceCapacity', until: '2026-11-24T10:30:00Z' },
  ],
  updated_at: '2026-11-24T10:01:00Z',
};

describe('renderStatus', () => {
  it('summarises a first-round document, leaving out the fields it does not send', () => {
    expect(renderStatus(roundOne, NOW)).toBe(
      [
        'status     RUNNING (provisioning enabled)',
        'regions    us-west-2',
        'instances  1',
        '  i-0abc  us-west-2  g6.xlarge  us-west-2b  spot    54.1.2.3  since 2026-11-24 10:00:00 UTC',
        'excluded',
        '  eu-west-1  InsufficientInstanceCapacity  until 2026-11-24 10:30:00 UTC (25 min 0 s left)',
        'updated    2026-11-24 10:01:00 UTC (4 min 0 s ago)',
      ].join('\n'),
    );
  });

  it('shows the endpoint, replicas ready of target, every region, readiness and the last move with its reason', () => {
    const text = renderStatus(
      {
        ...roundOne,
        status: 'FAILING_OVER',
        endpoint: 'http://127.0.0.1:8788/',
        replicas: { target: 2, spare: 1, ready: 1 },
        regions: ['us-west-2', 'us-east-1'],
        instances: [
          { ...roundOne.instances[0]!, region: 'us-west-2', ready: true },
          { instance_id: 'i-0def', region: 'us-east-1', ready: false, lifecycle: 'on-demand' },
        ],
        last_move: {
          from: 'eu-west-1',
          to: 'us-west-2',
          reason: 'SpotInterruption',
          at: '2026-11-24T10:01:00Z',
        },
      },
      NOW,
    );
    expect(text).toContain('endpoint   http://127.0.0.1:8788/');
    expect(text).toContain('replicas   1/2 ready (+1 spare)');
    expect(text).toContain('regions    us-west-2, us-east-1');
    expect(text).toMatch(/i-0abc\s+us-west-2 .* ready /);
    expect(text).toMatch(/i-0def\s+us-east-1\s+on-demand\s+not ready/);
    expect(text).toContain(
      'last move  eu-west-1 -> us-west-2: SpotInterruption, 2026-11-24 10:01:00 UTC (4 min 0 s ago)',
    );
  });

  it('says when there is no endpoint, no move yet, and an expired exclusion', () => {
    const text = renderStatus(
      {
        ...roundOne,
        endpoint: null,
        last_move: null,
        excluded_regions: [{ region: 'eu-west-1', reason: 'x', until: '2026-11-24T10:00:00Z' }],
      },
      NOW,
    );
    expect(text).toContain('endpoint   none');
    expect(text).toContain('last move  none yet');
    expect(text).toContain('(expired)');
  });
});

describe('progressLine', () => {
  it('gives the elapsed time, status and where the capacity is', () => {
    expect(progressLine(roundOne, 75_000)).toBe('  +1 min 15 s  RUNNING       1 instance(s) in us-west-2');
    expect(progressLine({ ...roundOne, status: 'DISABLED', region: null, instances: [] }, 0)).toBe(
      '  +0 s         DISABLED      no instance',
    );
  });
});
