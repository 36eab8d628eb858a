import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { virtualClock } from '../../emulator/clock.ts';
import { drive } from './support/drive.ts';
import { InFlight } from './support/in-flight.ts';
import { standInClient } from './support/s3-stand-in.ts';

/**
 * I/O that outlasts any fixed number of event-loop turns, as on a loaded machine: it is held for many
 * more turns than drive() waits before it moves time, and released by the event loop, not by a timer.
 */
const SLOW_TURNS = 300;
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** Which of `io` and a 60 s deadline on the clock wins, and the clock time when the race ended. */
async function raceDeadline(io: () => Promise<unknown>, inFlight: InFlight) {
  const clock = virtualClock('2026-11-24T10:00:00Z');
  const deadline = new AbortController();
  const winner = await drive(
    clock,
    Promise.race([
      io().then(() => 'io'),
      clock.sleep(60_000, deadline.signal).then(() => 'deadline'),
    ]).finally(() => deadline.abort()),
    { inFlight },
  );
  return { winner, at: clock.now().toISOString() };
}

let server: Server;
let endpoint: string;
let dir: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => void turns(SLOW_TURNS).then(() => res.end('{"ok":true}')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'agent-drive-'));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('drive', () => {
  it('holds the clock while a counted fetch is still waiting for its answer', async () => {
    const inFlight = new InFlight();
    const fetch = inFlight.fetch();

    const result = await raceDeadline(
      () => fetch(`${endpoint}/latest/api/token`, { method: 'PUT' }),
      inFlight,
    );

    expect(result).toEqual({ winner: 'io', at: '2026-11-24T10:00:00.000Z' });
    expect(inFlight.requests).toBe(0);
  });

  it('holds the clock while an S3 command is in flight on a counted client', async () => {
    const inFlight = new InFlight();
    // The stand-in answers every S3 call slowly; the answer itself does not matter, only when it comes.
    const client = inFlight.s3(standInClient(endpoint));

    const result = await raceDeadline(
      () => client.send(new HeadBucketCommand({ Bucket: 'b' })).catch(() => undefined),
      inFlight,
    );

    expect(result).toEqual({ winner: 'io', at: '2026-11-24T10:00:00.000Z' });
    client.destroy();
  });

  it.skipIf(process.platform === 'win32')(
    'holds the clock while a file-system request is still with libuv',
    async () => {
      const fifo = join(dir, 'slow-disk');
      // Opening a FIFO for reading blocks in libuv's thread pool until a writer opens it.
      execFileSync('mkfifo', [fifo]);
      const writer = turns(SLOW_TURNS).then(() => writeFile(fifo, 'late bytes'));

      const result = await raceDeadline(() => readFile(fifo, 'utf8'), new InFlight());
      await writer;

      expect(result).toEqual({ winner: 'io', at: '2026-11-24T10:00:00.000Z' });
    },
  );

  it('moves the clock once the agent is idle, with sockets and servers still open', async () => {
    const inFlight = new InFlight();
    const fetch = inFlight.fetch();

    const result = await raceDeadline(
      () => fetch(`${endpoint}/`, { method: 'GET' }).then(() => new Promise(() => {})),
      inFlight,
    );

    expect(result).toEqual({ winner: 'deadline', at: '2026-11-24T10:01:00.000Z' });
  });
});
