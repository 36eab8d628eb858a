/**
 * The stable endpoint on AWS: one Global Accelerator (two static anycast IPv4 addresses), a TCP listener
 * on the container's port, and one endpoint group per worker region whose health checks ask the
 * container's health path. The hub's control loop adds and removes the instances (the endpoints) at run
 * time, so Terraform ignores the endpoint list after creation. Global Accelerator's API lives in
 * us-west-2 only, so these resources take that region's provider whatever the hub region is.
 */
import { GlobalacceleratorAccelerator } from '@cdktn/provider-aws/lib/globalaccelerator-accelerator/index.js';
import { GlobalacceleratorEndpointGroup } from '@cdktn/provider-aws/lib/globalaccelerator-endpoint-group/index.js';
import { GlobalacceleratorListener } from '@cdktn/provider-aws/lib/globalaccelerator-listener/index.js';
import type { AwsProvider } from '@cdktn/provider-aws/lib/provider/index.js';
import { Construct } from 'constructs';

/** Where Global Accelerator's API answers (Global Accelerator API Reference). */
export const GLOBAL_ACCELERATOR_REGION = 'us-west-2';
/** Health checks every 10 s, 3 in a row: a new replica takes traffic ~30 s after it serves. */
export const ENDPOINT_HEALTH_INTERVAL_SECONDS = 10;
export const ENDPOINT_HEALTH_THRESHOLD = 3;

export interface StableEndpointProps {
  /** A provider for us-west-2 (the hub's own when the hub is there). */
  provider: AwsProvider;
  prefix: string;
  port: number;
  healthCheckPath: string;
  workerRegions: readonly string[];
}

export class StableEndpoint extends Construct {
  readonly dnsName: string;
  readonly acceleratorArn: string;
  readonly listenerArn: string;
  /** Endpoint group ARN per worker region. */
  readonly endpointGroups: Record<string, string>;

  constructor(scope: Construct, id: string, props: StableEndpointProps) {
    super(scope, id);
    const { provider, port } = props;
    const accelerator = new GlobalacceleratorAccelerator(this, 'accelerator', {
      provider,
      name: `${props.prefix}-endpoint`,
      ipAddressType: 'IPV4',
      enabled: true,
    });
    const listener = new GlobalacceleratorListener(this, 'listener', {
      provider,
      acceleratorArn: accelerator.id,
      protocol: 'TCP',
      clientAffinity: 'NONE',
      portRange: [{ fromPort: port, toPort: port }],
    });
    this.endpointGroups = {};
    for (const region of props.workerRegions) {
      const group = new GlobalacceleratorEndpointGroup(this, `group-${region}`, {
        provider,
        listenerArn: listener.id,
        endpointGroupRegion: region,
        trafficDialPercentage: 100,
        healthCheckProtocol: 'HTTP',
        healthCheckPort: port,
        healthCheckPath: props.healthCheckPath,
        healthCheckIntervalSeconds: ENDPOINT_HEALTH_INTERVAL_SECONDS,
        thresholdCount: ENDPOINT_HEALTH_THRESHOLD,
        // The hub's plan owns the endpoints (instances come and go with Spot).
        lifecycle: { ignoreChanges: ['endpoint_configuration'] },
      });
      this.endpointGroups[region] = group.id;
    }
    this.dnsName = accelerator.dnsName;
    this.acceleratorArn = accelerator.id;
    this.listenerArn = listener.id;
  }
}
