/**
 * spotplane.ts against the real local server (a LocalCloud deployment on a virtual clock): every command,
 * --json, bad flags (exit 2 naming the flag) and an API that is down (exit 1 naming the URL). The CLI's
 * sleep moves the virtual clock, so a wait for RUNNING or DISABLED takes no real time.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusMain } from '../../cli/main.ts';
import { resolveTarget } from '../../cli/target.ts';
import { parseConfig } from '../../core/config.ts';
import { type VirtualClock, virtualClock } from '../../emulator/clock.ts';
import { LocalControlPlane } from '../../local/deployment.ts';
import { createLocalServer } from '../../local/http-server.ts';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

interface Run {
  code: number;
  out: string;
  err: string;
}

describe('spotplane.ts against the local server', () => {
  let clock: VirtualClock;
  let plane: LocalControlPlane;
  let server: Server;
  let api: string;
  const noRecords = mkdtempSync(join(tmpdir(), 'spotplane-cli-'));

  beforeAll(async () => {
    clock = virtualClock('2026-11-24T10:00:00Z');
    plane = await LocalControlPlane.create({
      config: parseConfig({ hubRegion: 'us-east-1', workerRegions: ['us-east-1', 'us-west-2'] }),
      clock,
      logLevel: 'SILENT',
    });
    server = createLocalServer(plane);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Runs the CLI in process; its sleeps advance the virtual clock, `stopAfter` polls end a watch. */
  async function cli(argv: string[], options: { stopAfter?: number; tty?: boolean } = {}): Promise<Run> {
    const out: string[] = [];
    const err: string[] = [];
    const controller = new AbortController();
    let sleeps = 0;
    const code = await statusMain(argv, {
      io: { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: options.tty ?? false },
      stateDir: noRecords,
      now: () => clock.now().getTime(),
      sleep: async (ms) => {
        sleeps += 1;
        if (options.stopAfter !== undefined && sleeps >= options.stopAfter) controller.abort();
        else await clock.advance(ms);
      },
      signal: controller.signal,
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  const document = async () => (await fetch(`${api}/spot-instances`)).text();

  it('status prints a summary of a disabled deployment', async () => {
    const run = await cli(['status', '--api', api]);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^status\s+DISABLED \(provisioning disabled\)$/m);
    expect(run.out).toMatch(/^regions\s+none$/m);
    expect(run.out).toMatch(/^instances\s+0$/m);
    expect(run.out).toMatch(/^excluded\s+none$/m);
  });

  it('status --json prints exactly the GET /spot-instances document', async () => {
    const run = await cli(['status', '--json', '--api', api]);
    expect(run.code).toBe(0);
    expect(run.out).toBe(await document());
  });

  it('enable waits with progress until RUNNING, then shows where it runs', async () => {
    const run = await cli(['enable', '--api', api, '--interval', '15']);
    expect(run.code).toBe(0);
    expect(run.err).toMatch(/waiting up to 20 min 0 s for RUNNING/);
    expect(run.err).toMatch(/\+0 s\s+PROVISIONING/);
    expect(run.err).toMatch(/RUNNING\s+1 instance\(s\) in us-(east-1|west-2)/);
    expect(run.out).toMatch(/^status\s+RUNNING \(provisioning enabled\)$/m);
    expect(run.out).toMatch(/^ {2}i-[0-9a-f]+\s+us-(east-1|west-2)\s+g\d/m);
  });

  it('status shows the instance with its dated launch time and an exclusion with the time left', async () => {
    const running = JSON.parse(await document()) as { region: string };
    await fetch(`${api}/_local/capacity`, {
      method: 'POST',
      body: JSON.stringify({
        region: running.region === 'us-east-1' ? 'us-west-2' : 'us-east-1',
        available: false,
      }),
    });
    await fetch(`${api}/_local/interrupt`, {
      method: 'POST',
      body: JSON.stringify({ region: running.region }),
    });
    await clock.advance(60_000);
    const run = await cli(['status', '--api', api]);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/since 2026-11-24 \d\d:\d\d:\d\d UTC/);
    expect(run.out).toMatch(
      new RegExp(
        `^ {2}${running.region}\\s+\\S+\\s+until 2026-11-24 \\d\\d:\\d\\d:\\d\\d UTC \\(\\d+ (min|h) .*left\\)$`,
        'm',
      ),
    );
  });

  it('watch redraws the summary in place on a terminal until Ctrl-C, and exits 0', async () => {
    const run = await cli(['watch', '--api', api, '--interval', '5'], { stopAfter: 3, tty: true });
    expect(run.code).toBe(0);
    const frames = run.out.split('\x1b[H\x1b[2J').filter(Boolean);
    expect(frames).toHaveLength(3);
    for (const frame of frames) {
      expect(frame).toContain(`spotplane · ${api} · every 5 s · Ctrl-C to exit`);
      expect(frame).toMatch(/^status\s+\S+/m);
    }
  });

  it('watch --json prints each new document once, one per line', async () => {
    const run = await cli(['watch', '--json', '--api', api, '--interval', '1'], { stopAfter: 3 });
    expect(run.code).toBe(0);
    const lines = run.out.split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(new Set(lines).size).toBe(lines.length);
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty('status');
  });

  it('disable --teardown waits until DISABLED with nothing running', async () => {
    const run = await cli(['disable', '--teardown', '--api', api, '--interval', '15']);
    expect(run.code).toBe(0);
    expect(run.err).toMatch(/teardown requested/);
    expect(run.err).toMatch(/TEARING_DOWN/);
    expect(run.out).toMatch(/^status\s+DISABLED \(provisioning disabled\)$/m);
    expect(run.out).toMatch(/^instances\s+0$/m);
  });

  it('enable --no-wait --json returns at once with the document; disable leaves what runs and returns', async () => {
    const enabled = await cli(['enable', '--no-wait', '--json', '--api', api]);
    expect(enabled.code).toBe(0);
    expect(JSON.parse(enabled.out)).toMatchObject({ provisioning: 'enabled' });
    const disabled = await cli(['disable', '--api', api]);
    expect(disabled.code).toBe(0);
    expect(disabled.out).toMatch(/\(provisioning disabled\)/);
  });

  it('times out naming the state it waited for and the URL, exit 1', async () => {
    await fetch(`${api}/_local/capacity`, {
      method: 'POST',
      body: JSON.stringify({ region: 'us-east-1', available: false }),
    });
    await fetch(`${api}/_local/capacity`, {
      method: 'POST',
      body: JSON.stringify({ region: 'us-west-2', available: false }),
    });
    const run = await cli(['enable', '--api', api, '--interval', '10', '--timeout', '30']);
    expect(run.code).toBe(1);
    expect(run.err).toContain(`RUNNING not reached after`);
    expect(run.err).toContain(api);
  });

  it('calls the local server at 127.0.0.1:8787, unsigned, when nothing is deployed', () => {
    expect(resolveTarget({ prefix: 'spotplane', stateDir: noRecords })).toEqual({
      url: 'http://127.0.0.1:8787',
      source: 'local',
    });
  });
});

describe('spotplane.ts usage and failures', () => {
  const run = async (argv: string[], stateDir = mkdtempSync(join(tmpdir(), 'spotplane-cli-'))) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await statusMain(argv, {
      io: { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false },
      stateDir,
      sleep: async () => undefined,
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('prints the help with every command and flag, exit 0', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    for (const word of ['status', 'enable', 'disable', 'watch', '--api', '--prefix', '--json', '--teardown'])
      expect(help.out).toContain(word);
  });

  it.each([
    [[], /a command is required/],
    [['stats'], /unknown command "stats"/],
    [['status', '--jsn'], /unknown flag --jsn/],
    [['status', '--api'], /--api needs a value/],
    [['status', '--api', 'localhost:8787'], /--api must be an http\(s\) URL/],
    [['status', '--api', 'ftp://x'], /--api must be an http\(s\) URL/],
    [['enable', '--teardown'], /--teardown goes with disable/],
    [['watch', '--no-wait'], /--no-wait goes with enable or disable/],
    [['disable', '--timeout', '0'], /--timeout must be a number of seconds above 0/],
    [['watch', '--interval', 'soon'], /--interval must be a number of seconds above 0/],
    [['status', '--prefix', 'Bad_Prefix'], /--prefix: must be 2-24 characters/],
    [['status', 'extra'], /unexpected argument "extra" after status/],
  ])('refuses %j with exit 2 naming the flag', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.err).toContain('--help');
  });

  it('exits 1 naming the URL when the API is down', async () => {
    const server = createLocalServerStub();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const result = await run(['status', '--api', `http://127.0.0.1:${port}`]);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`cannot reach http://127.0.0.1:${port}/spot-instances`);
  });

  it('exits 1 naming the URL when the API answers an error or something that is not a status', async () => {
    const server = createLocalServerStub((path) =>
      path === '/spot-instances' ? [200, '<html>proxy</html>'] : [500, '{"message":"boom"}'],
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const status = await run(['status', '--api', url]);
    const enable = await run(['enable', '--api', url]);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(status).toMatchObject({ code: 1 });
    expect(status.err).toContain(`GET ${url}/spot-instances answered something that is not JSON`);
    expect(enable).toMatchObject({ code: 1 });
    expect(enable.err).toContain(`POST ${url}/spot-provisioning answered HTTP 500: boom`);
  });

  it('uses the recorded deployment of --prefix (signed for its region), and says when its API URL is missing', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'spotplane-cli-'));
    const config = { prefix: 'demo', hubRegion: 'eu-west-1', workerRegions: ['eu-west-1'] };
    writeFileSync(join(stateDir, 'demo.deployment.json'), JSON.stringify({ config, subnets: {} }));
    const missing = await run(['status', '--prefix', 'demo'], stateDir);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(
      /deployment "demo" .* has no API URL recorded .* pass --api URL or run deploy\.ts again/,
    );
  });
});

function createLocalServerStub(answer: (path: string) => [number, string] = () => [200, '{}']): Server {
  // A tiny server of its own: the failure cases need answers the real API never gives.
  return createServer((req, res) => {
    const [status, body] = answer(new URL(req.url ?? '/', 'http://x').pathname);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  });
}

describe('spotplane.ts as a process', () => {
  const ROOT = join(import.meta.dirname, '..', '..');
  const start = (args: string[]) =>
    spawn(process.execPath, ['--import', 'tsx', 'spotplane.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const finish = (child: ReturnType<typeof start>) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => {
        out += String(d);
      });
      child.stderr.on('data', (d) => {
        err += String(d);
      });
      child.on('close', (code) => resolve({ code, out, err }));
    });

  it('exits 1 naming the URL when the API is down', async () => {
    const result = await finish(start(['status', '--api', 'http://127.0.0.1:9']));
    expect(result.code).toBe(1);
    expect(result.err).toContain('cannot reach http://127.0.0.1:9/spot-instances');
  });

  it('ends watch on Ctrl-C (SIGINT) with exit 0', async () => {
    const child = start(['watch', '--api', 'http://127.0.0.1:9', '--interval', '60']);
    const result = finish(child);
    // The first frame (an unreachable API is shown, not fatal) says watch is running; then Ctrl-C.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.kill('SIGINT');
    const { code, out } = await result;
    expect(code).toBe(0);
    expect(out).toContain('cannot reach http://127.0.0.1:9/spot-instances');
  });
});
