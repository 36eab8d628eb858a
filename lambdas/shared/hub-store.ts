/**
 * Reads and writes the hub's two SSM parameters: the provisioning switch and the state document.
 * A missing parameter (`ParameterNotFound`) is the initial value: provisioning disabled, `initialHubState`.
 */
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import type { Clock } from '../../core/clock.ts';
import { type Config, describeIssues } from '../../core/config.ts';
import { type HubState, hubStateSchema, initialHubState } from '../../core/messages.ts';
import { names } from '../../core/naming.ts';
import type { Provisioning } from '../../core/state.ts';
import { isAwsError } from './aws-errors.ts';
import type { AwsClients } from './clients.ts';
import { StateDocumentError } from './errors.ts';

export interface HubSnapshot {
  provisioning: Provisioning;
  state: HubState;
}

/**
 * Reads the hub state document stored in SSM parameter `parameter`.
 *
 * @throws {StateDocumentError} when it is not JSON or not a `HubState`, naming the bad fields.
 */
export function parseHubState(parameter: string, text: string): HubState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new StateDocumentError(`${parameter} is not valid JSON`, { cause });
  }
  const parsed = hubStateSchema.safeParse(json);
  if (!parsed.success) {
    throw new StateDocumentError(
      `${parameter} is not a hub state document: ${describeIssues(parsed.error).join('; ')}`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

/** The hub's SSM parameters, read and written through the injected hub-region client. */
export class HubStore {
  private readonly parameters: ReturnType<typeof names>;

  constructor(private readonly deps: { clients: AwsClients; config: Config; clock: Clock }) {
    this.parameters = names(deps.config.prefix);
  }

  private get ssm() {
    return this.deps.clients.ssm(this.deps.config.hubRegion);
  }

  private async getValue(name: string): Promise<string | null> {
    try {
      const out = await this.ssm.send(new GetParameterCommand({ Name: name }));
      return out.Parameter?.Value ?? null;
    } catch (error) {
      if (isAwsError(error, 'ParameterNotFound')) return null;
      throw error;
    }
  }

  private async putValue(name: string, value: string): Promise<void> {
    // Intelligent-Tiering: a document with many instances may outgrow a standard parameter's 4 KB.
    await this.ssm.send(
      new PutParameterCommand({
        Name: name,
        Value: value,
        Type: 'String',
        Overwrite: true,
        Tier: 'Intelligent-Tiering',
      }),
    );
  }

  async provisioning(): Promise<Provisioning> {
    const value = await this.getValue(this.parameters.provisioningParameter);
    if (value === null) return 'disabled';
    if (value === 'enabled' || value === 'disabled') return value;
    throw new StateDocumentError(
      `${this.parameters.provisioningParameter} holds ${JSON.stringify(value)}; expected "enabled" or "disabled"`,
    );
  }

  async state(): Promise<HubState> {
    const value = await this.getValue(this.parameters.stateParameter);
    if (value === null) return initialHubState(this.deps.clock.now());
    return parseHubState(this.parameters.stateParameter, value);
  }

  async snapshot(): Promise<HubSnapshot> {
    const [provisioning, state] = await Promise.all([this.provisioning(), this.state()]);
    return { provisioning, state };
  }

  async writeProvisioning(value: Provisioning): Promise<void> {
    await this.putValue(this.parameters.provisioningParameter, value);
  }

  async writeState(state: HubState): Promise<HubState> {
    await this.putValue(this.parameters.stateParameter, JSON.stringify(hubStateSchema.parse(state)));
    return state;
  }

  /**
   * Read, transform, write. SSM has no compare-and-set, so two writers racing can lose an update; the
   * transitions are idempotent and each writer re-reads right before writing to keep that window small.
   */
  async update(transition: (state: HubState, now: Date) => HubState): Promise<HubState> {
    const current = await this.state();
    const next = transition(current, this.deps.clock.now());
    // A transition that changes nothing returns its input: no write, so no window for a lost update.
    return next === current ? current : this.writeState(next);
  }
}
