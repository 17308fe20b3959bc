import * as pulumi from "@pulumi/pulumi";
import { METRICS_NAMESPACE } from "../contract/dataLayout";
import type { PolicyStatement } from "./policyDocument";

/** Statements the stages share, each scoped as tightly as the action allows. */

export function readObjects(sid: string, bucketArn: pulumi.Input<string>, prefix: string): PolicyStatement {
  return { Sid: sid, Effect: "Allow", Action: "s3:GetObject", Resource: pulumi.interpolate`${bucketArn}/${prefix}*` };
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
 * a HEAD or GET of a missing key with 403 instead of 404.
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

export function recordExecutions(tableArn: pulumi.Input<string>): PolicyStatement {
  return {
    Sid: "RecordExecutions",
    Effect: "Allow",
    Action: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:GetItem"],
    Resource: tableArn,
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
