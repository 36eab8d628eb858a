import { describe, expect, it } from 'vitest';
import { readAvailabilityTrace, writeAvailabilityTrace } from '../../sim/availability-trace.ts';
import { TraceParseError } from '../../sim/errors.ts';

const HEADER = 'timestamp,region,zone,available_instances';
const csv = (...rows: string[]) => [HEADER, ...rows].join('\n');
const at = (iso: string) => Date.parse(iso);

describe('readAvailabilityTrace', () => {
  it('reads each zone as a step function, one row per zone per tick', () => {
    const trace = readAvailabilityTrace(
      csv(
        '2026-11-01T00:00:00Z,us-west-1,us-west-1a,2',
        '2026-11-01T00:00:00Z,us-west-1,us-west-1b,0',
        '2026-11-01T00:03:15Z,us-west-1,us-west-1a,2',
        '2026-11-01T00:03:15Z,us-west-1,us-west-1b,3',
        '2026-11-01T00:06:30Z,us-west-1,us-west-1a,0',
        '2026-11-01T00:06:30Z,us-west-1,us-west-1b,3',
      ),
    );
    expect(trace.zones['us-west-1']).toEqual({
      'us-west-1a': [
        { at: at('2026-11-01T00:00:00Z'), value: 2 },
        { at: at('2026-11-01T00:06:30Z'), value: 0 },
      ],
      'us-west-1b': [
        { at: at('2026-11-01T00:00:00Z'), value: 0 },
        { at: at('2026-11-01T00:03:15Z'), value: 3 },
      ],
    });
    expect(trace.rows).toBe(6);
    expect(trace.tickMs).toBe(195_000);
    expect(trace.firstMs).toBe(at('2026-11-01T00:00:00Z'));
    expect(trace.lastMs).toBe(at('2026-11-01T00:06:30Z'));
  });

  it('counts a zone as unavailable before its first row', () => {
    const trace = readAvailabilityTrace(
      csv('2026-11-01T00:00:00Z,eu-west-1,eu-west-1a,1', '2026-11-01T01:00:00Z,eu-west-1,eu-west-1b,4'),
    );
    expect(trace.zones['eu-west-1']!['eu-west-1b']).toEqual([
      { at: at('2026-11-01T00:00:00Z'), value: 0 },
      { at: at('2026-11-01T01:00:00Z'), value: 4 },
    ]);
  });

  it.each([
    ['', 0, /the file is empty/],
    [
      'timestamp,zone,available_instances\n',
      1,
      /expected the header timestamp,region,zone,available_instances/,
    ],
    [csv(), 0, /header but no rows/],
    [
      csv('2026-11-01 00:00,us-east-1,us-east-1a,1'),
      2,
      /timestamp "2026-11-01 00:00" is not an ISO-8601 UTC time/,
    ],
    [csv('2026-11-01T00:00:00+02:00,us-east-1,us-east-1a,1'), 2, /not an ISO-8601 UTC time/],
    [csv('2026-11-01T00:00:00Z,us-east-9,us-east-9a,1'), 2, /unknown region "us-east-9"/],
    [
      csv('2026-11-01T00:00:00Z,us-east-1,us-west-2a,1'),
      2,
      /zone "us-west-2a" is not an Availability Zone of us-east-1/,
    ],
    [
      csv('2026-11-01T00:00:00Z,us-east-1,us-east-1a,-1'),
      2,
      /available_instances "-1" is not a whole number >= 0/,
    ],
    [csv('2026-11-01T00:00:00Z,us-east-1,us-east-1a,1.5'), 2, /available_instances "1.5"/],
    [csv('2026-11-01T00:00:00Z,us-east-1,us-east-1a'), 2, /expected 4 comma-separated fields, got 3/],
    [
      csv('2026-11-01T00:00:00Z,us-east-1,us-east-1a,1', '2026-11-01T00:00:00Z,us-east-1,us-east-1a,2'),
      3,
      /zone us-east-1a has a second row for 2026-11-01T00:00:00Z/,
    ],
    [
      csv(
        '2026-11-01T00:00:00Z,us-west-1,us-west-1a,1',
        '2026-11-01T00:00:00Z,us-west-1,us-west-1b,1',
        '2026-11-01T00:00:00Z,us-west-1,us-west-1c,1',
      ),
      4,
      /zone us-west-1c would be zone 3 of us-west-1, which has 2 Availability Zones/,
    ],
  ])('refuses a bad file, naming the line (%#)', (text, line, message) => {
    try {
      readAvailabilityTrace(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TraceParseError);
      expect((error as TraceParseError).line).toBe(line);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('reads back what writeAvailabilityTrace wrote', () => {
    const zones = {
      'us-east-2': {
        'us-east-2a': [
          { at: at('2026-11-01T00:00:00Z'), value: 3 },
          { at: at('2026-11-01T00:10:00Z'), value: 0 },
        ],
      },
    };
    const ticks = [0, 5, 10, 15].map((m) => at('2026-11-01T00:00:00Z') + m * 60_000);
    const text = writeAvailabilityTrace(zones, ticks);
    expect(text.split('\n')[1]).toBe('2026-11-01T00:00:00Z,us-east-2,us-east-2a,3');
    expect(readAvailabilityTrace(text).zones).toEqual(zones);
  });
});
