import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { policyDocument } from "./support/iamStatements";

export interface SecureBucketArgs {
  /** The customer-managed key every object is encrypted with. */
  kmsKeyArn: pulumi.Input<string>;
  lifecycleRules: pulumi.Input<aws.types.input.s3.BucketLifecycleConfigurationRule>[];
  /** Lets `pulumi destroy` empty the bucket first; off for data that must outlive the stack. */
  forceDestroy?: boolean;
}

/**
 * One S3 bucket locked down the same way every time: SSE-KMS with the stack's key and bucket keys,
 * versioning, owner-enforced object ownership, all four public-access blocks, a policy that refuses
 * any request not made over TLS, and lifecycle rules. The bucket name is left to Pulumi's
 * auto-naming because bucket names are global.
 */
export class SecureBucket extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly name: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flightdata:storage:SecureBucket", name, {}, opts);
    if (args.lifecycleRules.length === 0) {
      throw new Error(`SecureBucket ${name}: at least one lifecycle rule is required so that nothing is kept forever by accident`);
    }
    const parent = { parent: this };

    this.bucket = new aws.s3.Bucket(name, { forceDestroy: args.forceDestroy ?? false }, parent);
    const bucketId = this.bucket.id;

    new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucketId, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access-block`,
      {
        bucket: bucketId,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      parent,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucketId,
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn },
            bucketKeyEnabled: true,
          },
        ],
      },
      parent,
    );
    const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucketId, versioningConfiguration: { status: "Enabled" } }, parent);
    // S3 rejects a lifecycle configuration with noncurrent-version rules until versioning is on.
    new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, { bucket: bucketId, rules: args.lifecycleRules }, { parent: this, dependsOn: [versioning] });
    // A bucket policy written while the public-access block is being applied can fail with
    // OperationAborted, so the policy waits for the block.
    new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket: bucketId,
        policy: policyDocument([
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [this.bucket.arn, pulumi.interpolate`${this.bucket.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ]),
      },
      { parent: this, dependsOn: [publicAccessBlock] },
    );

    this.name = this.bucket.bucket;
    this.arn = this.bucket.arn;
    this.registerOutputs({ name: this.name, arn: this.arn });
  }
}
