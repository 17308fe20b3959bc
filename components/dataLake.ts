import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { awsContext } from "./support/awsContext";
import { pipelineKeyPolicy } from "./support/keyPolicy";
import { policyDocument } from "./support/iamStatements";
import { SecureBucket } from "./secureBucket";
import { RAW_PREFIX } from "../contract/dataLayout";

export interface BucketRef {
  name: pulumi.Input<string>;
  arn: pulumi.Input<string>;
}

export interface DataLakeArgs {
  /** Days before raw snapshots move to STANDARD_IA (S3's minimum is 30). */
  rawTransitionDays: number;
  /** Days before raw snapshots are deleted; later than the transition. */
  rawExpirationDays: number;
  /** Days before processed files, reports and quarantine move to STANDARD_IA. */
  processedTransitionDays: number;
  athenaResultsExpirationDays: number;
  /** Lets `pulumi destroy` delete non-empty buckets (dev stacks). */
  forceDestroy: boolean;
  /** Days KMS waits before deleting the key after the stack is destroyed (7–30). */
  keyDeletionWindowDays?: number;
  /** Buckets that already exist; the lake then creates only the key. */
  existingBuckets?: { raw: BucketRef; processed: BucketRef; athenaResults: BucketRef };
  /** Further rules for the processed bucket, per prefix (retentionRules.ts). */
  processedRetentionRules?: aws.types.input.s3.BucketLifecycleConfigurationRule[];
}

/** Bucket name and ARN as outputs, whether the bucket was created here or given. */
export interface LakeBucket {
  name: pulumi.Output<string>;
  arn: pulumi.Output<string>;
}

/**
 * Where the data lives: the customer-managed key that encrypts everything in the pipeline, and the
 * raw, processed and Athena-results buckets.
 */
export class DataLake extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  readonly keyArn: pulumi.Output<string>;
  readonly raw: LakeBucket;
  readonly processed: LakeBucket;
  readonly athenaResults: LakeBucket;

  constructor(name: string, args: DataLakeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flightdata:storage:DataLake", name, {}, opts);
    if (args.rawExpirationDays <= args.rawTransitionDays) {
      throw new Error(`DataLake ${name}: rawExpirationDays (${args.rawExpirationDays}) must be later than rawTransitionDays (${args.rawTransitionDays})`);
    }
    const deletionWindow = args.keyDeletionWindowDays ?? 30;
    if (!Number.isInteger(deletionWindow) || deletionWindow < 7 || deletionWindow > 30) {
      throw new Error(`DataLake ${name}: keyDeletionWindowDays must be an integer from 7 to 30, got ${deletionWindow}`);
    }
    const parent = { parent: this };
    const ctx = awsContext(this);

    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Encrypts the ${name} flight-data pipeline: buckets, logs, queues, topic, table, secrets`,
        enableKeyRotation: true,
        deletionWindowInDays: deletionWindow,
        policy: policyDocument(pipelineKeyPolicy(ctx)),
      },
      parent,
    );
    new aws.kms.Alias(`${name}-key-alias`, { name: `alias/${name}`, targetKeyId: this.key.keyId }, parent);
    this.keyArn = this.key.arn;

    const noncurrent = { noncurrentDays: 30 };
    const abortUploads = { daysAfterInitiation: 7 };
    const buckets = args.existingBuckets;
    this.raw = buckets
      ? given(buckets.raw)
      : this.bucket(`${name}-raw`, args, [
          {
            id: "raw-snapshots-age-out",
            status: "Enabled",
            filter: { prefix: RAW_PREFIX },
            transitions: [{ days: args.rawTransitionDays, storageClass: "STANDARD_IA" }],
            expiration: { days: args.rawExpirationDays },
            noncurrentVersionExpiration: noncurrent,
            abortIncompleteMultipartUpload: abortUploads,
          },
        ]);
    this.processed = buckets
      ? given(buckets.processed)
      : this.bucket(`${name}-processed`, args, [
          {
            id: "processed-to-infrequent-access",
            status: "Enabled",
            filter: WHOLE_BUCKET,
            transitions: [{ days: args.processedTransitionDays, storageClass: "STANDARD_IA" }],
            noncurrentVersionExpiration: noncurrent,
            abortIncompleteMultipartUpload: abortUploads,
          },
          ...(args.processedRetentionRules ?? []),
        ]);
    this.athenaResults = buckets
      ? given(buckets.athenaResults)
      : this.bucket(`${name}-athena-results`, args, [
          {
            id: "query-results-expire",
            status: "Enabled",
            filter: WHOLE_BUCKET,
            expiration: { days: args.athenaResultsExpirationDays },
            noncurrentVersionExpiration: { noncurrentDays: 1 },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
        ]);

    this.registerOutputs({
      keyArn: this.keyArn,
      rawBucket: this.raw.name,
      processedBucket: this.processed.name,
      athenaResultsBucket: this.athenaResults.name,
    });
  }

  private bucket(name: string, args: DataLakeArgs, lifecycleRules: aws.types.input.s3.BucketLifecycleConfigurationRule[]): LakeBucket {
    const bucket = new SecureBucket(name, { kmsKeyArn: this.key.arn, lifecycleRules, forceDestroy: args.forceDestroy }, { parent: this });
    return { name: bucket.name, arn: bucket.arn };
  }
}

/**
 * A lifecycle filter for every object: an empty prefix. An empty filter ({}) means the same to S3,
 * but the provider warns that it will become an error.
 */
const WHOLE_BUCKET = { prefix: "" };

function given(ref: BucketRef): LakeBucket {
  return { name: pulumi.output(ref.name), arn: pulumi.output(ref.arn) };
}
