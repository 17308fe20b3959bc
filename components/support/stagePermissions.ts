import * as pulumi from "@pulumi/pulumi";
import { CIRCUIT_BREAKER_PARTITION, METRICS_NAMESPACE, SNAPSHOT_PARTITION_PATTERNS } from "../../contract/dataLayout";
import type { PolicyStatement } from "./iamStatements";

/**
 * Statements the stages share, each scoped as tightly as the action allows. What each stage may
 * do is proven by `npm run iam:report` (tools/iam): every call the local run makes is evaluated
 * against these statements, and a grant no call uses fails its test.
 */

/** s3:GetObject also authorizes HeadObject, which is how a stage looks at what it wrote before. */
export function readObjects(sid: string, bucketArn: pulumi.Input<string>, prefixes: string[]): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: "s3:GetObject",
    Resource: prefixes.map((prefix) => pulumi.interpolate`${bucketArn}/${prefix}*`),
  };
}

export function writeObjects(sid: string, bucketArn: pulumi.Input<string>, prefixes: string[]): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: "s3:PutObject",
    Resource: prefixes.map((prefix) => pulumi.interpolate`${bucketArn}/${prefix}*`),
  };
}

/**
 * Lets a function see whether a key exists under its prefixes: without s3:ListBucket, S3 answers
 * a HEAD or GET of a missing key with 403 AccessDenied instead of 404. S3 checks the permission
 * with the requested key as s3:prefix, so the prefix condition is enough.
 */
export function listPrefixes(sid: string, bucketArn: pulumi.Input<string>, prefixes: string[]): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: "s3:ListBucket",
    Resource: bucketArn,
    Condition: { StringLike: { "s3:prefix": prefixes.map((p) => `${p}*`) } },
  };
}

/**
 * The item actions a stage needs on the tracking table, on snapshot items only: their partition
 * key is a snapshot id, so the circuit breaker's item is out of reach. IAM has no condition key on
 * the sort key (the stage), so which stage's item of a snapshot is written cannot be restricted;
 * dynamodb:LeadingKeys is the partition key alone. DynamoDB requires ForAllValues with it; every
 * item request carries its partition key, and no statement grants Scan, which has none.
 */
export function trackSnapshotItems(tableArn: pulumi.Input<string>, actions: string[]): PolicyStatement {
  return {
    Sid: "TrackSnapshotItems",
    Effect: "Allow",
    Action: actions,
    Resource: tableArn,
    Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [...SNAPSHOT_PARTITION_PATTERNS] } },
  };
}

/** Validation's circuit breaker: one item, read and written whole with a version condition. */
export function keepCircuitBreakerState(tableArn: pulumi.Input<string>): PolicyStatement {
  return {
    Sid: "KeepCircuitBreakerState",
    Effect: "Allow",
    Action: ["dynamodb:GetItem", "dynamodb:PutItem"],
    Resource: tableArn,
    Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": [CIRCUIT_BREAKER_PARTITION] } },
  };
}

/** PutMetricData has no resource-level permissions; the namespace condition is what scopes it. */
export const PUBLISH_PIPELINE_METRICS: PolicyStatement = {
  Sid: "PublishPipelineMetrics",
  Effect: "Allow",
  Action: "cloudwatch:PutMetricData",
  Resource: "*",
  Condition: { StringEquals: { "cloudwatch:namespace": METRICS_NAMESPACE } },
};
