/**
 * The operator tools against a deployed stack: the AWS SDK's default credentials (AWS_PROFILE,
 * SSO, environment, instance role) in the stack's region. A stage is invoked through Lambda's
 * Invoke API, RequestResponse, on what the stack's `invokeArns` output names (the `live` alias
 * with versioning), so the outcome of each invocation is known.
 *
 * Permissions the caller needs: s3:ListBucket and s3:GetObject on the buckets, dynamodb:GetItem on
 * the tracking table, lambda:InvokeFunction on the functions (their alias), sqs:ReceiveMessage,
 * sqs:DeleteMessage and sqs:ChangeMessageVisibility on the dead-letter queues, and kms:Decrypt on
 * the pipeline's key (the queues and the table are encrypted with it).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { createPipelineAccess, type InvokeOutcome, type PipelineAccess } from "./pipelineAccess";
import type { PipelineTarget } from "./stackOutputs";

export interface AwsSession {
  access: PipelineAccess;
  close(): void;
}

export function awsPipelineAccess(target: PipelineTarget): AwsSession {
  const region = target.region;
  const s3 = new S3Client({ region });
  const dynamodb = new DynamoDBClient({ region });
  const sqs = new SQSClient({ region });
  // A synchronous invocation lasts as long as the function runs (up to its timeout); throttling
  // (the stage's reserved concurrency in use) is retried by the SDK with backoff.
  const lambda = new LambdaClient({ region, maxAttempts: 5 });
  const decoder = new TextDecoder();
  const access = createPipelineAccess({
    s3,
    dynamodb,
    sqs,
    trackingTable: target.trackingTable,
    async invoke(stage, event): Promise<InvokeOutcome> {
      const response = await lambda.send(
        new InvokeCommand({
          FunctionName: target.invokeTargets[stage],
          InvocationType: "RequestResponse",
          Payload: new TextEncoder().encode(JSON.stringify(event)),
        }),
      );
      const text = response.Payload === undefined ? "" : decoder.decode(response.Payload);
      let parsed: unknown;
      try {
        parsed = text === "" ? undefined : JSON.parse(text);
      } catch {
        parsed = text;
      }
      if (response.FunctionError === undefined) return { ok: true, result: parsed };
      const error = (parsed ?? {}) as { errorType?: string; errorMessage?: string };
      return { ok: false, errorType: error.errorType ?? response.FunctionError, errorMessage: error.errorMessage ?? text };
    },
  });
  return {
    access,
    close() {
      for (const client of [s3, dynamodb, sqs, lambda]) client.destroy();
    },
  };
}
