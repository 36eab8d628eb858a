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
import { endpointGroupSettings } from '../core/endpoint.ts';

export { GLOBAL_ACCELERATOR_REGION } from '../core/endpoint.ts';

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
    const settings = endpointGroupSettings(props);
    for (const region of props.workerRegions) {
      const group = new GlobalacceleratorEndpointGroup(this, `group-${region}`, {
        provider,
        listenerArn: listener.id,
        endpointGroupRegion: region,
        trafficDialPercentage: settings.TrafficDialPercentage,
        healthCheckProtocol: settings.HealthCheckProtocol,
        healthCheckPort: settings.HealthCheckPort,
        healthCheckPath: settings.HealthCheckPath,
        healthCheckIntervalSeconds: settings.HealthCheckIntervalSeconds,
        thresholdCount: settings.ThresholdCount,
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
