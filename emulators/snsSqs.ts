/**
 * SNS and SQS on loopback: fauxqs 1.x (one endpoint serves both), plus the few calls tests make
 * to see what a handler published: a topic with a queue subscribed, and draining that queue.
 */
import { CreateTopicCommand, type SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { LoopbackServer } from "./loopbackServer";

type Fauxqs = typeof import("fauxqs");

/**
 * fauxqs is ESM-only and exports no `require` entry, and TypeScript compiles `import()` to
 * `require()` under CommonJS; a Function-built `import()` stays a real dynamic import.
 */
const importFauxqs = new Function("return import('fauxqs')") as () => Promise<Fauxqs>;

export type SnsSqsEmulator = LoopbackServer;

export async function startSnsSqsEmulator(): Promise<SnsSqsEmulator> {
  const { startFauxqs } = await importFauxqs();
  const server = await startFauxqs({ port: 0, host: "127.0.0.1", logger: false });
  return { endpoint: server.address, port: server.port, stop: () => server.stop() };
}

export interface SubscribedQueue {
  topicArn: string;
  queueUrl: string;
  queueArn: string;
}

/** A topic and a queue subscribed to it, made through the SDK as the components' resources would be. */
export async function createTopicWithQueue(sns: SNSClient, sqs: SQSClient, name: string): Promise<SubscribedQueue> {
  const { TopicArn: topicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-subscriber` }));
  if (!topicArn || !queueUrl) throw new Error(`SNS/SQS emulator did not return a topic ARN or queue URL for ${name}`);
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }));
  const queueArn = Attributes?.QueueArn;
  if (!queueArn) throw new Error(`SNS/SQS emulator returned no QueueArn for ${queueUrl}`);
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: queueArn }));
  return { topicArn, queueUrl, queueArn };
}

/** Receives and deletes until the queue is empty; returns the message bodies in arrival order. */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((message) => message.Body ?? ""));
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? "" })),
      }),
    );
  }
}

/** The envelope SNS wraps a message in when it delivers to SQS without raw delivery. */
export interface SnsEnvelope {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

export function parseSnsEnvelope(body: string): SnsEnvelope {
  const parsed = JSON.parse(body) as Partial<SnsEnvelope>;
  if (parsed.Type !== "Notification" || typeof parsed.Message !== "string" || typeof parsed.TopicArn !== "string") {
    throw new Error(`SQS message is not an SNS notification envelope: ${body.slice(0, 200)}`);
  }
  return parsed as SnsEnvelope;
}
