/**
 * The hub around the Orchestrator, stood in by local handlers that follow the DESIGN.md contracts:
 * the state store (on the pure transitions of core/state.ts), the RegionFinder (a fixed preference
 * order minus active exclusions), the hub bus with scripted worker regions answering Launch Requested,
 * and SpotCapacityHandler's Region Lost path. Everything runs on one virtual clock.
 */
import { type HubState, type InstanceDetail, initialHubState } from '../../../core/messages.ts';
import { shouldRebalance } from '../../../core/ranking/index.ts';
import {
  activeExclusions,
  decideRegionLost,
  exclude,
  nextBackoffSeconds,
  recordRunning,
  registerLossToken,
  setStatus,
} from '../../../core/state.ts';
import { type VirtualClock, virtualClock } from '../../../emulator/clock.ts';
import {
  type LocalExecution,
  LocalStepFunctions,
  type TaskCall,
  TaskError,
} from '../../../emulator/sfn/runtime.ts';
import { hubFunctions, loadOrchestrator, type OrchestratorSettings, PREFIX } from './substitutions.ts';

export const EXCLUSION_TTL_SECONDS = 1800;
export const MAX_BACKOFF_SECONDS = 600;

/** What a worker region does with a Launch Requested it receives. */
export type WorkerScript =
  | { kind: 'succeed'; afterSeconds: number }
  /** Fails (only launches of `lifecycle`, when given; the others succeed). */
  | { kind: 'fail'; afterSeconds: number; error: string; lifecycle?: 'spot' | 'on-demand' }
  | { kind: 'silent' }
  | { kind: 'heartbeats-only'; everySeconds: number };

export interface HubEvent {
  seq: number;
  at: Date;
  detailType: string;
  detail: Record<string, unknown>;
}

export const instanceIn = (region: string, lifecycle: 'spot' | 'on-demand' = 'spot'): InstanceDetail => ({
  instance_id: `i-${region.replaceAll('-', '')}`,
  public_ip: '54.1.2.3',
  private_ip: '10.0.0.12',
  instance_type: 'g6.xlarge',
  availability_zone: `${region}a`,
  lifecycle,
  launch_time: '2026-11-24T10:00:00Z',
});

const payload = (value: unknown) => ({ ExecutedVersion: '$LATEST', StatusCode: 200, Payload: value });

export interface HubWorldOptions {
  clock?: VirtualClock;
  /** Delivers hub events elsewhere (e.g. to real worker machines) instead of the scripted workers. */
  route?: (detailType: string, detail: Record<string, unknown>) => void;
}

export class HubWorld {
  readonly clock: VirtualClock;
  readonly sfn: LocalStepFunctions;
  readonly orchestratorArn: string;
  provisioning: 'enabled' | 'disabled' = 'enabled';
  state: HubState;
  readonly events: HubEvent[] = [];
  /** Regions the finder may choose, best first (a placement-score order). */
  preference: string[];
  /** Spot price per region (USD/h) the finder reports; a region not listed has an unknown price. */
  readonly prices = new Map<string, number>();
  /** The finder's rebalance threshold (config `rebalanceMinSavings`). */
  rebalanceMinSavings = 0.15;
  /** Every RegionFinder payload, as received. */
  readonly finderRequests: Record<string, unknown>[] = [];
  /** Makes the RegionFinder Lambda fail (e.g. the EC2 API is down), as a Lambda error. */
  finderError: string | null = null;
  readonly workers = new Map<string, WorkerScript>();
  /** Launch Requested events each region received, with the token to answer. */
  readonly launches: { region: string; lifecycle: string; token: string; at: Date }[] = [];
  /** Every state-store request, as received (the Orchestrator passes its execution id along). */
  readonly storeRequests: Record<string, unknown>[] = [];
  private seq = 0;

  private readonly route: HubWorldOptions['route'];

  constructor(settings: OrchestratorSettings, options: HubWorldOptions = {}) {
    this.clock = options.clock ?? virtualClock('2026-11-24T10:00:00Z');
    this.route = options.route;
    this.preference = [...settings.workerRegions];
    this.state = { ...initialHubState(this.clock.now()), status: 'PROVISIONING' };
    this.sfn = new LocalStepFunctions({
      region: 'us-east-1',
      accountId: '123456789012',
      clock: this.clock,
      dispatch: (call) => this.dispatch(call),
    });
    this.orchestratorArn = this.sfn.createStateMachine(
      `${PREFIX}-orchestrator`,
      loadOrchestrator(settings),
    ).stateMachineArn;
  }

  start(): string {
    return this.sfn.startExecution({ stateMachineArn: this.orchestratorArn, input: '{}' }).executionArn;
  }

  /** The most recent execution (the Orchestrator may have continued as a new one). */
  latest(): LocalExecution {
    return this.sfn.executions().at(-1)!;
  }

  execution(arn: string): LocalExecution {
    return this.sfn.executions().find((e) => e.executionArn === arn)!;
  }

  async runUntil(predicate: () => boolean, maxSeconds: number): Promise<boolean> {
    return this.clock.runUntil(predicate, maxSeconds * 1000);
  }

  /** SpotCapacityHandler for Launch Succeeded / Failed / Heartbeat: answers the launch task's token. */
  workerReported(detailType: string, detail: Record<string, unknown>): void {
    const token = detail.task_token as string;
    try {
      if (detailType === 'Launch Succeeded') {
        this.sfn.sendTaskSuccess({
          taskToken: token,
          output: JSON.stringify({ region: detail.region, instances: detail.instances }),
        });
      } else if (detailType === 'Launch Failed') {
        this.sfn.sendTaskFailure({
          taskToken: token,
          error: detail.error as string,
          cause: detail.cause as string,
        });
      } else if (detailType === 'Launch Heartbeat') {
        this.sfn.sendTaskHeartbeat({ taskToken: token });
      } else if (detailType === 'Region Lost') {
        this.loseRegion(detail.region as string, detail.reason as string);
      }
    } catch (error) {
      if (!(error instanceof Error && ['TaskTimedOut', 'InvalidToken'].includes(error.name))) throw error;
    }
  }

  /** SpotCapacityHandler's Region Lost path: releases the loss token when the current region is lost. */
  loseRegion(region: string, reason = 'SpotInterruption'): boolean {
    const decision = decideRegionLost(this.state, { region });
    if (decision.action !== 'RELEASE_LOSS_TOKEN') return false;
    this.state = { ...this.state, loss_token: null };
    const detail = { prefix: PREFIX, region, reason, instance_id: instanceIn(region).instance_id };
    this.sfn.sendTaskSuccess({ taskToken: decision.token, output: JSON.stringify(detail) });
    return true;
  }

  eventsOfType(detailType: string): HubEvent[] {
    return this.events.filter((e) => e.detailType === detailType);
  }

  private async dispatch(call: TaskCall): Promise<unknown> {
    const input = call.input as Record<string, unknown>;
    switch (call.resource) {
      case 'arn:aws:states:::lambda:invoke':
      case 'arn:aws:states:::lambda:invoke.waitForTaskToken': {
        const fn = input.FunctionName;
        if (fn === hubFunctions.stateStore)
          return payload(this.stateStore(input.Payload as Record<string, unknown>));
        if (fn === hubFunctions.regionFinder) {
          if (this.finderError) throw new TaskError(this.finderError, 'region finder failed');
          return payload(this.regionFinder(input.Payload as Record<string, unknown>));
        }
        throw new TaskError('Lambda.ResourceNotFoundException', `Function not found: ${String(fn)}`);
      }
      case 'arn:aws:states:::events:putEvents':
      case 'arn:aws:states:::events:putEvents.waitForTaskToken': {
        for (const entry of input.Entries as {
          DetailType: string;
          Detail: Record<string, unknown>;
          EventBusName: string;
        }[]) {
          if (entry.EventBusName !== `${PREFIX}-hub`)
            throw new TaskError('EventBridge.ResourceNotFoundException', 'no such bus');
          this.events.push({
            seq: this.seq++,
            at: this.clock.now(),
            detailType: entry.DetailType,
            detail: entry.Detail,
          });
          if (entry.DetailType === 'Launch Requested') this.launchRequested(entry.Detail);
          const { DetailType, Detail } = entry;
          // EventBridge delivers asynchronously, after PutEvents has returned.
          if (this.route) queueMicrotask(() => this.route?.(DetailType, Detail));
        }
        return { Entries: [{ EventId: `event-${this.seq}` }], FailedEntryCount: 0 };
      }
      case 'arn:aws:states:::states:startExecution': {
        const started = this.sfn.startExecution({
          stateMachineArn: input.StateMachineArn as string,
          input: JSON.stringify(input.Input),
        });
        return { ExecutionArn: started.executionArn, StartDate: started.startDate.toISOString() };
      }
      default:
        throw new TaskError('States.Runtime', `No stand-in for ${call.resource}`);
    }
  }

  private stateStore(request: Record<string, unknown>): unknown {
    this.storeRequests.push(request);
    const now = this.clock.now();
    switch (request.action) {
      case 'get':
        return { provisioning: this.provisioning, state: this.state };
      case 'set_status':
        this.state = setStatus(this.state, request.status as HubState['status'], now);
        return this.state;
      case 'exclude':
        this.state = exclude(
          this.state,
          { region: request.region as string, reason: request.reason as string },
          now,
          EXCLUSION_TTL_SECONDS,
        );
        return this.state;
      case 'record_running':
        this.state = recordRunning(
          this.state,
          {
            region: request.region as string,
            lifecycle: request.lifecycle as 'spot',
            instances: request.instances as InstanceDetail[],
          },
          now,
        );
        return this.state;
      case 'register_loss_token':
        this.state = registerLossToken(this.state, request.task_token as string, now);
        return this.state;
      case 'next_backoff':
        return { seconds: nextBackoffSeconds(request.attempt as number, MAX_BACKOFF_SECONDS) };
      default:
        throw new TaskError('ValidationError', `unknown action ${String(request.action)}`);
    }
  }

  /** Stand-in RegionFinder; with `current_region` it decides the rebalance with the real pure function. */
  private regionFinder(request: Record<string, unknown>): unknown {
    this.finderRequests.push(request);
    const excluded = new Set(activeExclusions(this.state, this.clock.now()).map((e) => e.region));
    const priceOf = (region: string) => this.prices.get(region) ?? (this.prices.size === 0 ? 0.5 : null);
    const ranked = this.preference
      .filter((region) => !excluded.has(region))
      .map((region, i) => ({ region, score: 9 - i, price: priceOf(region), why: 'stand-in ranking' }));
    const best = ranked[0];
    const chosen = best ? { region: best.region, score: best.score, price: best.price } : null;
    const currentRegion = request.current_region as string | undefined;
    const current = currentRegion
      ? {
          region: currentRegion,
          score: 9 - Math.max(0, this.preference.indexOf(currentRegion)),
          price: priceOf(currentRegion),
        }
      : null;
    const decision = current
      ? shouldRebalance(
          chosen,
          { ...current, status: this.state.status, lifecycle: this.state.lifecycle },
          { minPlacementScore: 3, rebalanceMinSavings: this.rebalanceMinSavings },
        )
      : null;
    return {
      chosen,
      reason: best ? null : 'ALL_EXCLUDED',
      ranked,
      scores_from_cache: false,
      current,
      rebalance_to: decision?.to ?? null,
      rebalance_why: decision?.why ?? null,
    };
  }

  /** A worker region receiving Launch Requested: answers the token as its script says, on the clock. */
  private launchRequested(detail: Record<string, unknown>): void {
    const region = detail.target_region as string;
    const lifecycle = detail.lifecycle as 'spot' | 'on-demand';
    const token = detail.task_token as string;
    this.launches.push({ region, lifecycle, token, at: this.clock.now() });
    if (this.route) return;
    const scripted = this.workers.get(region);
    const applies = scripted?.kind !== 'fail' || !scripted.lifecycle || scripted.lifecycle === lifecycle;
    const script: WorkerScript = scripted && applies ? scripted : { kind: 'succeed', afterSeconds: 180 };
    const answer = (send: () => void) => {
      try {
        send();
      } catch (error) {
        // As SpotCapacityHandler does: a token that timed out or was closed is acknowledged, not retried.
        if (!(error instanceof Error && ['TaskTimedOut', 'InvalidToken'].includes(error.name))) throw error;
      }
    };
    switch (script.kind) {
      case 'succeed':
        this.clock.setTimer(script.afterSeconds * 1000, () =>
          answer(() =>
            this.sfn.sendTaskSuccess({
              taskToken: token,
              output: JSON.stringify({
                prefix: PREFIX,
                region,
                task_token: token,
                instances: [instanceIn(region, lifecycle)],
              }),
            }),
          ),
        );
        return;
      case 'fail':
        this.clock.setTimer(script.afterSeconds * 1000, () =>
          answer(() =>
            this.sfn.sendTaskFailure({
              taskToken: token,
              error: script.error,
              cause: `${script.error} in ${region}`,
            }),
          ),
        );
        return;
      case 'heartbeats-only': {
        const beat = () => {
          try {
            this.sfn.sendTaskHeartbeat({ taskToken: token });
            this.clock.setTimer(script.everySeconds * 1000, beat);
          } catch {
            // The hub gave up on this launch.
          }
        };
        this.clock.setTimer(script.everySeconds * 1000, beat);
        return;
      }
      case 'silent':
        return;
    }
  }
}
