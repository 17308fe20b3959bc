/**
 * DynamoDB on loopback: dynalite, in memory, which enforces DynamoDB's request validation and
 * conditional writes. Plus the one table the pipeline has, created from the contract's key schema.
 */
import { CreateTableCommand, type DynamoDBClient, waitUntilTableExists } from "@aws-sdk/client-dynamodb";
import dynalite = require("dynalite");
import { TRACKING_PARTITION_KEY, TRACKING_SORT_KEY } from "../contract/dataLayout";
import { type LoopbackServer, listenOnLoopback } from "./loopbackServer";

export type DynamoDbEmulator = LoopbackServer;

export async function startDynamoDbEmulator(): Promise<DynamoDbEmulator> {
  // Tables become ACTIVE at once rather than after dynalite's default half second.
  return listenOnLoopback(dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }));
}

/**
 * The execution-tracking table's key schema as the components declare it. Its TTL setting is left
 * out: dynalite does not implement UpdateTimeToLive, and TTL only ever deletes old items.
 */
export async function createTrackingTable(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: TRACKING_PARTITION_KEY, AttributeType: "S" },
        { AttributeName: TRACKING_SORT_KEY, AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: TRACKING_PARTITION_KEY, KeyType: "HASH" },
        { AttributeName: TRACKING_SORT_KEY, KeyType: "RANGE" },
      ],
    }),
  );
  await waitUntilTableExists({ client: dynamodb, maxWaitTime: 10, minDelay: 1 }, { TableName: tableName });
}
