/**
 * What the operator tools need from a deployed pipeline, and one implementation of it over the
 * AWS SDK clients: list and HEAD the snapshot objects, read a tracking item, invoke a stage
 * synchronously, receive and delete dead letters. The local stand-ins speak the same protocols,
 * so `--local` uses the same code with clients pointed at them; only `invoke` differs (Lambda's
 * Invoke API, or the local harness).
 */
import { type DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type MessageSystemAttributeName,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { TRACKING_PARTITION_KEY, TRACKING_SORT_KEY } from "../contract/dataLayout";
import type { OperatedStage } from "./stackOutputs";

export interface StoredObject {
  key: string;
  size: number;
}

/** The ETag as S3 event records carry it: without the quotes S3's HTTP header has. */
export type EventETag = string;

export interface TrackingState {
  status: string;
  /** The input the status is for: the object's ETag when the stage was handed it. */
  input?: string;
  errorMessage?: string;
}

/** How a synchronous invocation ended. */
export interface InvokeOutcome {
  ok: boolean;
  /** The handler's result, parsed. */
  result?: unknown;
  errorType?: string;
  errorMessage?: string;
}

export interface QueueMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  /** When SQS received it. */
  sentAt?: Date;
  /** Message attributes as strings (EventBridge's DLQ puts ERROR_CODE, ERROR_MESSAGE, RULE_ARN there). */
  attributes: Record<string, string>;
}

export interface PipelineAccess {
  /** Every object under the prefix. */
  listObjects(bucket: string, prefix: string): AsyncIterable<StoredObject>;
  /** The object's ETag now, or undefined when it is gone. */
  objectETag(bucket: string, key: string): Promise<EventETag | undefined>;
  tracking(snapshotId: string, stage: OperatedStage): Promise<TrackingState | undefined>;
  /** Invokes the stage's function (its `live` alias with versioning) and waits for the outcome. */
  invoke(stage: OperatedStage, event: unknown): Promise<InvokeOutcome>;
  receiveMessages(queueUrl: string, maxMessages: number, visibilitySeconds: number): Promise<QueueMessage[]>;
  deleteMessage(queueUrl: string, receiptHandle: string): Promise<void>;
  /** Makes a received message visible again at once. */
  releaseMessage(queueUrl: string, receiptHandle: string): Promise<void>;
}

export interface AccessClients {
  s3: S3Client;
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  trackingTable: string;
  invoke(stage: OperatedStage, event: unknown): Promise<InvokeOutcome>;
}

/** S3's ETag header is a quoted string; its event records carry the bare value. */
export function eventETag(header: string): EventETag {
  return header.replace(/^"(.*)"$/, "$1");
}

const isNotFound = (error: unknown): boolean => {
  const name = (error as { name?: string }).name;
  return name === "NotFound" || name === "NoSuchKey" || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;
};

export function createPipelineAccess(clients: AccessClients): PipelineAccess {
  const { s3, dynamodb, sqs } = clients;
  return {
    async *listObjects(bucket, prefix) {
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const object of page.Contents ?? []) {
          if (object.Key !== undefined) yield { key: object.Key, size: object.Size ?? 0 };
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
    },
    async objectETag(bucket, key) {
      try {
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return head.ETag === undefined ? undefined : eventETag(head.ETag);
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async tracking(snapshotId, stage) {
      const { Item: item } = await dynamodb.send(
        new GetItemCommand({
          TableName: clients.trackingTable,
          Key: { [TRACKING_PARTITION_KEY]: { S: snapshotId }, [TRACKING_SORT_KEY]: { S: stage } },
          ConsistentRead: true,
        }),
      );
      if (item?.status?.S === undefined) return undefined;
      return {
        status: item.status.S,
        ...(item.input?.S === undefined ? {} : { input: item.input.S }),
        ...(item.errorMessage?.S === undefined ? {} : { errorMessage: item.errorMessage.S }),
      };
    },
    invoke: clients.invoke,
    async receiveMessages(queueUrl, maxMessages, visibilitySeconds) {
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, Math.max(1, maxMessages)),
          VisibilityTimeout: visibilitySeconds,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ["SentTimestamp" as MessageSystemAttributeName],
          MessageAttributeNames: ["All"],
        }),
      );
      return (received.Messages ?? []).map((message) => {
        const sent = Number(message.Attributes?.SentTimestamp);
        const attributes: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
          if (value.StringValue !== undefined) attributes[name] = value.StringValue;
        }
        return {
          messageId: message.MessageId ?? "",
          receiptHandle: message.ReceiptHandle ?? "",
          body: message.Body ?? "",
          ...(Number.isFinite(sent) ? { sentAt: new Date(sent) } : {}),
          attributes,
        };
      });
    },
    async deleteMessage(queueUrl, receiptHandle) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle }));
    },
    async releaseMessage(queueUrl, receiptHandle) {
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: 0 }));
    },
  };
}
