/** The encrypted EFS file system that caches model weights across instances and interruptions. */
import { EfsFileSystem } from '@cdktn/provider-aws/lib/efs-file-system/index.js';
import { EfsMountTarget } from '@cdktn/provider-aws/lib/efs-mount-target/index.js';
import type { AwsProvider } from '@cdktn/provider-aws/lib/provider/index.js';
import { SecurityGroup } from '@cdktn/provider-aws/lib/security-group/index.js';
import { VpcSecurityGroupIngressRule } from '@cdktn/provider-aws/lib/vpc-security-group-ingress-rule/index.js';
import { TerraformIterator } from 'cdktn';
import { Construct } from 'constructs';

export interface ModelCacheProps {
  provider: AwsProvider;
  prefix: string;
  vpcId: string;
  /** One subnet per availability zone (zone -> subnet id): EFS takes one mount target per zone. */
  subnetPerZone: Record<string, string>;
  /** Only instances in this group may mount the file system. */
  clientSecurityGroupId: string;
}

export class ModelCache extends Construct {
  readonly fileSystemId: string;
  readonly fileSystemArn: string;

  constructor(scope: Construct, id: string, props: ModelCacheProps) {
    super(scope, id);
    const { provider } = props;
    const fs = new EfsFileSystem(this, 'fs', {
      provider,
      creationToken: `${props.prefix}-model-cache`,
      encrypted: true,
      performanceMode: 'generalPurpose',
      throughputMode: 'elastic',
      lifecyclePolicy: [{ transitionToIa: 'AFTER_30_DAYS' }],
      tags: { Name: `${props.prefix}-model-cache` },
    });
    const sg = new SecurityGroup(this, 'nfs', {
      provider,
      name: `${props.prefix}-model-cache`,
      description: 'NFS from spotplane GPU instances only',
      vpcId: props.vpcId,
    });
    new VpcSecurityGroupIngressRule(this, 'nfs-from-instances', {
      provider,
      securityGroupId: sg.id,
      description: 'NFS from GPU instances',
      ipProtocol: 'tcp',
      fromPort: 2049,
      toPort: 2049,
      referencedSecurityGroupId: props.clientSecurityGroupId,
    });
    const perZone = TerraformIterator.fromMap(props.subnetPerZone);
    new EfsMountTarget(this, 'mount', {
      provider,
      forEach: perZone,
      fileSystemId: fs.id,
      subnetId: perZone.value,
      securityGroups: [sg.id],
    });
    this.fileSystemId = fs.id;
    this.fileSystemArn = fs.arn;
  }
}
