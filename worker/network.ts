/**
 * Where worker instances run: the user's subnets when given, otherwise a small VPC with one public
 * subnet per availability zone (public IPs, no NAT gateway to pay for).
 */
import { DataAwsAvailabilityZones } from '@cdktn/provider-aws/lib/data-aws-availability-zones/index.js';
import { DataAwsSubnet } from '@cdktn/provider-aws/lib/data-aws-subnet/index.js';
import { InternetGateway } from '@cdktn/provider-aws/lib/internet-gateway/index.js';
import type { AwsProvider } from '@cdktn/provider-aws/lib/provider/index.js';
import { Route } from '@cdktn/provider-aws/lib/route/index.js';
import { RouteTable } from '@cdktn/provider-aws/lib/route-table/index.js';
import { RouteTableAssociation } from '@cdktn/provider-aws/lib/route-table-association/index.js';
import { Subnet } from '@cdktn/provider-aws/lib/subnet/index.js';
import { Vpc } from '@cdktn/provider-aws/lib/vpc/index.js';
import { Fn } from 'cdktn';
import { Construct } from 'constructs';

export const CREATED_VPC_CIDR = '10.42.0.0/16';
/** Spread across three zones: Spot capacity differs per zone, and the ASG rebalances across them. */
export const CREATED_SUBNET_COUNT = 3;

export interface WorkerNetworkProps {
  provider: AwsProvider;
  prefix: string;
  /** The user's subnets (all in one VPC); omitted = create a VPC. */
  subnetIds?: readonly string[];
}

export class WorkerNetwork extends Construct {
  readonly vpcId: string;
  readonly subnetIds: string[];
  readonly created: boolean;

  constructor(scope: Construct, id: string, props: WorkerNetworkProps) {
    super(scope, id);
    const { provider, prefix } = props;
    if (props.subnetIds && props.subnetIds.length > 0) {
      const first = new DataAwsSubnet(this, 'given-subnet', { provider, id: props.subnetIds[0] });
      this.vpcId = first.vpcId;
      this.subnetIds = [...props.subnetIds];
      this.created = false;
      return;
    }
    const zones = new DataAwsAvailabilityZones(this, 'zones', {
      provider,
      state: 'available',
      filter: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }],
    });
    const vpc = new Vpc(this, 'vpc', {
      provider,
      cidrBlock: CREATED_VPC_CIDR,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: `${prefix}-workers` },
    });
    const gateway = new InternetGateway(this, 'igw', { provider, vpcId: vpc.id });
    const routes = new RouteTable(this, 'public', { provider, vpcId: vpc.id });
    new Route(this, 'default-route', {
      provider,
      routeTableId: routes.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: gateway.id,
    });
    this.subnetIds = [];
    for (let i = 0; i < CREATED_SUBNET_COUNT; i++) {
      const subnet = new Subnet(this, `public-${i}`, {
        provider,
        vpcId: vpc.id,
        cidrBlock: Fn.cidrsubnet(CREATED_VPC_CIDR, 4, i),
        availabilityZone: Fn.element(zones.names, i),
        mapPublicIpOnLaunch: true,
        tags: { Name: `${prefix}-public-${i}` },
      });
      new RouteTableAssociation(this, `public-${i}-routes`, {
        provider,
        subnetId: subnet.id,
        routeTableId: routes.id,
      });
      this.subnetIds.push(subnet.id);
    }
    this.vpcId = vpc.id;
    this.created = true;
  }
}
