/**
 * Who may reach the workload's serving port: the user's `allowedCidrs`, and with Global Accelerator
 * also its health checkers. GA preserves the client's IP address for EC2 instance endpoints, so the
 * instances see the clients' own addresses and the security group filters on them (Global Accelerator
 * Developer Guide, "Preserve client IP addresses"); GA's health checks of EC2 endpoints come from the
 * Route 53 health checkers' addresses, which AWS publishes per region as the managed prefix list
 * `com.amazonaws.<region>.route53-healthchecks` (Developer Guide, "Ensure health check access").
 */
import { DataAwsEc2ManagedPrefixList } from '@cdktn/provider-aws/lib/data-aws-ec2-managed-prefix-list/index.js';
import type { AwsProvider } from '@cdktn/provider-aws/lib/provider/index.js';
import { VpcSecurityGroupIngressRule } from '@cdktn/provider-aws/lib/vpc-security-group-ingress-rule/index.js';
import { Construct } from 'constructs';

export interface ServingAccessProps {
  provider: AwsProvider;
  region: string;
  securityGroupId: string;
  port: number;
  allowedCidrs: readonly string[];
  /** Admit Global Accelerator's health checks too. */
  globalAccelerator: boolean;
}

/** The managed prefix list of the Route 53 health checkers in `region`. */
export const healthCheckerPrefixList = (region: string) => `com.amazonaws.${region}.route53-healthchecks`;

export class ServingAccess extends Construct {
  constructor(scope: Construct, id: string, props: ServingAccessProps) {
    super(scope, id);
    const { provider, securityGroupId, port } = props;
    props.allowedCidrs.forEach((cidr, i) => {
      new VpcSecurityGroupIngressRule(this, `client-${i}`, {
        provider,
        securityGroupId,
        description: `Workload port from ${cidr} (allowedCidrs)`,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        cidrIpv4: cidr,
      });
    });
    if (props.globalAccelerator) {
      const checkers = new DataAwsEc2ManagedPrefixList(this, 'health-checkers', {
        provider,
        name: healthCheckerPrefixList(props.region),
      });
      new VpcSecurityGroupIngressRule(this, 'health-checks', {
        provider,
        securityGroupId,
        description: 'Global Accelerator health checks (Route 53 health checkers)',
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        prefixListId: checkers.id,
      });
    }
  }
}
