import { describe, expect, it } from 'vitest';
import { utcSeconds } from '../../agent/clock.ts';
import { checkpointFolder, jobRoot, latestCompleteFolder, parseCheckpointKey } from '../../agent/layout.ts';
import { lineLog, stateLine } from '../../agent/log.ts';

describe('checkpoint layout', () => {
  it('puts a checkpoint under <prefix>/<job_id>/YYYY/MM/DD/HHMMSSZ/ in UTC', () => {
    expect(checkpointFolder('ckpt', 'job-1', new Date('2026-03-05T07:08:09.999+02:00'))).toBe(
      'ckpt/job-1/2026/03/05/050809Z/',
    );
    expect(checkpointFolder('', 'job-1', new Date('2026-12-31T23:59:59Z'))).toBe('job-1/2026/12/31/235959Z/');
    expect(jobRoot('a/b', 'j')).toBe('a/b/j/');
  });

  it('reads the folder and time back from a key and rejects keys outside the layout', () => {
    expect(parseCheckpointKey('p/j/', 'p/j/2026/11/24/100005Z/sub/x.bin')).toEqual({
      folder: 'p/j/2026/11/24/100005Z/',
      takenAt: new Date('2026-11-24T10:00:05Z'),
      relativeKey: 'sub/x.bin',
    });
    expect(parseCheckpointKey('p/j/', 'p/j2/2026/11/24/100005Z/x')).toBeUndefined();
    expect(parseCheckpointKey('p/j/', 'p/j/2026/11/24/1000Z/x')).toBeUndefined();
    expect(parseCheckpointKey('p/j/', 'p/j/2026/11/24/100005Z/../x')).toBeUndefined();
  });

  it('picks the newest folder that has its metadata.json', () => {
    const keys = [
      'p/j/2026/11/24/100000Z/metadata.json',
      'p/j/2026/11/24/100000Z/a',
      'p/j/2026/11/25/000000Z/a',
      'p/j/2026/11/24/235959Z/metadata.json',
      'p/j/garbage',
    ];
    expect(latestCompleteFolder('p/j/', keys)).toEqual({
      folder: 'p/j/2026/11/24/235959Z/',
      keys: ['p/j/2026/11/24/235959Z/metadata.json'],
    });
    expect(latestCompleteFolder('p/j/', ['p/j/2026/11/25/000000Z/a'])).toBeUndefined();
  });
});

describe('agent log', () => {
  it('writes STATE lines exactly as [UTC <second-precision ISO>Z] STATE: <STATE>', () => {
    expect(stateLine(new Date('2026-11-24T10:00:00.789Z'), 'DETECTED')).toBe(
      '[UTC 2026-11-24T10:00:00Z] STATE: DETECTED',
    );
    const lines: string[] = [];
    lineLog({ now: () => new Date('2026-11-24T10:00:01Z') }, (l) => lines.push(l)).state('UPLOAD_OK');
    expect(lines).toEqual(['[UTC 2026-11-24T10:00:01Z] STATE: UPLOAD_OK']);
    expect(utcSeconds(new Date('2026-01-02T03:04:05.000Z'))).toBe('2026-01-02T03:04:05Z');
  });
});
