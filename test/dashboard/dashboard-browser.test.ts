/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core): against fixture
 * answers in the contract shapes, and against a real local deployment on a virtual clock. The page's
 * own clock is Playwright's fake one, so polls happen only when a test moves it.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config.ts';
import type { PublicStatus } from '../../core/plan/index.ts';
import { DASHBOARD_POLL_MS } from '../../dashboard/client/config.ts';
import { serveDashboard } from '../../dashboard/route.ts';
import { type VirtualClock, virtualClock } from '../../emulator/clock.ts';
import { LocalControlPlane } from '../../local/deployment.ts';
import { HistoryRecorder, type HistoryView } from '../../local/history.ts';
import { createLocalServer } from '../../local/http-server.ts';
import { type ExecutionView, executionHistory, type localState } from '../../local/views.ts';
import { skipWithout } from '../support/tools.ts';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const CHROMIUM = '/usr/bin/chromium';
const NO_BROWSER = skipWithout(CHROMIUM, existsSync(CHROMIUM), 'apt-get install -y chromium');
const SKIP_REASON = NO_BROWSER ? ` (SKIPPED: ${CHROMIUM} not found; apt-get install -y chromium)` : '';
/** Set it to a file path to keep a screenshot of the fixture dashboard with an execution open. */
const SCREENSHOT = process.env.DASHBOARD_SCREENSHOT;

type StateBody = ReturnType<typeof localState>;

const XSS = '<img src=x onerror="window.__pwned=1">';

function fixtureStatus(): PublicStatus {
  return {
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
        region: 'us-west-2',
        ready: true,
      },
    ],
    excluded_regions: [
      { region: 'eu-west-1', reason: 'InsufficientInstanceCapacity', until: '2026-11-24T10:30:00Z' },
    ],
    replicas: { target: 1, spare: 0, ready: 1 },
    regions: ['us-west-2'],
    last_move: null,
    endpoint: null,
    updated_at: '2026-11-24T10:01:00Z',
  };
}

function fixtureExecutions(): ExecutionView[] {
  const arn = (machine: string, name: string, region = 'us-east-1') =>
    `arn:aws:states:${region}:000000000000:execution:${machine}:${name}`;
  return [
    {
      execution_arn: arn('spotplane-orchestrator', 'enable-1'),
      region: 'us-east-1',
      machine: 'spotplane-orchestrator',
      name: 'enable-1',
      status: 'RUNNING',
      start: '2026-11-24T10:00:00.000Z',
      stop: null,
      error: null,
      cause: null,
      events: [
        {
          id: 1,
          type: 'ExecutionStarted',
          timestamp: '2026-11-24T10:00:00.000Z',
          state: null,
          error: null,
          cause: null,
        },
        {
          id: 2,
          type: 'TaskStateEntered',
          timestamp: '2026-11-24T10:00:00.010Z',
          state: 'FindRegion',
          error: null,
          cause: null,
        },
      ],
    },
    {
      execution_arn: arn('spotplane-launch-instance', 'launch-eu', 'eu-west-1'),
      region: 'eu-west-1',
      machine: 'spotplane-launch-instance',
      name: 'launch-eu',
      status: 'FAILED',
      start: '2026-11-24T10:00:01.000Z',
      stop: '2026-11-24T10:00:03.000Z',
      error: 'InsufficientInstanceCapacity',
      cause: XSS,
      events: [
        {
          id: 1,
          type: 'ExecutionStarted',
          timestamp: '2026-11-24T10:00:01.000Z',
          state: null,
          error: null,
          cause: null,
        },
        {
          id: 2,
          type: 'TaskStateEntered',
          timestamp: '2026-11-24T10:00:01.000Z',
          state: 'RaiseDesiredCapacity',
          error: null,
          cause: null,
        },
        {
          id: 3,
          type: 'TaskScheduled',
          timestamp: '2026-11-24T10:00:01.000Z',
          state: 'RaiseDesiredCapacity',
          error: null,
          cause: null,
        },
        {
          id: 4,
          type: 'TaskFailed',
          timestamp: '2026-11-24T10:00:02.500Z',
          state: 'RaiseDesiredCapacity',
          error: 'InsufficientInstanceCapacity',
          cause: XSS,
        },
        {
          id: 5,
          type: 'ExecutionFailed',
          timestamp: '2026-11-24T10:00:03.000Z',
          state: null,
          error: 'InsufficientInstanceCapacity',
          cause: 'no capacity',
        },
      ],
    },
  ];
}

function fixtureState(executions: ExecutionView[]): StateBody {
  const region = (name: string, role: 'hub+worker' | 'worker') => ({
    region: name,
    role,
    asg_desired: 0,
    instances: [] as StateBody['regions'][number]['instances'],
    ecs_tasks: [] as StateBody['regions'][number]['ecs_tasks'],
    placement_score: 6,
    spot_price: 0.31,
    capacity_available: true,
  });
  return {
    now: '2026-11-24T10:05:00.000Z',
    hub_region: 'us-east-1',
    worker_regions: ['us-east-1', 'us-west-2', 'eu-west-1'],
    missing: [],
    regions: [
      region('us-east-1', 'hub+worker'),
      {
        ...region('us-west-2', 'worker'),
        asg_desired: 1,
        placement_score: 9,
        spot_price: 0.3012,
        instances: [
          {
            instance_id: 'i-0abc',
            state: 'running',
            instance_type: 'g6.xlarge',
            availability_zone: 'us-west-2b',
            lifecycle: 'spot',
            launch_time: '2026-11-24T10:00:00.000Z',
            interruption_warning_at: null,
          },
        ],
        ecs_tasks: [
          {
            task_arn: 'arn:aws:ecs:us-west-2:0:task/t1',
            last_status: 'RUNNING',
            health_status: 'HEALTHY',
            instance_id: 'i-0abc',
          },
        ],
      },
      { ...region('eu-west-1', 'worker'), placement_score: 8, spot_price: 0.33, capacity_available: false },
    ],
    ssm_parameters: { '/spotplane/provisioning': 'enabled' },
    rules: [],
    executions: executions.map(({ events: _events, ...summary }) => summary),
  };
}

/** Twenty samples a minute apart: prices drift, us-west-2 holds the instance after a move from us-east-1. */
function fixtureHistory(): HistoryView {
  const t0 = Date.parse('2026-11-24T09:45:00Z') / 1000;
  const t = Array.from({ length: 20 }, (_, i) => t0 + 60 * i);
  const column = (f: (i: number) => number) => t.map((_, i) => f(i));
  return {
    interval_s: 60,
    t,
    status: t.map((_, i) => (i < 10 ? 'RUNNING' : i < 12 ? 'FAILING_OVER' : 'RUNNING')),
    regions: {
      'us-east-1': {
        score: column((i) => (i < 10 ? 8 : 5)),
        price: column((i) => 0.31 + 0.002 * i),
        running: column((i) => (i < 12 ? 1 : 0)),
        available: column(() => 1).map(Boolean),
      },
      'us-west-2': {
        score: column(() => 9),
        price: column((i) => 0.3012 - 0.001 * i),
        running: column((i) => (i < 10 ? 0 : 1)),
        available: column(() => 1).map(Boolean),
      },
      'eu-west-1': {
        score: column(() => 8),
        price: column(() => 0.33),
        running: column(() => 0),
        available: column(() => 0).map(Boolean),
      },
    },
    moves: [
      {
        at: '2026-11-24T09:55:00.000Z',
        from: 'us-east-1',
        to: 'us-west-2',
        reason: 'SpotInterruption',
        source: 'observed',
      },
    ],
    cost: {
      usd: 1.2345,
      on_demand_usd: 4.1,
      instance_hours: 3.9,
      usd_per_hour: 0.3,
      since: '2026-11-24T06:00:00.000Z',
    },
  };
}

/** Answers the dashboard's routes with fixtures and records what the page asked. */
interface Fixtures {
  status: PublicStatus;
  executions: ExecutionView[];
  state: StateBody;
  history: HistoryView | null;
  gets: string[];
  posts: { path: string; body: unknown }[];
  answers: Record<string, { status: number; body: unknown }>;
}

function newFixtures(): Fixtures {
  const executions = fixtureExecutions();
  return {
    status: fixtureStatus(),
    executions,
    state: fixtureState(executions),
    history: fixtureHistory(),
    gets: [],
    posts: [],
    answers: {},
  };
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function fixtureServer(fx: () => Fixtures): Server {
  return createServer((req, res) => {
    if (serveDashboard(req, res)) return;
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    void readText(req).then((text) => {
      const f = fx();
      if (req.method === 'GET') {
        f.gets.push(path);
        if (path === '/spot-instances') return json(200, f.status);
        if (path === '/_local/state') return json(200, f.state);
        if (path === '/_local/executions') return json(200, { executions: f.executions });
        if (path === '/_local/history' && f.history) return json(200, f.history);
        return json(404, { message: 'Not found', errors: [] });
      }
      f.posts.push({ path, body: JSON.parse(text) });
      const answer = f.answers[path] ?? { status: 200, body: { message: `accepted by ${path}` } };
      return json(answer.status, answer.body);
    });
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe(`local dashboard in Chromium${SKIP_REASON}`, () => {
  let browser: Browser;
  let page: Page;
  /** Page errors and console errors (a CSP violation shows as one). */
  let problems: string[] = [];
  // One fixture server for the fixture suites: each test sets `fx` to the answers it wants.
  let fixtures: Server;
  let base: string;
  let fx: Fixtures;

  beforeAll(async () => {
    if (NO_BROWSER) return;
    fixtures = fixtureServer(() => fx);
    base = await listen(fixtures);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    if (fixtures) await new Promise<void>((resolve) => fixtures.close(() => resolve()));
  });
  afterEach(async () => {
    if (NO_BROWSER) return;
    await page?.context().close();
    // The browser reports every non-2xx fetch on the console; those answers are part of the tests.
    expect(
      problems.filter((p) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(p)),
    ).toEqual([]);
    problems = [];
  });

  /** A fresh page on `url` with a frozen page clock (polls only on `page.clock.runFor`). */
  async function open(url: string, at = '2026-11-24T10:05:00Z'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    await page.clock.install({ time: new Date(at) });
    await page.goto(url);
    return page;
  }
  const text = async (selector: string) => (await page.locator(selector).textContent())?.trim();
  const regionRow = (region: string) => page.locator(`#regions-body tr[data-region="${region}"]`);
  const waitFor = (selector: string, hasText: string | RegExp) =>
    page.locator(selector, { hasText }).first().waitFor();

  describe('against fixture answers in the contract shapes', () => {
    it.skipIf(NO_BROWSER)(
      'shows the status, current region, its instances and the excluded regions with reason and expiry',
      async () => {
        fx = newFixtures();
        await open(`${base}/`);
        await waitFor('#status', /^RUNNING$/);

        expect(await text('#provisioning')).toBe('enabled');
        expect(await text('#region')).toBe('us-west-2');
        expect(await page.locator('#instances-body tr').allInnerTexts()).toEqual([
          expect.stringMatching(
            /^i-0abc\s+us-west-2\s+g6\.xlarge\s+us-west-2b\s+spot\s+ready\s+54\.1\.2\.3\s+2026-11-24 10:00:00$/,
          ),
        ]);
        // 25 minutes left: until 10:30, the state says it is 10:05.
        expect(await page.locator('#excluded-body tr').allInnerTexts()).toEqual([
          expect.stringMatching(
            /eu-west-1\s+InsufficientInstanceCapacity\s+2026-11-24 10:30:00\s+25 min 0 s/,
          ),
        ]);
        expect(await text('#now')).toBe('2026-11-24 10:05:00 UTC');
        expect(await text('#last-move')).toBe(
          'us-east-1 → us-west-2: SpotInterruption · 2026-11-24 09:55:00 (10 min 0 s ago) observed',
        );
        expect(await page.locator('#missing').isVisible()).toBe(false);
        expect(await page.locator('#message').isVisible()).toBe(false);
      },
    );

    it.skipIf(NO_BROWSER)('warns when the deployment is missing state machine or handler files', async () => {
      fx = newFixtures();
      fx.state.missing = ['statemachines/orchestrator.asl.json'];
      await open(`${base}/`);

      await page.locator('#missing').waitFor({ state: 'visible' });
      expect(await text('#missing')).toBe(
        'Not wired yet (files missing): statemachines/orchestrator.asl.json',
      );
    });

    it.skipIf(NO_BROWSER)(
      'lists every region with score, price, capacity, ASG desired, instances and ECS tasks',
      async () => {
        fx = newFixtures();
        await open(`${base}/dashboard`);
        await regionRow('eu-west-1').waitFor();

        const cells = async (region: string) =>
          (await regionRow(region).locator('td').allInnerTexts()).slice(0, 7).map((c) => c.trim());
        expect(await page.locator('#regions-body tr').count()).toBe(3);
        expect(await cells('us-west-2')).toEqual([
          expect.stringMatching(/^us-west-2 worker current$/),
          '9',
          '$0.3012',
          'available',
          '1',
          expect.stringMatching(/^i-0abc running spot$/),
          'RUNNING · HEALTHY',
        ]);
        expect(await cells('eu-west-1')).toEqual([
          expect.stringMatching(/^eu-west-1 worker excluded$/),
          '8',
          '$0.3300',
          'exhausted',
          '0',
          '–',
          '–',
        ]);
        expect(await regionRow('eu-west-1').getByRole('button', { name: 'Restore capacity' }).count()).toBe(
          1,
        );
        expect(await regionRow('us-west-2').getByRole('button', { name: 'Exhaust capacity' }).count()).toBe(
          1,
        );
      },
    );

    it.skipIf(NO_BROWSER)(
      "opens an execution's events on a click, failed states highlighted, data shown as text",
      async () => {
        fx = newFixtures();
        await open(`${base}/`);
        const failedRun = page.locator('#executions-body tr[data-arn$=":launch-eu"]');
        await failedRun.waitFor();
        expect(await page.locator('#executions-body tr').allInnerTexts()).toEqual([
          expect.stringMatching(
            /^FAILED\s+launch instance\s+eu-west-1\s+launch-eu\s+2026-11-24 10:00:01\s+2026-11-24 10:00:03\s+2 s/,
          ),
          expect.stringMatching(
            /^RUNNING\s+orchestrator\s+us-east-1\s+enable-1\s+2026-11-24 10:00:00\s+–\s+5 min 0 s/,
          ),
        ]);
        expect(await page.locator('#events-panel').isHidden()).toBe(true);

        await failedRun.click();

        await page.locator('#events-panel').waitFor({ state: 'visible' });
        expect(await text('#events-title')).toBe('Events: launch instance · launch-eu');
        const rows = page.locator('#events-body tr');
        expect(await rows.count()).toBe(5);
        expect((await rows.nth(3).innerText()).split('\t').map((c) => c.trim())).toEqual([
          '4',
          'TaskFailed',
          'RaiseDesiredCapacity',
          '+1.5 s',
          '2026-11-24 10:00:02',
          `InsufficientInstanceCapacity: ${XSS}`,
        ]);
        const failedTypes = await page
          .locator('#events-body tr.failed')
          .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-type')));
        expect(failedTypes).toEqual(['TaskFailed', 'ExecutionFailed']);
        expect(await text('#events-failed')).toBe('2 failure event(s) in: RaiseDesiredCapacity');
        expect(await failedRun.getAttribute('aria-selected')).toBe('true');
        // The cause held markup: it must be visible text, never an element or a script run.
        expect(await page.locator('img').count()).toBe(0);
        expect(await page.evaluate('window.__pwned')).toBeUndefined();
        if (SCREENSHOT) await page.screenshot({ path: SCREENSHOT, fullPage: true });
      },
    );

    it.skipIf(NO_BROWSER)('keeps the chosen execution open and its events current across polls', async () => {
      fx = newFixtures();
      await open(`${base}/`);
      await page.locator('#executions-body tr[data-arn$=":enable-1"]').click();
      await waitFor('#events-title', 'enable-1');
      fx.executions[0]!.events.push({
        id: 3,
        type: 'TaskStateExited',
        timestamp: '2026-11-24T10:00:01.000Z',
        state: 'FindRegion',
        error: null,
        cause: null,
      });

      await page.clock.runFor(DASHBOARD_POLL_MS);

      await waitFor('#events-body tr', 'TaskStateExited');
      expect(await page.locator('#events-body tr').count()).toBe(3);
      expect(await page.locator('#events-body tr.failed').count()).toBe(0);
      expect(await page.locator('#events-failed').isVisible()).toBe(false);
      expect(await page.locator('#executions-body tr.selected').getAttribute('data-arn')).toMatch(
        /:enable-1$/,
      );
    });

    it.skipIf(NO_BROWSER)('filters the run history and opens an execution from the keyboard', async () => {
      fx = newFixtures();
      await open(`${base}/`);
      await page.locator('#executions-body tr[data-arn$=":enable-1"]').waitFor();

      await page.getByLabel('filter executions').fill('orchestrator');
      expect(await page.locator('#executions-body tr').count()).toBe(1);
      expect(await text('#exec-count')).toBe('1 of 2 execution(s), newest first');
      await page.locator('#executions-body tr[data-arn$=":enable-1"]').focus();
      await page.keyboard.press('Enter');

      await waitFor('#events-title', 'Events: orchestrator · enable-1');
      await page.getByLabel('filter executions').fill('no such machine');
      expect(await text('#executions-body')).toBe('No execution matches the filter.');
    });

    it.skipIf(NO_BROWSER)(
      'Interrupt posts the region to /_local/interrupt and shows the answer',
      async () => {
        fx = newFixtures();
        fx.answers['/_local/interrupt'] = {
          status: 200,
          body: { message: 'Sent the warning for 1 instance(s)', instance_ids: ['i-0abc'] },
        };
        await open(`${base}/`);
        await regionRow('us-west-2').waitFor();

        await regionRow('us-west-2').getByRole('button', { name: 'Interrupt' }).click();

        await waitFor('#message.ok', 'Sent the warning');
        expect(fx.posts).toEqual([{ path: '/_local/interrupt', body: { region: 'us-west-2' } }]);
        expect(await text('#message')).toBe('Interrupt us-west-2: Sent the warning for 1 instance(s)');
      },
    );

    it.skipIf(NO_BROWSER)(
      'exhausts and restores capacity, and enables, disables and tears down',
      async () => {
        fx = newFixtures();
        await open(`${base}/`);
        await regionRow('eu-west-1').waitFor();
        // Each answer names its action, so waiting for it means this click's POST has been answered.
        const clickAndWait = async (button: ReturnType<Page['getByRole']>, label: string) => {
          await button.click();
          await waitFor('#message.ok', `${label}: accepted by`);
        };

        await clickAndWait(
          regionRow('us-west-2').getByRole('button', { name: 'Exhaust capacity' }),
          'Exhaust capacity in us-west-2',
        );
        await clickAndWait(
          regionRow('eu-west-1').getByRole('button', { name: 'Restore capacity' }),
          'Restore capacity in eu-west-1',
        );
        await clickAndWait(page.getByRole('button', { name: 'Enable', exact: true }), 'Enable');
        await clickAndWait(page.getByRole('button', { name: 'Disable', exact: true }), 'Disable');
        await clickAndWait(page.getByRole('button', { name: 'Disable + teardown' }), 'Disable + teardown');

        expect(fx.posts).toEqual([
          { path: '/_local/capacity', body: { region: 'us-west-2', available: false } },
          { path: '/_local/capacity', body: { region: 'eu-west-1', available: true } },
          { path: '/spot-provisioning', body: { action: 'enable' } },
          { path: '/spot-provisioning', body: { action: 'disable', teardown: false } },
          { path: '/spot-provisioning', body: { action: 'disable', teardown: true } },
        ]);
      },
    );

    it.skipIf(NO_BROWSER)(
      'sets the market with the typed values and shows a 400 message with its field errors',
      async () => {
        fx = newFixtures();
        fx.answers['/_local/market'] = {
          status: 400,
          body: { message: 'Invalid request body', errors: ['placement_score: must be at most 10'] },
        };
        await open(`${base}/`);
        const row = regionRow('us-west-2');
        await row.waitFor();

        await row.getByLabel('placement score for us-west-2').fill('11');
        await row.getByLabel('Spot price for us-west-2').fill('0.81');
        await row.getByRole('button', { name: 'Set market' }).click();

        await waitFor('#message.error', 'HTTP 400');
        expect(fx.posts).toEqual([
          { path: '/_local/market', body: { region: 'us-west-2', placement_score: 11, spot_price: 0.81 } },
        ]);
        expect(await text('#message')).toBe(
          'Set market in us-west-2 failed (HTTP 400): Invalid request bodyplacement_score: must be at most 10',
        );
        expect(await page.locator('#message li').allInnerTexts()).toEqual([
          'placement_score: must be at most 10',
        ]);
        // A refused value stays in the field to be corrected.
        expect(await row.getByLabel('placement score for us-west-2').inputValue()).toBe('11');
      },
    );

    it.skipIf(NO_BROWSER)(
      'polls the four GET routes every 2 s without losing a value being typed',
      async () => {
        fx = newFixtures();
        await open(`${base}/`);
        await waitFor('#status', /^RUNNING$/);
        const firstRound = [...fx.gets].sort();
        await regionRow('us-west-2').getByLabel('Spot price for us-west-2').fill('0.5');
        fx.status = { ...fx.status, status: 'FAILING_OVER' };

        await page.clock.runFor(DASHBOARD_POLL_MS);

        await waitFor('#status', /^FAILING_OVER$/);
        expect(firstRound).toEqual([
          '/_local/executions',
          '/_local/history',
          '/_local/state',
          '/spot-instances',
        ]);
        expect([...fx.gets].sort()).toEqual([...firstRound, ...firstRound].sort());
        expect(await regionRow('us-west-2').getByLabel('Spot price for us-west-2').inputValue()).toBe('0.5');
      },
    );

    it.skipIf(NO_BROWSER)('says so when a route cannot be read, and recovers on the next poll', async () => {
      fx = newFixtures();
      const good = fx.state;
      fx.state = { regions: 'not a list' } as unknown as StateBody;
      await open(`${base}/`);

      await waitFor('#connection.bad', '/_local/state answered an unexpected body');
      expect(await text('#status')).toBe('RUNNING');
      fx.state = good;
      await page.clock.runFor(DASHBOARD_POLL_MS);
      await waitFor('#connection', /^live, every 2 s$/);
      expect(await page.locator('#regions-body tr').count()).toBe(3);
    });
  });

  describe('as an ops console (fixtures)', () => {
    const LONG_CAUSE = `States.TaskFailed: ${'InsufficientInstanceCapacity in every zone; '.repeat(12)}`;
    const uuid = '3f2a9c1e-7b4d-4e21-9a0b-5c6d7e8f9a0b';

    /** The states the page must fit in: nothing running; busy (badges, two instances a row); failing over with events open. */
    const STATES: Record<string, () => Fixtures> = {
      'disabled, nothing running': () => {
        const f = newFixtures();
        f.status = {
          ...f.status,
          provisioning: 'disabled',
          status: 'DISABLED',
          region: null,
          instances: [],
          excluded_regions: [],
        };
        f.executions = [];
        f.state = fixtureState([]);
        f.history = null;
        return f;
      },
      'running, interruption badges and two instances in a region': () => {
        const f = newFixtures();
        const west = f.state.regions[1]!;
        const warned = { ...west.instances[0]!, interruption_warning_at: '2026-11-24T10:04:00.000Z' };
        west.instances = [warned, { ...warned, instance_id: 'i-0123456789abcdef0' }];
        west.ecs_tasks = [
          ...west.ecs_tasks,
          { ...west.ecs_tasks[0]!, task_arn: 'arn:aws:ecs:us-west-2:0:task/t2' },
        ];
        f.state.regions.push({
          ...f.state.regions[2]!,
          region: 'eu-central-1',
          role: 'worker',
          instances: [warned],
        });
        f.executions[1]!.cause = LONG_CAUSE;
        return f;
      },
      'failing over, many exclusions, events open': () => {
        const f = newFixtures();
        f.status = {
          ...f.status,
          status: 'FAILING_OVER',
          excluded_regions: ['eu-west-1', 'eu-central-1', 'ap-southeast-2'].map((region) => ({
            region,
            reason: 'InsufficientInstanceCapacity',
            until: '2026-11-24T10:30:00Z',
          })),
          endpoint: 'http://a1234567890abcdef.awsglobalaccelerator.com:8000/',
          replicas: { target: 3, spare: 1, ready: 2 },
          last_move: {
            from: 'us-east-1',
            to: 'us-west-2',
            reason: 'SpotInterruption',
            at: '2026-11-24T09:55:00Z',
          },
        } as PublicStatus;
        f.state.regions[0] = { ...f.state.regions[0]!, asg_desired: 1 };
        f.executions[0]!.name = uuid;
        f.executions[0]!.execution_arn = f.executions[0]!.execution_arn.replace('enable-1', uuid);
        f.executions[1]!.events[3]!.cause = LONG_CAUSE;
        return f;
      },
    };

    /** Page and card widths: nothing may be wider than the window, no card or table needs a sideways scroll. */
    const overflow = () =>
      page.evaluate(`(() => {
        const over = [];
        const root = document.documentElement;
        if (root.scrollWidth > window.innerWidth) over.push('page ' + root.scrollWidth + ' > ' + window.innerWidth);
        for (const el of document.querySelectorAll('section.card, .table-wrap, .scroll, .chart')) {
          if (el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1) {
            over.push((el.id || el.className || el.tagName) + ' ' + el.scrollWidth + ' > ' + el.clientWidth);
          }
        }
        return over;
      })()`) as Promise<string[]>;

    for (const [name, make] of Object.entries(STATES)) {
      it.skipIf(NO_BROWSER)(`has no horizontal overflow at 1024, 1440 and 1920 px: ${name}`, async () => {
        fx = make();
        await open(`${base}/`);
        await waitFor('#status', fx.status.status);
        if (fx.executions.length > 0) {
          await page.locator('#executions-body tr').last().click();
          await page.locator('#events-panel').waitFor({ state: 'visible' });
        }
        for (const width of [1024, 1440, 1920]) {
          await page.setViewportSize({ width, height: 900 });
          // The charts follow their containers a frame or two after a resize.
          await expect
            .poll(async () => ({ width, overflow: await overflow() }))
            .toEqual({ width, overflow: [] });
        }
      });
    }

    it.skipIf(NO_BROWSER)(
      'never breaks a region name or the run history header, whatever the width',
      async () => {
        fx = STATES['running, interruption badges and two instances in a region']!();
        await open(`${base}/`);
        await regionRow('eu-central-1').waitFor();
        await page.setViewportSize({ width: 1024, height: 900 });
        const heights = await page
          .locator('.region-name')
          .evaluateAll((els) => els.map((el) => el.getClientRects().length));
        expect(heights.every((lines) => lines === 1)).toBe(true);
      },
    );

    it.skipIf(NO_BROWSER)(
      'draws price, score and capacity charts from the history, with a legend per region',
      async () => {
        fx = newFixtures();
        await open(`${base}/`);
        for (const id of ['price-chart', 'score-chart', 'capacity-chart']) {
          const chart = page.locator(`#${id}`);
          await chart.locator('canvas').waitFor();
          expect(await chart.getAttribute('data-points')).toBe('20');
          expect(await chart.getAttribute('data-series')).toBe('us-east-1,us-west-2,eu-west-1');
          expect(await chart.locator('.u-legend').innerText()).toMatch(
            /us-east-1[\s\S]*us-west-2[\s\S]*eu-west-1/,
          );
          // Lines were drawn: the plot area holds pixels of the regions' colours, not only the background.
          const inked = (await page.evaluate(`(() => {
            const c = document.querySelector('#${id} canvas');
            const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let coloured = 0;
            for (let i = 0; i < data.length; i += 4) {
              const r = data[i], g = data[i + 1], b = data[i + 2], a = data[i + 3];
              if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured += 1;
            }
            return coloured;
          })()`)) as number;
          expect(inked).toBeGreaterThan(100);
        }
        // Money ticks are round multiples ($0.300, $0.310 would be $0.30, $0.31; never $0.303).
        const ticks = ((await page.locator('#price-chart').getAttribute('data-ticks')) ?? '').split(' ');
        expect(ticks.length).toBeGreaterThanOrEqual(2);
        for (const tick of ticks) expect(tick).toMatch(/^\$0\.\d\d$/);
      },
    );

    it.skipIf(NO_BROWSER)(
      'shows each move with its reason, and says where capacity is moving during FAILING_OVER',
      async () => {
        fx = STATES['failing over, many exclusions, events open']!();
        await open(`${base}/`);
        await waitFor('#status', 'FAILING_OVER');
        expect(await page.locator('#moves-body tr.move').allInnerTexts()).toEqual([
          expect.stringMatching(
            /^2026-11-24 09:55:00\s+us-east-1 → us-west-2\s+SpotInterruption\s+observed$/,
          ),
        ]);
        // The API's own last_move wins over what was observed.
        expect(await text('#last-move')).toBe(
          'us-east-1 → us-west-2: SpotInterruption · 2026-11-24 09:55:00 (10 min 0 s ago)',
        );
        // us-east-1's group wants capacity while the API still names us-west-2: that is where it is moving.
        expect(await text('#moving')).toBe('Moving to us-east-1 from us-west-2');
        expect(await text('#replicas')).toBe('2/3 ready (+1 spare)');
        expect(await text('#endpoint')).toBe('http://a1234567890abcdef.awsglobalaccelerator.com:8000/');
      },
    );

    it.skipIf(NO_BROWSER)('shows the cost so far and the savings against on-demand', async () => {
      fx = newFixtures();
      await open(`${base}/`);
      await waitFor('#cost-usd', '$');
      expect(await text('#cost-usd')).toBe('$1.23');
      expect(await text('#cost-on-demand')).toBe('$4.10');
      expect(await text('#cost-saved')).toBe('$2.87 (69.9 %)');
      expect(await text('#cost-rate')).toBe('$0.30/h');
    });

    it.skipIf(NO_BROWSER)(
      'names generated executions readably and keeps the run history header in view while scrolling',
      async () => {
        fx = newFixtures();
        const template = fx.executions[0]!;
        fx.executions = Array.from({ length: 40 }, (_, i) => ({
          ...template,
          name: `${uuid.slice(0, -2)}${String(i).padStart(2, '0')}`,
          execution_arn: `${template.execution_arn}-${i}`,
          start: new Date(Date.parse('2026-11-24T10:00:00Z') + i * 1000).toISOString(),
        }));
        await open(`${base}/`);
        await page.locator('#executions-body tr').nth(39).waitFor();
        expect(await page.locator('#executions-body tr').first().locator('td').nth(3).innerText()).toBe(
          '#3f2a9c1e',
        );
        const scroller = page.locator('#executions-scroll');
        await scroller.evaluate((el) => {
          el.scrollTop = 400;
        });
        const [boxTop, headTop] = await Promise.all([
          scroller.evaluate((el) => el.getBoundingClientRect().top),
          page
            .locator('#executions thead th')
            .first()
            .evaluate((el) => el.getBoundingClientRect().top),
        ]);
        expect(Math.abs(headTop - boxTop)).toBeLessThan(2);
      },
    );
  });

  describe('against a real local deployment (virtual clock)', () => {
    let server: Server | undefined;
    let base: string;
    let plane: LocalControlPlane;
    let clock: VirtualClock;
    let history: HistoryRecorder | undefined;

    /** A fresh deployment: us-west-2 clearly best, then eu-west-1; prices frozen so cells are exact. */
    async function deploy(): Promise<void> {
      clock = virtualClock('2026-11-24T10:00:00Z');
      plane = await LocalControlPlane.create({
        config: parseConfig({
          hubRegion: 'us-east-1',
          workerRegions: ['us-east-1', 'us-west-2', 'eu-west-1'],
        }),
        clock,
        seed: 'dashboard',
        markets: {
          'us-west-2': { placementScore: 9, spotPrice: 0.3 },
          'eu-west-1': { placementScore: 8, spotPrice: 0.33 },
          'us-east-1': { placementScore: 6, spotPrice: 0.31 },
        },
        priceStepMs: Number.POSITIVE_INFINITY,
        logLevel: 'SILENT',
      });
      history = new HistoryRecorder(plane, clock, { intervalMs: 30_000 }).start();
      server = createLocalServer(plane, undefined, { history });
      base = await listen(server);
    }
    afterEach(async () => {
      // The page first: a poll still on its way must not meet a closed server.
      await page?.context().close();
      history?.stop();
      const closing = server;
      server = undefined;
      if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
    });

    /** What the product API answers now (the Orchestrator's view in the state table). */
    const hubStatus = async (): Promise<{ status?: string; region?: string | null; regions?: string[] }> => {
      const answer = await plane.handleApi({
        rawPath: '/spot-instances',
        requestContext: { http: { method: 'GET', path: '/spot-instances' } },
      } as never);
      return JSON.parse(String(answer.body));
    };
    /** Runs simulated time, timer by timer, until `predicate` holds, then lets the page poll once. */
    async function advanceUntil(what: string, predicate: () => boolean | Promise<boolean>): Promise<void> {
      const limit = clock.now().getTime() + 30 * 60_000;
      await clock.settle();
      while (!(await predicate())) {
        if (clock.now().getTime() >= limit || !(await clock.step()))
          throw new Error(`never reached: ${what}`);
      }
      await page.clock.runFor(DASHBOARD_POLL_MS);
    }

    it.skipIf(NO_BROWSER)(
      "shows the real state, answers from the real routes, and a real execution's events",
      async () => {
        await deploy();
        await open(`${base}/`, '2026-11-24T10:00:00Z');
        await waitFor('#status', /^DISABLED$/);
        expect(
          await page
            .locator('#regions-body tr')
            .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-region'))),
        ).toEqual(['us-east-1', 'us-west-2', 'eu-west-1']);
        expect((await regionRow('us-west-2').locator('td').allInnerTexts()).slice(1, 3)).toEqual([
          '9',
          '$0.3000',
        ]);

        const west = regionRow('us-west-2');
        await west.getByLabel('placement score for us-west-2').fill('11');
        await west.getByRole('button', { name: 'Set market' }).click();
        await waitFor('#message.error', 'placement_score');
        await west.getByRole('button', { name: 'Interrupt' }).click();
        await waitFor('#message.ok', 'nothing to interrupt');

        await page.getByRole('button', { name: 'Enable', exact: true }).click();
        await waitFor('#message.ok', 'Enable:');
        const orchestration = () => executionHistory(plane).find((e) => e.machine.endsWith('-orchestrator'));
        await advanceUntil('an orchestration with events', () => (orchestration()?.events.length ?? 0) >= 3);

        const row = page.locator('#executions-body tr', { hasText: 'orchestrator' });
        await row.waitFor();
        await row.click();
        await waitFor('#events-title', 'orchestrator');
        const events = await page
          .locator('#events-body tr')
          .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-type')));
        expect(events[0]).toBe('ExecutionStarted');
        expect(events.length).toBeGreaterThanOrEqual(3);
        expect(await text('#provisioning')).toBe('enabled');
      },
    );

    it.skipIf(NO_BROWSER)(
      'follows Enable to RUNNING, and an Interrupt to a failover with the region excluded',
      async () => {
        await deploy();
        await open(`${base}/`, '2026-11-24T10:00:00Z');
        await waitFor('#status', /^DISABLED$/);

        await page.getByRole('button', { name: 'Enable', exact: true }).click();
        await advanceUntil('RUNNING', async () => (await hubStatus()).status === 'RUNNING');

        await waitFor('#status', /^RUNNING$/);
        expect(await text('#region')).toBe('us-west-2');
        expect(await page.locator('#instances-body tr').allInnerTexts()).toEqual([
          expect.stringMatching(/^i-\S+\s+us-west-2\s+g6\.xlarge\s+us-west-2[a-z]\s+spot\s/),
        ]);
        expect(await regionRow('us-west-2').locator('td').nth(6).innerText()).toBe('RUNNING · HEALTHY');

        await regionRow('us-west-2').getByRole('button', { name: 'Interrupt' }).click();
        await waitFor('#message.ok', 'Interruption Warning for 1 instance(s) in us-west-2');
        await advanceUntil('RUNNING in eu-west-1 with us-west-2 torn down', async () => {
          const now = await hubStatus();
          return (
            now.status === 'RUNNING' &&
            now.region === 'eu-west-1' &&
            (now.regions ?? []).every((r) => r === 'eu-west-1') &&
            plane.cloud.region('us-west-2').ecs.liveTasks().length === 0
          );
        });

        await waitFor('#region', /^eu-west-1$/);
        expect(await page.locator('#excluded-body tr').allInnerTexts()).toEqual([
          expect.stringMatching(/^us-west-2\s/),
        ]);
        expect(await regionRow('us-west-2').getAttribute('class')).toBe('excluded');
        expect(await regionRow('eu-west-1').getAttribute('class')).toBe('current');
        expect(await regionRow('us-west-2').locator('td').nth(6).innerText()).toBe('–');
        // The move and why, in the moves list and as the last move; the charts have the samples behind them.
        // The sampler sees the new region at its next sample.
        await clock.advance(30_000);
        await page.clock.runFor(DASHBOARD_POLL_MS);
        await waitFor('#moves-body tr.move', 'us-west-2 → eu-west-1');
        expect(await page.locator('#moves-body tr.move').first().innerText()).toMatch(
          /us-west-2 → eu-west-1\s+\S*Interrupt/i,
        );
        expect(await text('#last-move')).toMatch(/^us-west-2 → eu-west-1: \S*Interrupt/i);
        expect(Number(await page.locator('#capacity-chart').getAttribute('data-points'))).toBeGreaterThan(3);
        expect(Number.parseFloat((await text('#cost-usd'))!.slice(1))).toBeGreaterThan(0);
      },
    );
  });
});
