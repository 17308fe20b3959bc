/**
 * Creates in the stand-ins what the program declares, under the program's own physical names:
 * buckets, tables, queues, topics (each with an SQS queue subscribed, so what is published can be
 * read back) and secrets. Resources the stand-ins name differently (SNS topic and secret ARNs
 * carry the stand-ins' account) come back as a translation from the declared ARN.
 */
import { CreateTableCommand, type DynamoDBClient, waitUntilTableExists } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SNSClient } from "@aws-sdk/client-sns";
import { createTopicWithQueue, type S3Emulator, type SecretsManagerEmulator } from "../../emulators";
import type { PipelineTopology } from "./topology";

export interface ProvisionedCloud {
  /** Declared ARN → the ARN the stand-in gave the same resource. */
  arnTranslation: Map<string, string>;
  /** Declared queue ARN → the stand-in's queue URL. */
  queueUrls: Map<string, string>;
  /** Per declared topic, the queue subscribed to it. */
  topicSubscribers: Array<{ topicName: string; queueUrl: string }>;
}

export interface ProvisioningTargets {
  s3: S3Emulator;
  secretsManager: SecretsManagerEmulator;
  clients: { dynamodb: DynamoDBClient; sqs: SQSClient; sns: SNSClient };
}

export async function provision(topology: PipelineTopology, targets: ProvisioningTargets): Promise<ProvisionedCloud> {
  const { dynamodb, sqs, sns } = targets.clients;
  const arnTranslation = new Map<string, string>();
  const queueUrls = new Map<string, string>();

  for (const bucket of topology.buckets) await targets.s3.createBucket(bucket);

  for (const table of topology.tables) {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: table.name,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: table.attributes.map((attribute) => ({ AttributeName: attribute.name, AttributeType: attribute.type as "S" | "N" | "B" })),
        KeySchema: [
          { AttributeName: table.hashKey, KeyType: "HASH" },
          ...(table.rangeKey === undefined ? [] : [{ AttributeName: table.rangeKey, KeyType: "RANGE" as const }]),
        ],
      }),
    );
    await waitUntilTableExists({ client: dynamodb, maxWaitTime: 10, minDelay: 1 }, { TableName: table.name });
  }

  for (const queue of topology.queues) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queue.name }));
    if (!QueueUrl) throw new Error(`the SQS stand-in returned no URL for queue ${queue.name}`);
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
    queueUrls.set(queue.arn, QueueUrl);
    if (Attributes?.QueueArn) arnTranslation.set(queue.arn, Attributes.QueueArn);
  }

  const topicSubscribers: ProvisionedCloud["topicSubscribers"] = [];
  for (const topic of topology.topics) {
    const subscribed = await createTopicWithQueue(sns, sqs, topic.name);
    arnTranslation.set(topic.arn, subscribed.topicArn);
    topicSubscribers.push({ topicName: topic.name, queueUrl: subscribed.queueUrl });
  }

  for (const secret of topology.secrets) {
    if (secret.secretString === undefined) throw new Error(`secret ${secret.name} has no SecretVersion in the program, so the local run has no value to store`);
    arnTranslation.set(secret.arn, targets.secretsManager.putSecret(secret.name, secret.secretString));
  }
  return { arnTranslation, queueUrls, topicSubscribers };
}
