/**
 * A spotplane deployment on LocalCloud for the fault suite, and the operations a scenario applies to it.
 * Every operation goes through a surface a person (or AWS) has: the product API, the local routes
 * (`/_local/interrupt`, `/capacity`, `/market`, `/fault`, `/asg`), the Step Functions API, or LocalCloud's
 * own delivery behaviour. Only observable state is read back: LocalCloud's regions, the API, executions.
 */
import { ListExecutionsCommand, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { type Config, type ConfigInput, parseConfig } from '../../core/config.ts';
import { serve } from '../../core/http.ts';
import { type VirtualClock, virtualClock } from '../../emulator/clock.ts';
import type { MarketInputs } from '../../emulator/market.ts';
import { LocalControlPlane } from '../../local/deployment.ts';
import { apiGatewayEvent } from '../../local/http-server.ts';
import { localRoutes } from '../../local/local-routes.ts';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

export const HUB = 'us-east-1';
export const WORKERS = ['us-east-1', 'us-west-2', 'eu-west-1'] as const;
export type Worker = (typeof WORKERS)[number];

/** us-west-2 is clearly best, then eu-west-1, then the hub's own region (as in the e2e suite). */
export const MARKETS: Record<Worker, Partial<MarketInputs>> = {
  'us-west-2': { placementScore: 9, spotPrice: 0.3 },
  'eu-west-1': { placementScore: 8, spotPrice: 0.33 },
  'us-east-1': { placementScore: 6, spotPrice: 0.31 },
};

export type Op =
  | { op: 'enable' }
  | { op: 'disable'; teardown: boolean }
  /** `serving`: every worker region that has an instance at that moment (wherever spotplane runs). */
  | { op: 'interrupt'; region: Worker | 'serving' }
  | { op: 'capacity'; region: Worker; available: boolean }
  | { op: 'market'; region: Worker; placement_score?: number; spot_price?: number }
  | { op: 'fault'; region: string; service: string; action: string; error: string; count: number }
  /** A person sets a worker's Auto Scaling group in the console. */
  | { op: 'asg'; region: Worker; desired_capacity: number }
  /** Someone stops the running Orchestrator execution(s) in the console. */
  | { op: 'stop-orchestrator' }
  /** ... and starts it again with "New execution", which pre-fills the last execution's input. */
  | { op: 'restart-orchestrator' }
  /**
   * EventBridge delivers the next `times` matching events late (`delay`: later ones overtake them),
   * twice (`duplicate`: at-least-once delivery) or never (`drop`) — LocalCloud's delivery faults.
   */
  | {
      op: 'delivery';
      kind: 'delay' | 'duplicate' | 'drop';
      delayMs?: number;
      times?: number;
      region?: string;
      source?: string;
      detailType?: string;
    }
  /** The worker state machines of a region stop answering: every execution there is stopped as it starts. */
  | { op: 'mute-worker'; region: Worker; minutes: number };

/** How an operation changes what the invariants may expect (see invariants.ts). */
export const DISRUPTIVE: ReadonlySet<Op['op']> = new Set([
  'interrupt',
  'capacity',
  'market',
  'fault',
  'asg',
  'stop-orchestrator',
  'restart-orchestrator',
  'mute-worker',
  'delivery',
]);

export interface WorldOptions {
  config?: ConfigInput;
  markets?: Partial<Record<Worker, Partial<MarketInputs>>>;
  seed?: string;
}

export interface ApiAnswer {
  statusCode: number;
  body: Record<string, unknown>;
}

export class World {
  readonly config: Config;
  private readonly muted = new Map<string, number>();

  private constructor(
    readonly clock: VirtualClock,
    readonly plane: LocalControlPlane,
  ) {
    this.config = plane.config;
  }

  static async create(opts: WorldOptions = {}): Promise<World> {
    const clock = virtualClock('2026-11-24T10:00:00Z');
    const plane = await LocalControlPlane.create({
      config: parseConfig({ hubRegion: HUB, workerRegions: [...WORKERS], ...opts.config }),
      clock,
      seed: opts.seed ?? 'faults',
      markets: { ...MARKETS, ...opts.markets },
      logLevel: 'SILENT',
    });
    if (plane.missing.length > 0) throw new Error(`deployment incomplete: ${plane.missing.join(', ')}`);
    return new World(clock, plane);
  }

  get names() {
    return this.plane.names;
  }

  /** The product API, as API Gateway hands requests to the handlers. */
  async api(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ApiAnswer> {
    // The event API Gateway hands the handler, built as the local server builds it.
    const event = apiGatewayEvent(
      {
        headers: { 'content-type': 'application/json', 'user-agent': 'fault-suite' },
        socket: undefined as never,
      },
      new URL(path, 'http://local'),
      method,
      body === undefined ? null : JSON.stringify(body),
      this.clock.now(),
    );
    try {
      const result = await this.plane.handleApi(event);
      return { statusCode: result.statusCode ?? 200, body: JSON.parse(String(result.body)) };
    } catch (error) {
      // A crashed handler is a 500 from API Gateway ("Internal Server Error"), as on AWS.
      return { statusCode: 500, body: { message: (error as Error).message } };
    }
  }

  private async local(path: string, body: unknown): Promise<ApiAnswer> {
    const res = await serve(
      localRoutes(this.plane),
      { method: 'POST', path, headers: {}, body: JSON.stringify(body) },
      (e) => {
        throw e;
      },
    );
    return { statusCode: res.statusCode, body: JSON.parse(res.body) };
  }

  /** Applies one operation; returns what the surface answered (a refused request fails the scenario). */
  async apply(op: Op): Promise<ApiAnswer> {
    const { op: kind, ...body } = op;
    switch (op.op) {
      case 'enable':
        return this.api('POST', '/spot-provisioning', { action: 'enable' });
      case 'disable':
        return this.api('POST', '/spot-provisioning', { action: 'disable', teardown: op.teardown });
      case 'interrupt':
        if (op.region === 'serving') {
          const serving = this.config.workerRegions.filter((r) => this.region(r).instances.length > 0);
          const answers = await Promise.all(
            serving.map((region) => this.local('/_local/interrupt', { region })),
          );
          return { statusCode: 200, body: { interrupted: serving, answers: answers.map((a) => a.body) } };
        }
        return this.local('/_local/interrupt', body);
      case 'capacity':
      case 'market':
      case 'fault':
      case 'asg':
        return this.local(`/_local/${kind}`, body);
      case 'stop-orchestrator':
        return this.stopOrchestrators();
      case 'restart-orchestrator':
        return this.restartOrchestrator();
      case 'delivery':
        this.plane.cloud.injectDeliveryFault(
          body as Parameters<typeof this.plane.cloud.injectDeliveryFault>[0],
        );
        return { statusCode: 200, body: {} };
      case 'mute-worker':
        this.muted.set(op.region, this.clock.now().getTime() + op.minutes * 60_000);
        return { statusCode: 200, body: {} };
    }
  }

  /** Called after every clock step: a muted worker region's executions die as they start. */
  enforceMutes(): void {
    const now = this.clock.now().getTime();
    for (const [region, until] of this.muted) {
      if (now >= until) {
        this.muted.delete(region);
        continue;
      }
      const runtime = this.plane.cloud.region(region).sfn.runtime;
      for (const e of runtime.executions()) {
        if (
          e.status === 'RUNNING' &&
          !e.stateMachineArn.endsWith(`:${this.names.orchestratorStateMachine}`)
        ) {
          runtime.stopExecution({
            executionArn: e.executionArn,
            error: 'Muted',
            cause: 'fault suite: the worker never answers',
          });
        }
      }
    }
  }

  private get sfn() {
    return this.plane.cloud.clients().sfn(this.config.hubRegion);
  }

  private async runningOrchestrators(): Promise<string[]> {
    const out = await this.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: this.plane.orchestratorArn, statusFilter: 'RUNNING' }),
    );
    return (out.executions ?? []).map((e) => e.executionArn!);
  }

  private async stopOrchestrators(): Promise<ApiAnswer> {
    const running = await this.runningOrchestrators();
    for (const executionArn of running) {
      await this.sfn.send(new StopExecutionCommand({ executionArn, cause: 'stopped by hand (fault suite)' }));
    }
    return { statusCode: 200, body: { stopped: running } };
  }

  private async restartOrchestrator(): Promise<ApiAnswer> {
    const last = this.orchestratorExecutions().at(-1);
    const input = last?.input ?? '{}';
    const out = await this.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: this.plane.orchestratorArn,
        name: `restarted-by-hand-${this.clock.now().getTime()}`,
        input,
      }),
    );
    return { statusCode: 200, body: { started: out.executionArn } };
  }

  /** Every Orchestrator execution, oldest first. */
  orchestratorExecutions() {
    return this.plane.cloud
      .region(this.config.hubRegion)
      .sfn.runtime.executions()
      .filter((e) => e.stateMachineArn === this.plane.orchestratorArn)
      .sort((a, b) => a.startDate.getTime() - b.startDate.getTime());
  }

  /** What runs in a worker region, read from LocalCloud. */
  region(name: string) {
    const r = this.plane.cloud.region(name);
    const instances = r.ec2.all().filter((i) => i.state !== 'terminated');
    const tasks = r.ecs.liveTasks();
    const desired = r.autoScaling.desiredCapacity(this.names.autoScalingGroup) ?? 0;
    const ready = instances.filter(
      (i) =>
        i.state === 'running' &&
        i.interruptionAt === null &&
        tasks.some(
          (t) => t.instanceId === i.instanceId && t.lastStatus === 'RUNNING' && t.healthStatus === 'HEALTHY',
        ),
    );
    return {
      desired,
      instances,
      tasks,
      ready,
      holds: desired > 0 || instances.length > 0 || tasks.length > 0,
      market: r.market.inputs(),
      capacity: r.market.capacityAvailable(),
    };
  }
}
