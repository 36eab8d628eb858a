/**
 * AWS Global Accelerator (standard accelerators): accelerators, listeners, one endpoint group per
 * region and listener, EC2 instance endpoints with weights, and their health checks. GA is a global
 * service whose API lives in us-west-2 only (Global Accelerator API Reference, "Welcome"); LocalCloud
 * refuses it elsewhere. Shapes, limits and error names follow the API Reference and the SDK's model:
 * - Create/Update/DescribeEndpointGroup: TrafficDialPercentage 0-100 (default 100), HealthCheckProtocol
 *   TCP | HTTP | HTTPS (default TCP), HealthCheckPort (default the listener's first port), HealthCheckPath
 *   (default "/"), HealthCheckIntervalSeconds 10 or 30 (default 30), ThresholdCount 1-10 (default 3).
 * - AddEndpoints: at most 10 configurations a call; RemoveEndpoints: 1-10 identifiers; Weight 0-255
 *   (default 128); "a resource must be valid and active when you add it" (a running EC2 instance in
 *   the group's region). 10 endpoints per endpoint group, 10 listeners per accelerator, 10 port ranges
 *   per listener (GA quotas), beyond which LimitExceededException.
 * - DeleteAccelerator needs it disabled (AcceleratorNotDisabledException) and without listeners
 *   (AssociatedListenerFoundException); DeleteListener needs no endpoint group (AssociatedEndpointGroupFoundException).
 * - A change sets the accelerator IN_PROGRESS until it is deployed (GA: "can take a few minutes";
 *   LocalCloud takes `deployMs`, 60 s by default, a figure of ours).
 * - Health: an endpoint starts INITIAL and turns HEALTHY (UNHEALTHY) after ThresholdCount consecutive
 *   passing (failing) checks, one every HealthCheckIntervalSeconds (Developer Guide, "Health check
 *   options"). Checks run on the clock while any endpoint's state is unsettled and after every change to
 *   the instances or tasks behind an endpoint (`recheck`): a settled group is not polled, since nothing
 *   it probes can change without such a change.
 * Not modelled (documented as assumptions): removing an endpoint that is not in the group, and adding
 * one twice, are InvalidArgumentException (the API Reference names no other error for them).
 */
import type {
  Accelerator,
  EndpointConfiguration,
  EndpointDescription,
  EndpointGroup,
  Listener,
  PortRange,
} from '@aws-sdk/client-global-accelerator';
import type { TimerClock } from './clock.ts';
import { type IdSource, paginate } from './context.ts';
import { awsError } from './errors.ts';

/** The one region GA's API answers in. */
export const GLOBAL_ACCELERATOR_API_REGION = 'us-west-2';

type Output<T> = Omit<T, '$metadata'>;
type HealthCheckProtocol = 'TCP' | 'HTTP' | 'HTTPS';
type HealthState = 'INITIAL' | 'HEALTHY' | 'UNHEALTHY';

/** What one health check asks: does the endpoint answer on `port` (and `path`, for HTTP/S) now? */
export interface HealthCheck {
  region: string;
  endpointId: string;
  protocol: HealthCheckProtocol;
  port: number;
  path: string;
}

export interface GlobalAcceleratorOptions {
  clock: TimerClock;
  accountId: string;
  ids: IdSource;
  /** Runs one health check (LocalCloud: the instance, its task and, where one runs, its stand-in server). */
  probe(check: HealthCheck): Promise<boolean>;
  /** The EC2 state of an instance in a region, or undefined when there is no such instance. */
  instanceState(region: string, instanceId: string): string | undefined;
  /** Whether `region` is a region an endpoint group can be in. */
  isRegion(region: string): boolean;
  /** How long a change keeps the accelerator IN_PROGRESS. */
  deployMs?: number;
}

interface LocalEndpoint {
  id: string;
  weight: number;
  clientIp: boolean;
  state: HealthState;
  /** The latest check's result and how many checks in a row gave it. */
  last: boolean | undefined;
  streak: number;
  /** Something behind it changed since its state settled. */
  dirty: boolean;
}

interface LocalGroup {
  arn: string;
  listener: LocalListener;
  region: string;
  trafficDial: number;
  healthCheckPort: number | undefined;
  protocol: HealthCheckProtocol;
  path: string;
  intervalSeconds: number;
  threshold: number;
  endpoints: LocalEndpoint[];
  cancelTimer: (() => void) | undefined;
  checking: boolean;
}

interface LocalListener {
  arn: string;
  accelerator: LocalAccelerator;
  portRanges: PortRange[];
  protocol: 'TCP' | 'UDP';
  clientAffinity: 'NONE' | 'SOURCE_IP';
  groups: LocalGroup[];
}

interface LocalAccelerator {
  arn: string;
  name: string;
  enabled: boolean;
  ipAddressType: 'IPV4' | 'DUAL_STACK';
  ips: string[];
  dnsName: string;
  status: 'DEPLOYED' | 'IN_PROGRESS';
  created: Date;
  modified: Date;
  listeners: LocalListener[];
  deployTimer: (() => void) | undefined;
  idempotencyToken: string | undefined;
}

/** An endpoint GA would send traffic to now: enabled accelerator, dialled-up group, weight > 0, HEALTHY. */
export interface Route {
  acceleratorArn: string;
  region: string;
  endpointId: string;
  weight: number;
  /** The listener's first port (spotplane's listener has one port, the container's). */
  port: number;
}

const MAX_ENDPOINTS_PER_GROUP = 10;
const MAX_LISTENERS = 10;
const MAX_PORT_RANGES = 10;
const MAX_ENDPOINTS_PER_CALL = 10;
const DEFAULT_WEIGHT = 128;
const PATH_PATTERN = /^\/[-a-zA-Z0-9@:%_\\+.~#?&/=]*$/;
const NAME_PATTERN = /^[a-zA-Z0-9](?:[a-zA-Z0-9.-]{0,62}[a-zA-Z0-9])?$/;

const invalid = (message: string) => awsError('globalaccelerator', 'InvalidArgumentException', message);

export class GlobalAcceleratorService {
  private readonly accelerators: LocalAccelerator[] = [];
  private readonly deployMs: number;

  constructor(private readonly opts: GlobalAcceleratorOptions) {
    this.deployMs = opts.deployMs ?? 60_000;
  }

  // ---- accelerators -------------------------------------------------------------------------

  async createAccelerator(input: {
    Name?: string;
    IpAddressType?: string;
    IpAddresses?: string[];
    Enabled?: boolean;
    IdempotencyToken?: string;
  }): Promise<Output<{ Accelerator?: Accelerator }>> {
    const name = input.Name ?? '';
    if (!NAME_PATTERN.test(name)) {
      throw invalid(
        'Name must have 1-64 characters: letters, digits, periods or hyphens, not beginning or ending with a hyphen or period.',
      );
    }
    if (input.IdempotencyToken) {
      const earlier = this.accelerators.find((a) => a.idempotencyToken === input.IdempotencyToken);
      if (earlier) return { Accelerator: this.describe(earlier) };
    }
    const type = input.IpAddressType ?? 'IPV4';
    if (type !== 'IPV4' && type !== 'DUAL_STACK') throw invalid(`IpAddressType ${type} is not valid.`);
    if (input.IpAddresses && input.IpAddresses.length > 0) {
      throw invalid('IpAddresses needs an address pool brought to AWS (BYOIP); this account has none.');
    }
    const now = this.opts.clock.now();
    const uuid = this.opts.ids.uuid();
    const n = this.opts.ids.sequence();
    const accelerator: LocalAccelerator = {
      arn: `arn:aws:globalaccelerator::${this.opts.accountId}:accelerator/${uuid}`,
      name,
      enabled: input.Enabled ?? true,
      ipAddressType: type,
      // Two static anycast addresses, one per network zone, from AWS's GA ranges.
      ips: [`75.2.${(n >> 8) & 255}.${n & 255}`, `99.83.${(n >> 8) & 255}.${n & 255}`],
      dnsName: `a${this.opts.ids.hex(16)}.awsglobalaccelerator.com`,
      status: 'IN_PROGRESS',
      created: now,
      modified: now,
      listeners: [],
      deployTimer: undefined,
      idempotencyToken: input.IdempotencyToken,
    };
    this.accelerators.push(accelerator);
    this.changed(accelerator);
    return { Accelerator: this.describe(accelerator) };
  }

  async describeAccelerator(input: {
    AcceleratorArn?: string;
  }): Promise<Output<{ Accelerator?: Accelerator }>> {
    return { Accelerator: this.describe(this.accelerator(input.AcceleratorArn)) };
  }

  async listAccelerators(input: {
    MaxResults?: number;
    NextToken?: string;
  }): Promise<Output<{ Accelerators?: Accelerator[]; NextToken?: string }>> {
    const { page, nextToken } = this.page(this.accelerators, input);
    return { Accelerators: page.map((a) => this.describe(a)), NextToken: nextToken };
  }

  async updateAccelerator(input: {
    AcceleratorArn?: string;
    Name?: string;
    Enabled?: boolean;
    IpAddressType?: string;
  }): Promise<Output<{ Accelerator?: Accelerator }>> {
    const accelerator = this.accelerator(input.AcceleratorArn);
    if (input.Name !== undefined) {
      if (!NAME_PATTERN.test(input.Name)) throw invalid('Name is not valid.');
      accelerator.name = input.Name;
    }
    if (input.IpAddressType !== undefined) {
      if (input.IpAddressType !== 'IPV4' && input.IpAddressType !== 'DUAL_STACK') {
        throw invalid(`IpAddressType ${input.IpAddressType} is not valid.`);
      }
      accelerator.ipAddressType = input.IpAddressType;
    }
    if (input.Enabled !== undefined) accelerator.enabled = input.Enabled;
    this.changed(accelerator);
    return { Accelerator: this.describe(accelerator) };
  }

  async deleteAccelerator(input: { AcceleratorArn?: string }): Promise<Output<object>> {
    const accelerator = this.accelerator(input.AcceleratorArn);
    if (accelerator.enabled) {
      throw awsError(
        'globalaccelerator',
        'AcceleratorNotDisabledException',
        'The accelerator that you specified could not be disabled.',
      );
    }
    if (accelerator.listeners.length > 0) {
      throw awsError(
        'globalaccelerator',
        'AssociatedListenerFoundException',
        'The accelerator that you specified has a listener associated with it. You must remove all dependent resources from an accelerator before you can delete it.',
      );
    }
    accelerator.deployTimer?.();
    this.accelerators.splice(this.accelerators.indexOf(accelerator), 1);
    return {};
  }

  // ---- listeners ----------------------------------------------------------------------------

  async createListener(input: {
    AcceleratorArn?: string;
    PortRanges?: PortRange[];
    Protocol?: string;
    ClientAffinity?: string;
  }): Promise<Output<{ Listener?: Listener }>> {
    const accelerator = this.accelerator(input.AcceleratorArn);
    const ranges = this.portRanges(input.PortRanges, accelerator, undefined);
    const protocol = input.Protocol;
    if (protocol !== 'TCP' && protocol !== 'UDP')
      throw invalid(`Protocol must be TCP or UDP (got ${protocol}).`);
    const affinity = input.ClientAffinity ?? 'NONE';
    if (affinity !== 'NONE' && affinity !== 'SOURCE_IP')
      throw invalid(`ClientAffinity ${affinity} is not valid.`);
    if (accelerator.listeners.length >= MAX_LISTENERS) {
      throw awsError(
        'globalaccelerator',
        'LimitExceededException',
        'Listeners per accelerator limit exceeded.',
      );
    }
    const listener: LocalListener = {
      arn: `${accelerator.arn}/listener/${this.opts.ids.hex(8)}`,
      accelerator,
      portRanges: ranges,
      protocol,
      clientAffinity: affinity,
      groups: [],
    };
    accelerator.listeners.push(listener);
    this.changed(accelerator);
    return { Listener: this.describeListenerOf(listener) };
  }

  async describeListener(input: { ListenerArn?: string }): Promise<Output<{ Listener?: Listener }>> {
    return { Listener: this.describeListenerOf(this.listener(input.ListenerArn)) };
  }

  async listListeners(input: {
    AcceleratorArn?: string;
    MaxResults?: number;
    NextToken?: string;
  }): Promise<Output<{ Listeners?: Listener[]; NextToken?: string }>> {
    const accelerator = this.accelerator(input.AcceleratorArn);
    const { page, nextToken } = this.page(accelerator.listeners, input);
    return { Listeners: page.map((l) => this.describeListenerOf(l)), NextToken: nextToken };
  }

  async deleteListener(input: { ListenerArn?: string }): Promise<Output<object>> {
    const listener = this.listener(input.ListenerArn);
    if (listener.groups.length > 0) {
      throw awsError(
        'globalaccelerator',
        'AssociatedEndpointGroupFoundException',
        'The listener that you specified has an endpoint group associated with it. You must remove all dependent resources from a listener before you can delete it.',
      );
    }
    const { accelerator } = listener;
    accelerator.listeners.splice(accelerator.listeners.indexOf(listener), 1);
    this.changed(accelerator);
    return {};
  }

  // ---- endpoint groups ----------------------------------------------------------------------

  async createEndpointGroup(input: {
    ListenerArn?: string;
    EndpointGroupRegion?: string;
    EndpointConfigurations?: EndpointConfiguration[];
    TrafficDialPercentage?: number;
    HealthCheckPort?: number;
    HealthCheckProtocol?: string;
    HealthCheckPath?: string;
    HealthCheckIntervalSeconds?: number;
    ThresholdCount?: number;
  }): Promise<Output<{ EndpointGroup?: EndpointGroup }>> {
    const listener = this.listener(input.ListenerArn);
    const region = input.EndpointGroupRegion ?? '';
    if (!this.opts.isRegion(region))
      throw invalid(`EndpointGroupRegion ${region} is not a valid AWS Region.`);
    if (listener.groups.some((g) => g.region === region)) {
      throw awsError(
        'globalaccelerator',
        'EndpointGroupAlreadyExistsException',
        'The endpoint group that you specified already exists.',
      );
    }
    const group: LocalGroup = {
      arn: `${listener.arn}/endpoint-group/${this.opts.ids.hex(12)}`,
      listener,
      region,
      trafficDial: 100,
      healthCheckPort: undefined,
      protocol: 'TCP',
      path: '/',
      intervalSeconds: 30,
      threshold: 3,
      endpoints: [],
      cancelTimer: undefined,
      checking: false,
    };
    this.applyGroupSettings(group, input);
    const endpoints = this.newEndpoints(group, input.EndpointConfigurations ?? [], []);
    listener.groups.push(group);
    group.endpoints = endpoints;
    this.changed(listener.accelerator);
    this.armChecks(group);
    return { EndpointGroup: this.describeGroup(group) };
  }

  async describeEndpointGroup(input: {
    EndpointGroupArn?: string;
  }): Promise<Output<{ EndpointGroup?: EndpointGroup }>> {
    return { EndpointGroup: this.describeGroup(this.group(input.EndpointGroupArn)) };
  }

  async listEndpointGroups(input: {
    ListenerArn?: string;
    MaxResults?: number;
    NextToken?: string;
  }): Promise<Output<{ EndpointGroups?: EndpointGroup[]; NextToken?: string }>> {
    const listener = this.listener(input.ListenerArn);
    const { page, nextToken } = this.page(listener.groups, input);
    return { EndpointGroups: page.map((g) => this.describeGroup(g)), NextToken: nextToken };
  }

  /** Replaces the endpoint list when `EndpointConfigurations` is given (as AWS does); other fields as given. */
  async updateEndpointGroup(input: {
    EndpointGroupArn?: string;
    EndpointConfigurations?: EndpointConfiguration[];
    TrafficDialPercentage?: number;
    HealthCheckPort?: number;
    HealthCheckProtocol?: string;
    HealthCheckPath?: string;
    HealthCheckIntervalSeconds?: number;
    ThresholdCount?: number;
  }): Promise<Output<{ EndpointGroup?: EndpointGroup }>> {
    const group = this.group(input.EndpointGroupArn);
    // Endpoints kept across the update keep their health; new ones start INITIAL. Both steps validate
    // before anything changes, so a bad request leaves the group as it was.
    const endpoints =
      input.EndpointConfigurations === undefined
        ? group.endpoints
        : this.newEndpoints(group, input.EndpointConfigurations, [], group.endpoints);
    this.applyGroupSettings(group, input);
    group.endpoints = endpoints;
    this.changed(group.listener.accelerator);
    this.armChecks(group);
    return { EndpointGroup: this.describeGroup(group) };
  }

  async deleteEndpointGroup(input: { EndpointGroupArn?: string }): Promise<Output<object>> {
    const group = this.group(input.EndpointGroupArn);
    group.cancelTimer?.();
    const { listener } = group;
    listener.groups.splice(listener.groups.indexOf(group), 1);
    this.changed(listener.accelerator);
    return {};
  }

  async addEndpoints(input: {
    EndpointGroupArn?: string;
    EndpointConfigurations?: EndpointConfiguration[];
  }): Promise<Output<{ EndpointDescriptions?: EndpointDescription[]; EndpointGroupArn?: string }>> {
    const group = this.group(input.EndpointGroupArn);
    const configurations = input.EndpointConfigurations;
    if (!configurations) throw invalid('EndpointConfigurations is required.');
    if (configurations.length > MAX_ENDPOINTS_PER_CALL) {
      throw invalid(`EndpointConfigurations can have at most ${MAX_ENDPOINTS_PER_CALL} items.`);
    }
    const added = this.newEndpoints(group, configurations, group.endpoints);
    group.endpoints.push(...added);
    this.changed(group.listener.accelerator);
    this.armChecks(group);
    return { EndpointDescriptions: added.map((e) => this.describeEndpoint(e)), EndpointGroupArn: group.arn };
  }

  async removeEndpoints(input: {
    EndpointGroupArn?: string;
    EndpointIdentifiers?: { EndpointId?: string; ClientIPPreservationEnabled?: boolean }[];
  }): Promise<Output<object>> {
    const group = this.group(input.EndpointGroupArn);
    const identifiers = input.EndpointIdentifiers ?? [];
    if (identifiers.length < 1 || identifiers.length > MAX_ENDPOINTS_PER_CALL) {
      throw invalid(`EndpointIdentifiers must have 1-${MAX_ENDPOINTS_PER_CALL} items.`);
    }
    const ids = identifiers.map((i) => i.EndpointId ?? '');
    const missing = ids.find((id) => !group.endpoints.some((e) => e.id === id));
    if (missing !== undefined)
      throw invalid(`The endpoint ${missing} is not in endpoint group ${group.arn}.`);
    group.endpoints = group.endpoints.filter((e) => !ids.includes(e.id));
    this.changed(group.listener.accelerator);
    return {};
  }

  // ---- health and routing -------------------------------------------------------------------

  /**
   * Something behind `instanceId` in `region` changed (its state, its task, its health): its endpoints
   * are checked again from the next interval on, until their state settles.
   */
  recheck(region: string, instanceId: string): void {
    for (const group of this.groups()) {
      if (group.region !== region) continue;
      const endpoint = group.endpoints.find((e) => e.id === instanceId);
      if (!endpoint) continue;
      endpoint.dirty = true;
      this.armChecks(group);
    }
  }

  /** Where the accelerators send traffic now (LocalCloud's stand-in for GA's edge). */
  routes(): Route[] {
    const out: Route[] = [];
    for (const accelerator of this.accelerators) {
      if (!accelerator.enabled) continue;
      for (const listener of accelerator.listeners) {
        const port = listener.portRanges[0]?.FromPort ?? 0;
        for (const group of listener.groups) {
          if (group.trafficDial <= 0) continue;
          for (const e of group.endpoints) {
            if (e.weight > 0 && e.state === 'HEALTHY') {
              out.push({
                acceleratorArn: accelerator.arn,
                region: group.region,
                endpointId: e.id,
                weight: e.weight,
                port,
              });
            }
          }
        }
      }
    }
    return out;
  }

  /** Whether any endpoint group of any accelerator holds an endpoint. */
  hasEndpoints(): boolean {
    return this.groups().some((g) => g.endpoints.length > 0);
  }

  /** Every accelerator as DescribeAccelerator shows it, for the local state view. */
  snapshot(): Accelerator[] {
    return this.accelerators.map((a) => this.describe(a));
  }

  // ---- internals ----------------------------------------------------------------------------

  private groups(): LocalGroup[] {
    return this.accelerators.flatMap((a) => a.listeners.flatMap((l) => l.groups));
  }

  private armChecks(group: LocalGroup): void {
    if (group.cancelTimer || group.endpoints.length === 0) return;
    group.cancelTimer = this.opts.clock.setTimer(group.intervalSeconds * 1000, () => {
      group.cancelTimer = undefined;
      void this.runChecks(group);
    });
  }

  private async runChecks(group: LocalGroup): Promise<void> {
    if (group.checking || !this.groups().includes(group)) return;
    group.checking = true;
    try {
      const port = group.healthCheckPort ?? group.listener.portRanges[0]?.FromPort ?? 0;
      await Promise.all(
        group.endpoints.map(async (endpoint) => {
          endpoint.dirty = false;
          const passed = await this.opts
            .probe({
              region: group.region,
              endpointId: endpoint.id,
              protocol: group.protocol,
              port,
              path: group.path,
            })
            .catch(() => false);
          endpoint.streak = endpoint.last === passed ? endpoint.streak + 1 : 1;
          endpoint.last = passed;
          if (endpoint.streak >= group.threshold) endpoint.state = passed ? 'HEALTHY' : 'UNHEALTHY';
        }),
      );
    } finally {
      group.checking = false;
    }
    const settled = (e: LocalEndpoint) =>
      !e.dirty && e.streak >= group.threshold && e.state === (e.last ? 'HEALTHY' : 'UNHEALTHY');
    if (!group.endpoints.every(settled)) this.armChecks(group);
  }

  private changed(accelerator: LocalAccelerator): void {
    accelerator.modified = this.opts.clock.now();
    accelerator.status = 'IN_PROGRESS';
    accelerator.deployTimer?.();
    accelerator.deployTimer = this.opts.clock.setTimer(this.deployMs, () => {
      accelerator.deployTimer = undefined;
      accelerator.status = 'DEPLOYED';
    });
  }

  private applyGroupSettings(
    group: LocalGroup,
    input: {
      TrafficDialPercentage?: number;
      HealthCheckPort?: number;
      HealthCheckProtocol?: string;
      HealthCheckPath?: string;
      HealthCheckIntervalSeconds?: number;
      ThresholdCount?: number;
    },
  ): void {
    const dial = input.TrafficDialPercentage;
    if (dial !== undefined && !(dial >= 0 && dial <= 100))
      throw invalid('TrafficDialPercentage must be 0-100.');
    const port = input.HealthCheckPort;
    if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65_535)) {
      throw invalid('HealthCheckPort must be 1-65535.');
    }
    const protocol = input.HealthCheckProtocol;
    if (protocol !== undefined && protocol !== 'TCP' && protocol !== 'HTTP' && protocol !== 'HTTPS') {
      throw invalid(`HealthCheckProtocol must be TCP, HTTP or HTTPS (got ${protocol}).`);
    }
    const path = input.HealthCheckPath;
    if (path !== undefined && (path.length > 255 || !PATH_PATTERN.test(path))) {
      throw invalid(`HealthCheckPath ${path} is not valid.`);
    }
    const interval = input.HealthCheckIntervalSeconds;
    if (interval !== undefined && interval !== 10 && interval !== 30) {
      throw invalid('HealthCheckIntervalSeconds must be 10 or 30.');
    }
    const threshold = input.ThresholdCount;
    if (threshold !== undefined && !(Number.isInteger(threshold) && threshold >= 1 && threshold <= 10)) {
      throw invalid('ThresholdCount must be 1-10.');
    }
    if (dial !== undefined) group.trafficDial = dial;
    if (port !== undefined) group.healthCheckPort = port;
    if (protocol !== undefined) group.protocol = protocol;
    if (path !== undefined) group.path = path;
    if (threshold !== undefined) group.threshold = threshold;
    if (interval !== undefined && interval !== group.intervalSeconds) {
      group.intervalSeconds = interval;
      group.cancelTimer?.();
      group.cancelTimer = undefined;
    }
  }

  /**
   * Validated endpoints for `configurations`, none already in `existing`; `previous` endpoints named
   * again keep their health (UpdateEndpointGroup).
   */
  private newEndpoints(
    group: LocalGroup,
    configurations: readonly EndpointConfiguration[],
    existing: readonly LocalEndpoint[],
    previous: readonly LocalEndpoint[] = [],
  ): LocalEndpoint[] {
    const out: LocalEndpoint[] = [];
    for (const c of configurations) {
      const id = c.EndpointId ?? '';
      if (existing.some((e) => e.id === id) || out.some((e) => e.id === id)) {
        throw invalid(`The endpoint ${id} is already in endpoint group ${group.arn}.`);
      }
      const weight = c.Weight ?? DEFAULT_WEIGHT;
      if (!(Number.isInteger(weight) && weight >= 0 && weight <= 255)) throw invalid('Weight must be 0-255.');
      const kept = previous.find((e) => e.id === id);
      if (!kept) {
        if (!/^i-[0-9a-f]{8,17}$/.test(id)) {
          throw invalid(
            `EndpointId ${id} is not an EC2 instance id (LocalCloud emulates EC2 instance endpoints only).`,
          );
        }
        if (this.opts.instanceState(group.region, id) !== 'running') {
          throw invalid(
            `The endpoint ${id} is not a valid and active resource in ${group.region}: a resource must be valid and active when you add it as an endpoint.`,
          );
        }
      }
      out.push({
        id,
        weight,
        clientIp: c.ClientIPPreservationEnabled ?? true,
        state: kept?.state ?? 'INITIAL',
        last: kept?.last,
        streak: kept?.streak ?? 0,
        dirty: kept?.dirty ?? false,
      });
    }
    if (existing.length + out.length > MAX_ENDPOINTS_PER_GROUP) {
      throw awsError(
        'globalaccelerator',
        'LimitExceededException',
        `Endpoints per endpoint group limit (${MAX_ENDPOINTS_PER_GROUP}) exceeded.`,
      );
    }
    return out;
  }

  private portRanges(
    ranges: PortRange[] | undefined,
    accelerator: LocalAccelerator,
    self: LocalListener | undefined,
  ): PortRange[] {
    if (!ranges || ranges.length < 1 || ranges.length > MAX_PORT_RANGES) {
      throw invalid(`PortRanges must have 1-${MAX_PORT_RANGES} items.`);
    }
    const bad = () =>
      awsError(
        'globalaccelerator',
        'InvalidPortRangeException',
        'The port numbers that you specified are not valid numbers or are not unique for this accelerator.',
      );
    const taken = accelerator.listeners.filter((l) => l !== self).flatMap((l) => l.portRanges);
    for (const r of ranges) {
      const from = r.FromPort ?? 0;
      const to = r.ToPort ?? 0;
      if (!(from >= 1 && to <= 65_535 && from <= to)) throw bad();
      if (taken.some((t) => from <= (t.ToPort ?? 0) && (t.FromPort ?? 0) <= to)) throw bad();
    }
    return ranges.map((r) => ({ FromPort: r.FromPort, ToPort: r.ToPort }));
  }

  private page<T>(items: readonly T[], input: { MaxResults?: number; NextToken?: string }) {
    if (input.MaxResults !== undefined && !(input.MaxResults >= 1 && input.MaxResults <= 100)) {
      throw invalid('MaxResults must be 1-100.');
    }
    return paginate(items, input.MaxResults, input.NextToken, 10, () =>
      awsError('globalaccelerator', 'InvalidNextTokenException', "There isn't another item to return."),
    );
  }

  private accelerator(arn: string | undefined): LocalAccelerator {
    const found = this.accelerators.find((a) => a.arn === arn);
    if (!found) {
      throw awsError(
        'globalaccelerator',
        'AcceleratorNotFoundException',
        "The accelerator that you specified doesn't exist.",
      );
    }
    return found;
  }

  private listener(arn: string | undefined): LocalListener {
    const found = this.accelerators.flatMap((a) => a.listeners).find((l) => l.arn === arn);
    if (!found) {
      throw awsError(
        'globalaccelerator',
        'ListenerNotFoundException',
        "The listener that you specified doesn't exist.",
      );
    }
    return found;
  }

  private group(arn: string | undefined): LocalGroup {
    const found = this.groups().find((g) => g.arn === arn);
    if (!found) {
      throw awsError(
        'globalaccelerator',
        'EndpointGroupNotFoundException',
        "The endpoint group that you specified doesn't exist.",
      );
    }
    return found;
  }

  private describe(a: LocalAccelerator): Accelerator {
    return {
      AcceleratorArn: a.arn,
      Name: a.name,
      IpAddressType: a.ipAddressType,
      Enabled: a.enabled,
      IpSets: [{ IpFamily: 'IPv4', IpAddressFamily: 'IPv4', IpAddresses: [...a.ips] }],
      DnsName: a.dnsName,
      Status: a.status,
      CreatedTime: a.created,
      LastModifiedTime: a.modified,
      Events: [],
    };
  }

  private describeListenerOf(l: LocalListener): Listener {
    return {
      ListenerArn: l.arn,
      PortRanges: l.portRanges.map((r) => ({ ...r })),
      Protocol: l.protocol,
      ClientAffinity: l.clientAffinity,
    };
  }

  private describeGroup(g: LocalGroup): EndpointGroup {
    return {
      EndpointGroupArn: g.arn,
      EndpointGroupRegion: g.region,
      EndpointDescriptions: g.endpoints.map((e) => this.describeEndpoint(e)),
      TrafficDialPercentage: g.trafficDial,
      HealthCheckPort: g.healthCheckPort ?? g.listener.portRanges[0]?.FromPort,
      HealthCheckProtocol: g.protocol,
      HealthCheckPath: g.protocol === 'TCP' ? undefined : g.path,
      HealthCheckIntervalSeconds: g.intervalSeconds,
      ThresholdCount: g.threshold,
      PortOverrides: [],
    };
  }

  private describeEndpoint(e: LocalEndpoint): EndpointDescription {
    return {
      EndpointId: e.id,
      Weight: e.weight,
      HealthState: e.state,
      ClientIPPreservationEnabled: e.clientIp,
    };
  }
}
