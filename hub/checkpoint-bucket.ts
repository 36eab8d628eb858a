/**
 * The checkpoint bucket (one per deployment, in the hub region): encrypted, versioned, closed to the
 * public, TLS-only, old checkpoint versions expire. Also holds the on-instance agent bundle.
 */
import type { AwsProvider } from '@cdktn/provider-aws/lib/provider/index.js';
import { S3Bucket } from '@cdktn/provider-aws/lib/s3-bucket/index.js';
import { S3BucketLifecycleConfiguration } from '@cdktn/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js';
import { S3BucketOwnershipControls } from '@cdktn/provider-aws/lib/s3-bucket-ownership-controls/index.js';
import { S3BucketPolicy } from '@cdktn/provider-aws/lib/s3-bucket-policy/index.js';
import { S3BucketPublicAccessBlock } from '@cdktn/provider-aws/lib/s3-bucket-public-access-block/index.js';
import { S3BucketServerSideEncryptionConfigurationA as S3BucketServerSideEncryptionConfiguration } from '@cdktn/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js';
import { S3BucketVersioningA as S3BucketVersioning } from '@cdktn/provider-aws/lib/s3-bucket-versioning/index.js';
import { S3Object } from '@cdktn/provider-aws/lib/s3-object/index.js';
import { AssetType, TerraformAsset } from 'cdktn';
import { Construct } from 'constructs';
import { AGENT_OBJECT_KEY, CHECKPOINT_PREFIX } from '../infra/bucket-layout.ts';

/** Noncurrent checkpoint versions are kept this long, then expire. */
export const NONCURRENT_VERSION_DAYS = 30;

export interface CheckpointBucketProps {
  provider: AwsProvider;
  bucketName: string;
  /** The bundled agent (single ESM file); absent while agent/cli.ts does not exist. */
  agentBundle?: { path: string; sha256Hex: string };
  /**
   * Delete the bucket with every object on destroy. Off by default: checkpoints are the user's work, so
   * teardown keeps the bucket unless asked (`--delete-checkpoints` synthesizes with this on).
   */
  forceDestroy?: boolean;
}

export class CheckpointBucket extends Construct {
  readonly bucketName: string;
  readonly bucketArn: string;

  constructor(scope: Construct, id: string, props: CheckpointBucketProps) {
    super(scope, id);
    const { provider } = props;
    const bucket = new S3Bucket(this, 'bucket', {
      provider,
      bucket: props.bucketName,
      forceDestroy: props.forceDestroy ?? false,
    });
    new S3BucketOwnershipControls(this, 'ownership', {
      provider,
      bucket: bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketPublicAccessBlock(this, 'public-access', {
      provider,
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfiguration(this, 'encryption', {
      provider,
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' }, bucketKeyEnabled: true }],
    });
    const versioning = new S3BucketVersioning(this, 'versioning', {
      provider,
      bucket: bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      provider,
      bucket: bucket.id,
      rule: [
        {
          id: 'expire-old-checkpoint-versions',
          status: 'Enabled',
          filter: [{ prefix: `${CHECKPOINT_PREFIX}/` }],
          noncurrentVersionExpiration: [{ noncurrentDays: NONCURRENT_VERSION_DAYS }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
      dependsOn: [versioning],
    });
    new S3BucketPolicy(this, 'tls-only', {
      provider,
      bucket: bucket.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [bucket.arn, `${bucket.arn}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    });
    if (props.agentBundle) {
      const asset = new TerraformAsset(this, 'agent-asset', {
        path: props.agentBundle.path,
        type: AssetType.FILE,
      });
      new S3Object(this, 'agent', {
        provider,
        bucket: bucket.id,
        key: AGENT_OBJECT_KEY,
        source: asset.path,
        sourceHash: props.agentBundle.sha256Hex,
        contentType: 'text/javascript',
      });
    }
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
  }
}
