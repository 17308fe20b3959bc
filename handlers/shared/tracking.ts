/**
 * The execution-tracking record: one DynamoDB item per snapshot and stage, the same shape for
 * every stage, so "what happened to snapshot X" is one Query on the partition key.
 *
 * A stage either brackets its work (`start` then `finish`, so a crash leaves a visible "started")
 * or, when it only learns the snapshot id at the end as ingestion does, writes the outcome in one
 * `record` call. Both count attempts, so Lambda's async retries show up as attempt 2, 3.
 */
import { type AttributeValue, type DynamoDBClient, GetItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import {
  type StageName,
  STAGES,
  TRACKING_PARTITION_KEY,
  TRACKING_SORT_KEY,
  TRACKING_TTL_ATTRIBUTE,
} from "../../contract/dataLayout";

export const TRACKING_STATUSES = ["started", "succeeded", "failed", "rate_limited", "skipped"] as const;
export type TrackingStatus = (typeof TRACKING_STATUSES)[number];
export type OutcomeStatus = Exclude<TrackingStatus, "started">;

export type DetailValue = string | number | boolean;

export interface TrackingRecord {
  snapshotId: string;
  stage: StageName;
  status: TrackingStatus;
  /** ISO-8601 UTC. */
  startedAt: string;
  updatedAt: string;
  /** Set once the stage reached an outcome. */
  finishedAt?: string;
  /** 1 for the first invocation that touched this snapshot and stage, then counting up. */
  attempt: number;
  /** The Lambda request id of the latest attempt. */
  requestId?: string;
  /** e.g. { states: 6500 } or { rows: 6498, quarantined: 2 } */
  counts: Record<string, number>;
  /** Objects read and written, by role, e.g. { raw: "raw/…json", processed: "processed/…parquet" } */
  s3Keys: Record<string, string>;
  errorMessage?: string;
  /** Anything else worth seeing next to the outcome, e.g. { retryAfterSeconds: 3600 } */
  details: Record<string, DetailValue>;
  /** Epoch seconds; DynamoDB's TTL deletes the item after this. */
  expiresAt: number;
}

export interface StartInput {
  snapshotId: string;
  stage: StageName;
  requestId?: string;
  s3Keys?: Record<string, string>;
}

export interface OutcomeInput {
  status: OutcomeStatus;
  counts?: Record<string, number>;
  /** Merged over the keys recorded at start. */
  s3Keys?: Record<string, string>;
  errorMessage?: string;
  details?: Record<string, DetailValue>;
}

export interface RecordInput extends OutcomeInput {
  snapshotId: string;
  stage: StageName;
  startedAt: Date;
  requestId?: string;
}

export interface RepeatInput {
  snapshotId: string;
  stage: StageName;
  startedAt: Date;
  requestId?: string;
  /** Recorded only if the item did not exist (the earlier run stored its work but not its record). */
  s3Keys?: Record<string, string>;
}

/** A started stage; `finish` writes its outcome onto the same item. */
export interface TrackingRun {
  readonly record: TrackingRecord;
  finish(outcome: OutcomeInput): Promise<TrackingRecord>;
}

export interface TrackingStore {
  start(input: StartInput): Promise<TrackingRun>;
  /** Writes a stage's outcome in one call, for stages that learn their snapshot id at the end. */
  record(input: RecordInput): Promise<TrackingRecord>;
  /**
   * Counts another invocation that found the stage's work already done (a repeated fire), keeping
   * the outcome already recorded: a duplicate must not turn "succeeded" into something else.
   */
  noteRepeat(input: RepeatInput): Promise<TrackingRecord>;
  read(snapshotId: string, stage: StageName): Promise<TrackingRecord | undefined>;
}

export interface TrackingStoreOptions {
  dynamodb: DynamoDBClient;
  tableName: string;
  ttlDays: number;
  clock?: () => Date;
}

/**
 * Builds an UpdateItem expression from named SET / REMOVE / ADD parts without name clashes.
 * A closure rather than a class: Pulumi's function serialization drops class field initializers.
 */
interface UpdateExpression {
  set(attribute: string, value: AttributeValue | undefined): UpdateExpression;
  /** Sets the attribute only on an item that does not have it yet. */
  setIfMissing(attribute: string, value: AttributeValue): UpdateExpression;
  add(attribute: string, amount: number): UpdateExpression;
  names: Record<string, string>;
  values: Record<string, AttributeValue>;
  text(): string;
}

function updateExpression(): UpdateExpression {
  const sets: string[] = [];
  const removes: string[] = [];
  const adds: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  const name = (attribute: string): string => {
    names[`#${attribute}`] = attribute;
    return `#${attribute}`;
  };
  const expression: UpdateExpression = {
    names,
    values,
    set(attribute, value) {
      if (value === undefined) {
        removes.push(name(attribute));
      } else {
        values[`:${attribute}`] = value;
        sets.push(`${name(attribute)} = :${attribute}`);
      }
      return expression;
    },
    setIfMissing(attribute, value) {
      values[`:${attribute}`] = value;
      sets.push(`${name(attribute)} = if_not_exists(${name(attribute)}, :${attribute})`);
      return expression;
    },
    add(attribute, amount) {
      values[`:${attribute}`] = { N: String(amount) };
      adds.push(`${name(attribute)} :${attribute}`);
      return expression;
    },
    text() {
      const clauses: string[] = [];
      if (sets.length > 0) clauses.push(`SET ${sets.join(", ")}`);
      if (removes.length > 0) clauses.push(`REMOVE ${removes.join(", ")}`);
      if (adds.length > 0) clauses.push(`ADD ${adds.join(", ")}`);
      return clauses.join(" ");
    },
  };
  return expression;
}

const stringValue = (value: string | undefined): AttributeValue | undefined =>
  value === undefined ? undefined : { S: value };

function numberMap(values: Record<string, number>): AttributeValue {
  const map: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(values)) {
    if (!Number.isFinite(value)) throw new Error(`tracking count ${name}=${value} is not a finite number`);
    map[name] = { N: String(value) };
  }
  return { M: map };
}

function stringMap(values: Record<string, string>): AttributeValue {
  const map: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(values)) map[name] = { S: value };
  return { M: map };
}

function detailMap(values: Record<string, DetailValue>): AttributeValue {
  const map: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === "string") map[name] = { S: value };
    else if (typeof value === "boolean") map[name] = { BOOL: value };
    else if (Number.isFinite(value)) map[name] = { N: String(value) };
    else throw new Error(`tracking detail ${name}=${value} is not a finite number`);
  }
  return { M: map };
}

/** Items are capped at 400 KB and an error can quote a whole response body: keep the message readable and small. */
const MAX_ERROR_MESSAGE_LENGTH = 2_000;

function truncateMessage(message: string | undefined): string | undefined {
  if (message === undefined || message.length <= MAX_ERROR_MESSAGE_LENGTH) return message;
  return `${message.slice(0, MAX_ERROR_MESSAGE_LENGTH)}… (${message.length} characters)`;
}

function readItem(item: Record<string, AttributeValue>): TrackingRecord {
  const text = (name: string): string | undefined => item[name]?.S;
  const number = (name: string): number | undefined => (item[name]?.N === undefined ? undefined : Number(item[name]?.N));
  const mapEntries = (name: string): [string, AttributeValue][] => Object.entries(item[name]?.M ?? {});

  const stage = text(TRACKING_SORT_KEY);
  const status = text("status");
  if (!STAGES.includes(stage as StageName) || !TRACKING_STATUSES.includes(status as TrackingStatus)) {
    throw new Error(`tracking item has stage ${JSON.stringify(stage)} and status ${JSON.stringify(status)}, which this code does not know`);
  }
  const record: TrackingRecord = {
    snapshotId: text(TRACKING_PARTITION_KEY) ?? "",
    stage: stage as StageName,
    status: status as TrackingStatus,
    startedAt: text("startedAt") ?? "",
    updatedAt: text("updatedAt") ?? "",
    attempt: number("attempt") ?? 0,
    counts: Object.fromEntries(mapEntries("counts").map(([name, value]) => [name, Number(value.N)])),
    s3Keys: Object.fromEntries(mapEntries("s3Keys").map(([name, value]) => [name, value.S ?? ""])),
    details: Object.fromEntries(
      mapEntries("details").map(([name, value]): [string, DetailValue] => [
        name,
        value.S ?? value.BOOL ?? Number(value.N),
      ]),
    ),
    expiresAt: number(TRACKING_TTL_ATTRIBUTE) ?? 0,
  };
  const finishedAt = text("finishedAt");
  if (finishedAt !== undefined) record.finishedAt = finishedAt;
  const requestId = text("requestId");
  if (requestId !== undefined) record.requestId = requestId;
  const errorMessage = text("errorMessage");
  if (errorMessage !== undefined) record.errorMessage = errorMessage;
  return record;
}

export function createTrackingStore(options: TrackingStoreOptions): TrackingStore {
  const clock = options.clock ?? (() => new Date());
  const key = (snapshotId: string, stage: StageName): Record<string, AttributeValue> => ({
    [TRACKING_PARTITION_KEY]: { S: snapshotId },
    [TRACKING_SORT_KEY]: { S: stage },
  });
  const expiresAt = (now: Date): AttributeValue => ({
    N: String(Math.floor(now.getTime() / 1000) + options.ttlDays * 86_400),
  });

  const update = async (snapshotId: string, stage: StageName, expression: UpdateExpression): Promise<TrackingRecord> => {
    const result = await options.dynamodb.send(
      new UpdateItemCommand({
        TableName: options.tableName,
        Key: key(snapshotId, stage),
        UpdateExpression: expression.text(),
        ExpressionAttributeNames: expression.names,
        ExpressionAttributeValues: expression.values,
        ReturnValues: "ALL_NEW",
      }),
    );
    if (!result.Attributes) throw new Error(`DynamoDB returned no attributes for ${snapshotId}/${stage}`);
    return readItem(result.Attributes);
  };

  const outcomeExpression = (outcome: OutcomeInput, s3Keys: Record<string, string>, now: Date): UpdateExpression =>
    updateExpression()
      .set("status", { S: outcome.status })
      .set("finishedAt", { S: now.toISOString() })
      .set("updatedAt", { S: now.toISOString() })
      .set(TRACKING_TTL_ATTRIBUTE, expiresAt(now))
      .set("counts", numberMap(outcome.counts ?? {}))
      .set("s3Keys", stringMap(s3Keys))
      .set("details", detailMap(outcome.details ?? {}))
      .set("errorMessage", stringValue(truncateMessage(outcome.errorMessage)));

  return {
    async start(input) {
      const now = clock();
      const s3Keys = input.s3Keys ?? {};
      const started = await update(
        input.snapshotId,
        input.stage,
        updateExpression()
          .set("status", { S: "started" })
          .set("startedAt", { S: now.toISOString() })
          .set("updatedAt", { S: now.toISOString() })
          .set(TRACKING_TTL_ATTRIBUTE, expiresAt(now))
          .set("requestId", stringValue(input.requestId))
          .set("counts", numberMap({}))
          .set("s3Keys", stringMap(s3Keys))
          .set("details", detailMap({}))
          .set("finishedAt", undefined)
          .set("errorMessage", undefined)
          .add("attempt", 1),
      );
      return {
        record: started,
        finish: (outcome) =>
          update(
            input.snapshotId,
            input.stage,
            outcomeExpression(outcome, { ...s3Keys, ...outcome.s3Keys }, clock()),
          ),
      };
    },

    record(input) {
      const expression = outcomeExpression(input, input.s3Keys ?? {}, clock())
        .set("startedAt", { S: input.startedAt.toISOString() })
        .set("requestId", stringValue(input.requestId))
        .add("attempt", 1);
      return update(input.snapshotId, input.stage, expression);
    },

    noteRepeat(input) {
      const now = clock();
      const expression = updateExpression()
        .setIfMissing("status", { S: "skipped" })
        .setIfMissing("startedAt", { S: input.startedAt.toISOString() })
        .setIfMissing("finishedAt", { S: now.toISOString() })
        .setIfMissing("counts", numberMap({}))
        .setIfMissing("s3Keys", stringMap(input.s3Keys ?? {}))
        .setIfMissing("details", detailMap({}))
        .setIfMissing(TRACKING_TTL_ATTRIBUTE, expiresAt(now))
        .set("updatedAt", { S: now.toISOString() })
        .set("requestId", stringValue(input.requestId))
        .add("attempt", 1);
      return update(input.snapshotId, input.stage, expression);
    },

    async read(snapshotId, stage) {
      const result = await options.dynamodb.send(
        new GetItemCommand({ TableName: options.tableName, Key: key(snapshotId, stage), ConsistentRead: true }),
      );
      return result.Item ? readItem(result.Item) : undefined;
    },
  };
}
