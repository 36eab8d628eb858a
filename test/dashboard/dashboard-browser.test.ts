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
import type { PublicStatus } from '../../core/state.ts';
import { DASHBOARD_POLL_MS } from '../../dashboard/client/config.ts';
import { serveDashboard } from '../../dashboard/route.ts';
import { type VirtualClock, virtualClock } from '../../emulator/clock.ts';
import { LocalControlPlane } from '../../local/deployment.ts';
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
      },
    ],
    excluded_regions: [
      { region: 'eu-west-1', reason: 'InsufficientInstanceCapacity', until: '2026-11-24T10:30:00Z' },
    ],
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

/** Answers the dashboard's routes with fixtures and records what the page asked. */
interface Fixtures {
  status: PublicStatus;
  executions: ExecutionView[];
  state: StateBody;
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

  beforeAll(async () => {
    if (NO_BROWSER) return;
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
    let server: Server;
    let base: string;
    let fx: Fixtures;

    beforeAll(async () => {
      if (NO_BROWSER) return;
      server = fixtureServer(() => fx);
      base = await listen(server);
    });
    afterAll(async () => {
      if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    });

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
            /i-0abc\s+g6\.xlarge\s+us-west-2b\s+spot\s+54\.1\.2\.3\s+10\.0\.0\.12\s+10:00:00/,
          ),
        ]);
        // 25 minutes left: until 10:30, the state says it is 10:05.
        expect(await page.locator('#excluded-body tr').allInnerTexts()).toEqual([
          expect.stringMatching(/eu-west-1\s+InsufficientInstanceCapacity\s+10:30:00\s+25 min 0 s/),
        ]);
        expect(await text('#now')).toBe('10:05:00');
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
            /^FAILED\s+spotplane-launch-instance\s+eu-west-1\s+launch-eu\s+10:00:01\s+10:00:03\s+2 s/,
          ),
          expect.stringMatching(
            /^RUNNING\s+spotplane-orchestrator\s+us-east-1\s+enable-1\s+10:00:00\s+–\s+5 min 0 s/,
          ),
        ]);
        expect(await page.locator('#events-panel').isHidden()).toBe(true);

        await failedRun.click();

        await page.locator('#events-panel').waitFor({ state: 'visible' });
        expect(await text('#events-title')).toBe('Events: spotplane-launch-instance · launch-eu');
        const rows = page.locator('#events-body tr');
        expect(await rows.count()).toBe(5);
        expect((await rows.nth(3).innerText()).split('\t').map((c) => c.trim())).toEqual([
          '4',
          'TaskFailed',
          'RaiseDesiredCapacity',
          '+1.5 s',
          '10:00:02',
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

      await waitFor('#events-title', 'Events: spotplane-orchestrator · enable-1');
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
      'polls the three GET routes every 2 s without losing a value being typed',
      async () => {
        fx = newFixtures();
        await open(`${base}/`);
        await waitFor('#status', /^RUNNING$/);
        const firstRound = [...fx.gets].sort();
        await regionRow('us-west-2').getByLabel('Spot price for us-west-2').fill('0.5');
        fx.status = { ...fx.status, status: 'FAILING_OVER' };

        await page.clock.runFor(DASHBOARD_POLL_MS);

        await waitFor('#status', /^FAILING_OVER$/);
        expect(firstRound).toEqual(['/_local/executions', '/_local/state', '/spot-instances']);
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

  describe('against a real local deployment (virtual clock)', () => {
    let server: Server | undefined;
    let base: string;
    let plane: LocalControlPlane;
    let clock: VirtualClock;

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
      server = createLocalServer(plane);
      base = await listen(server);
    }
    afterEach(async () => {
      const closing = server;
      server = undefined;
      if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
    });

    const hubStatus = (): { status?: string; region?: string | null } =>
      JSON.parse(plane.cloud.region('us-east-1').ssm.values()[plane.names.stateParameter] ?? '{}');
    /** Runs simulated time until `predicate` holds, then lets the page poll once. */
    async function advanceUntil(what: string, predicate: () => boolean): Promise<void> {
      if (!(await clock.runUntil(predicate, 30 * 60_000))) throw new Error(`never reached: ${what}`);
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

        const row = page.locator('#executions-body tr', { hasText: 'spotplane-orchestrator' });
        await row.waitFor();
        await row.click();
        await waitFor('#events-title', 'spotplane-orchestrator');
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
        await advanceUntil('RUNNING', () => hubStatus().status === 'RUNNING');

        await waitFor('#status', /^RUNNING$/);
        expect(await text('#region')).toBe('us-west-2');
        expect(await page.locator('#instances-body tr').allInnerTexts()).toEqual([
          expect.stringMatching(/^i-\S+\s+g6\.xlarge\s+us-west-2[a-z]\s+spot/),
        ]);
        expect(await regionRow('us-west-2').locator('td').nth(6).innerText()).toBe('RUNNING · HEALTHY');

        await regionRow('us-west-2').getByRole('button', { name: 'Interrupt' }).click();
        await waitFor('#message.ok', 'Interruption Warning for 1 instance(s) in us-west-2');
        await advanceUntil(
          'RUNNING in eu-west-1 with us-west-2 torn down',
          () =>
            hubStatus().status === 'RUNNING' &&
            hubStatus().region === 'eu-west-1' &&
            plane.cloud.region('us-west-2').ecs.liveTasks().length === 0,
        );

        await waitFor('#region', /^eu-west-1$/);
        expect(await page.locator('#excluded-body tr').allInnerTexts()).toEqual([
          expect.stringMatching(/^us-west-2\s/),
        ]);
        expect(await regionRow('us-west-2').getAttribute('class')).toBe('excluded');
        expect(await regionRow('eu-west-1').getAttribute('class')).toBe('current');
        expect(await regionRow('us-west-2').locator('td').nth(6).innerText()).toBe('–');
      },
    );
  });
});
