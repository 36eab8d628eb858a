/**
 * Where worker instances run: the user's subnets when given, otherwise a small VPC with one public
 * subnet per availability zone (public IPs, no NAT gateway to pay for), as many as the region has up to three:
 * some regions have only two zones, and wrapping around would put two subnets (and, below, two EFS mount
 * targets, which EFS refuses with MountTargetConflict: "one mount target per Availability Zone", Amazon EFS User
 * Guide, "Managing mount targets") in one zone.
 */
import { DataAwsAvailabilityZones } from '@cdktn/provider-aws/lib/data-aws-availability-zones/index.js';
import { DataAwsSubnet as GivenSubnet } from '@cdktn/provider-aws/lib/data-aws-subnet/index.js';
import { InternetGateway } from '@cdktn/provider-aws/lib/internet-gateway/index.js';
import type { AwsProvider } from '@cdktn/provider-aws/lib/provider/index.js';
import { Route } from '@cdktn/provider-aws/lib/route/index.js';
import { RouteTable } from '@cdktn/provider-aws/lib/route-table/index.js';
import { RouteTableAssociation } from '@cdktn/provider-aws/lib/route-table-association/index.js';
import { Subnet } from '@cdktn/provider-aws/lib/subnet/index.js';
import { Vpc } from '@cdktn/provider-aws/lib/vpc/index.js';
import { Fn, TerraformCount, TerraformLocal, Token } from 'cdktn';
import { Construct } from 'constructs';

export const CREATED_VPC_CIDR = '10.42.0.0/16';
/** Spread across up to three zones: Spot capacity differs per zone, and the ASG balances across them. */
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
  /** One subnet per availability zone (zone -> subnet id): where the EFS mount targets go. */
  readonly subnetPerZone: Record<string, string>;
  readonly created: boolean;

  constructor(scope: Construct, id: string, props: WorkerNetworkProps) {
    super(scope, id);
    const { provider, prefix } = props;
    if (props.subnetIds && props.subnetIds.length > 0) {
      const given = props.subnetIds.map(
        (id, i) => new GivenSubnet(this, i === 0 ? 'given-subnet' : `given-subnet-${i}`, { provider, id }),
      );
      this.vpcId = given[0]!.vpcId;
      this.subnetIds = [...props.subnetIds];
      // Several given subnets may share a zone: the first of each zone gets the mount target.
      const byZone = given.map((g) => `${g.fqn}`).join(', ');
      this.subnetPerZone = this.local(
        'subnet-per-zone',
        `{ for zone, ids in { for s in [${byZone}] : s.availability_zone => s.id... } : zone => ids[0] }`,
      );
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
    // As many subnets as zones, at most three; count.index < the zone count, so no zone is used twice.
    const count = TerraformCount.of(Fn.min([CREATED_SUBNET_COUNT, Fn.lengthOf(zones.names)]));
    const subnets = new Subnet(this, 'public-subnets', {
      provider,
      count,
      vpcId: vpc.id,
      cidrBlock: Fn.cidrsubnet(CREATED_VPC_CIDR, 4, Token.asNumber(count.index)),
      availabilityZone: Fn.element(zones.names, Token.asNumber(count.index)),
      mapPublicIpOnLaunch: true,
      tags: { Name: `${prefix}-public-\${count.index}` },
    });
    new RouteTableAssociation(this, 'public-routes', {
      provider,
      count,
      subnetId: `\${${subnets.fqn}[count.index].id}`,
      routeTableId: routes.id,
    });
    this.subnetIds = Token.asList(`\${${subnets.fqn}[*].id}`);
    this.subnetPerZone = this.local(
      'subnet-per-zone',
      `{ for s in ${subnets.fqn} : s.availability_zone => s.id }`,
    );
    this.vpcId = vpc.id;
    this.created = true;
  }

  private local(id: string, expression: string): Record<string, string> {
    return Token.asStringMap(new TerraformLocal(this, id, `\${${expression}}`).expression);
  }
}
