import { DescribeTableCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { TRACKING_PARTITION_KEY, TRACKING_SORT_KEY } from "../../contract/dataLayout";
import { createTrackingTable, type RunningEmulators, startEmulators } from "../../emulators";

describe("DynamoDB emulator (dynalite)", () => {
  let emulators: RunningEmulators<"dynamodb">;

  before(async () => {
    emulators = await startEmulators({ services: ["dynamodb"] });
    await createTrackingTable(emulators.clients.dynamodb, "tracking");
  });
  after(() => emulators.stop());

  it("creates the tracking table with the contract's key schema", async () => {
    const { Table } = await emulators.clients.dynamodb.send(new DescribeTableCommand({ TableName: "tracking" }));
    expect(Table?.TableStatus).to.equal("ACTIVE");
    expect(Table?.KeySchema).to.deep.equal([
      { AttributeName: TRACKING_PARTITION_KEY, KeyType: "HASH" },
      { AttributeName: TRACKING_SORT_KEY, KeyType: "RANGE" },
    ]);
  });

  it("enforces conditional writes", async () => {
    const put = () =>
      emulators.clients.dynamodb.send(
        new PutItemCommand({
          TableName: "tracking",
          Item: { [TRACKING_PARTITION_KEY]: { S: "1" }, [TRACKING_SORT_KEY]: { S: "ingestion" } },
          ConditionExpression: "attribute_not_exists(#pk)",
          ExpressionAttributeNames: { "#pk": TRACKING_PARTITION_KEY },
        }),
      );
    await put();
    const error = await put().then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    expect(error?.name).to.equal("ConditionalCheckFailedException");
  });
});
