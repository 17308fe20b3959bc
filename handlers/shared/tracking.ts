/**
 * The execution-tracking ledger: one DynamoDB item per snapshot and stage, the same shape for
 * every stage, so "what happened to snapshot X" is one Query on the partition key.
 *
 * It is also what decides "first time". S3 delivers events at least once and Lambda retries, so a
 * stage may be handed the same snapshot twice, even at the same moment. Processing and validation
 * `claim` the item before they act: a conditional write takes a lease for this invocation unless
 * the stage already finished this input (a duplicate: nothing to do) or another invocation holds
 * an unexpired lease (a concurrent duplicate: that one acts). A Lambda retry carries the same
 * request id and takes its own lease back at once. Effects that must not repeat even across
 * retries (publishing a snapshot's metrics) are claimed once more on the item, at most once ever.
 *
 * Ingestion learns its snapshot id only at the end, so it writes its outcome in one `record`
 * call; its "first time" is the raw object's conditional write.
 */
import { type AttributeValue, type DynamoDBClient, GetItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { namedError } from "./namedError";
import { type StageName, STAGES, TRACKING_PARTITION_KEY, TRACKING_SORT_KEY, TRACKING_TTL_ATTRIBUTE } from "../../contract/dataLayout";

/**
 * `rejected`: the stage finished and its verdict is no (validation under STRICT_MODE); like
 * `succeeded` it is final for its input, so a retry repeats the verdict without acting again.
 */
export const TRACKING_STATUSES = ["started", "succeeded", "failed", "rate_limited", "skipped", "rejected"] as const;
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
  /** What the stage was handed, e.g. the object's ETag: a new input is new work, the same one a duplicate. */
  input?: string;
  /** The request id holding the lease while the stage runs. */
  leaseOwner?: string;
  /** Epoch milliseconds after which the lease may be taken over. */
  leaseExpiresAt?: number;
  /** When the snapshot's metrics were claimed for publishing: at most once per snapshot and stage. */
  metricsPublishedAt?: string;
  /** Deliveries that found the work done or under way, and did nothing. */
  duplicates: number;
}

export interface OutcomeInput {
  status: OutcomeStatus;
  counts?: Record<string, number>;
  /** Merged over the keys recorded at the claim. */
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

export interface ClaimInput {
  snapshotId: string;
  stage: StageName;
  requestId: string;
  /** Identifies what the stage was handed; "" when the event does not say. */
  input: string;
  /** How long the lease holds: the invocation's remaining time, so a crashed run's lease lapses. */
  leaseMs: number;
  s3Keys?: Record<string, string>;
  /** Acts even when the stage already finished this input (a backfill after a fix); a live lease still wins. */
  force?: boolean;
}

/** A claimed stage; `finish` writes its outcome and gives the lease back. */
export interface TrackingRun {
  readonly record: TrackingRecord;
  /**
   * True for the one invocation that gets to publish the snapshot's metrics, ever: false when an
   * earlier attempt already claimed them (it may have published them, or lost them; never twice).
   */
  claimMetrics(): Promise<boolean>;
  /** Throws LeaseLostError when another invocation took the item over after this one's lease lapsed. */
  finish(outcome: OutcomeInput): Promise<TrackingRecord>;
}

/**
 * - `acquired`: this invocation acts.
 * - `done`: the stage already finished this input (succeeded, or rejected); nothing to do.
 * - `busy`: another invocation holds a live lease and will act.
 */
export type Claim = { kind: "acquired"; run: TrackingRun } | { kind: "done"; record: TrackingRecord } | { kind: "busy"; record: TrackingRecord };

export interface TrackingStore {
  claim(input: ClaimInput): Promise<Claim>;
  /** Counts a delivery that did nothing because of `claim`'s answer. */
  noteDuplicate(snapshotId: string, stage: StageName, requestId: string): Promise<void>;
  /** Writes a stage's outcome in one call, for stages that learn their snapshot id at the end. */
  record(input: RecordInput): Promise<TrackingRecord>;
  /** `claimMetrics` for a stage that records in one call (no lease), once its item exists. */
  claimMetrics(snapshotId: string, stage: StageName): Promise<boolean>;
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

export const LEASE_LOST_ERROR = "LeaseLostError";

/** Statuses after which an input needs nothing more from the stage. */
const FINAL_STATUSES: readonly TrackingStatus[] = ["succeeded", "rejected"];

/**
 * Builds an UpdateItem expression from named SET / REMOVE / ADD parts without name clashes.
 * A closure rather than a class (docs/serialization.md).
 */
interface UpdateExpression {
  set(attribute: string, value: AttributeValue | undefined): UpdateExpression;
  /** Sets the attribute only on an item that does not have it yet. */
  setIfMissing(attribute: string, value: AttributeValue): UpdateExpression;
  add(attribute: string, amount: number): UpdateExpression;
  /** The condition the write must meet, built from `name` and `value`. */
  when(condition: (name: (attribute: string) => string, value: (key: string, value: AttributeValue) => string) => string): UpdateExpression;
  condition?: string;
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
    when(build) {
      // Condition values get a prefix of their own, so they cannot clash with the SET values.
      expression.condition = build(name, (key, value) => {
        values[`:c_${key}`] = value;
        return `:c_${key}`;
      });
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

const stringValue = (value: string | undefined): AttributeValue | undefined => (value === undefined ? undefined : { S: value });

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

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
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
    details: Object.fromEntries(mapEntries("details").map(([name, value]): [string, DetailValue] => [name, value.S ?? value.BOOL ?? Number(value.N)])),
    expiresAt: number(TRACKING_TTL_ATTRIBUTE) ?? 0,
    duplicates: number("duplicates") ?? 0,
  };
  const finishedAt = text("finishedAt");
  if (finishedAt !== undefined) record.finishedAt = finishedAt;
  const requestId = text("requestId");
  if (requestId !== undefined) record.requestId = requestId;
  const errorMessage = text("errorMessage");
  if (errorMessage !== undefined) record.errorMessage = errorMessage;
  const input = text("input");
  if (input !== undefined) record.input = input;
  const leaseOwner = text("leaseOwner");
  if (leaseOwner !== undefined) record.leaseOwner = leaseOwner;
  const leaseExpiresAt = number("leaseExpiresAt");
  if (leaseExpiresAt !== undefined) record.leaseExpiresAt = leaseExpiresAt;
  const metricsPublishedAt = text("metricsPublishedAt");
  if (metricsPublishedAt !== undefined) record.metricsPublishedAt = metricsPublishedAt;
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

  /** The updated item, or undefined when the expression's condition did not hold. */
  const update = async (snapshotId: string, stage: StageName, expression: UpdateExpression): Promise<TrackingRecord | undefined> => {
    try {
      const result = await options.dynamodb.send(
        new UpdateItemCommand({
          TableName: options.tableName,
          Key: key(snapshotId, stage),
          UpdateExpression: expression.text(),
          ConditionExpression: expression.condition,
          ExpressionAttributeNames: expression.names,
          ExpressionAttributeValues: expression.values,
          ReturnValues: "ALL_NEW",
        }),
      );
      if (!result.Attributes) throw new Error(`DynamoDB returned no attributes for ${snapshotId}/${stage}`);
      return readItem(result.Attributes);
    } catch (error) {
      if (expression.condition !== undefined && isConditionFailure(error)) return undefined;
      throw error;
    }
  };

  const updateOrFail = async (snapshotId: string, stage: StageName, expression: UpdateExpression): Promise<TrackingRecord> => {
    const updated = await update(snapshotId, stage, expression);
    if (updated === undefined) throw new Error(`the tracking item ${snapshotId}/${stage} did not meet the write's condition`);
    return updated;
  };

  const read = async (snapshotId: string, stage: StageName): Promise<TrackingRecord | undefined> => {
    const result = await options.dynamodb.send(new GetItemCommand({ TableName: options.tableName, Key: key(snapshotId, stage), ConsistentRead: true }));
    return result.Item ? readItem(result.Item) : undefined;
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

  const claimMetrics = async (snapshotId: string, stage: StageName, leaseOwner?: string): Promise<boolean> => {
    const now = clock();
    const claimed = await update(
      snapshotId,
      stage,
      updateExpression()
        .set("metricsPublishedAt", { S: now.toISOString() })
        .when((name, value) => {
          const unclaimed = `attribute_exists(${name(TRACKING_PARTITION_KEY)}) AND attribute_not_exists(${name("metricsPublishedAt")})`;
          return leaseOwner === undefined ? unclaimed : `${unclaimed} AND ${name("leaseOwner")} = ${value("owner", { S: leaseOwner })}`;
        }),
    );
    return claimed !== undefined;
  };

  return {
    async claim(input) {
      const now = clock();
      const s3Keys = input.s3Keys ?? {};
      const expression = updateExpression()
        .set("status", { S: "started" })
        .set("startedAt", { S: now.toISOString() })
        .set("updatedAt", { S: now.toISOString() })
        .set(TRACKING_TTL_ATTRIBUTE, expiresAt(now))
        .set("requestId", { S: input.requestId })
        .set("leaseOwner", { S: input.requestId })
        .set("leaseExpiresAt", { N: String(now.getTime() + input.leaseMs) })
        .set("input", { S: input.input })
        .set("counts", numberMap({}))
        .set("s3Keys", stringMap(s3Keys))
        .set("details", detailMap({}))
        .set("finishedAt", undefined)
        .set("errorMessage", undefined)
        .add("attempt", 1)
        .when((name, value) => {
          const leaseFree =
            `(attribute_not_exists(${name("leaseExpiresAt")}) OR ${name("leaseExpiresAt")} < ${value("now", { N: String(now.getTime()) })}` +
            ` OR ${name("leaseOwner")} = ${value("requestId", { S: input.requestId })})`;
          if (input.force) return `attribute_not_exists(${name(TRACKING_PARTITION_KEY)}) OR ${leaseFree}`;
          const finished = FINAL_STATUSES.map((status) => `${name("status")} = ${value(`final_${status}`, { S: status })}`).join(" OR ");
          const notFinishedForInput = `(NOT (${finished}) OR attribute_not_exists(${name("input")}) OR ${name("input")} <> ${value("input", { S: input.input })})`;
          // DynamoDB refuses redundant parentheses and unused values: each form is written out whole.
          const open = `(${notFinishedForInput} AND ${leaseFree})`;
          return `attribute_not_exists(${name(TRACKING_PARTITION_KEY)}) OR ${open}`;
        });
      const claimed = await update(input.snapshotId, input.stage, expression);
      if (claimed === undefined) {
        const existing = await read(input.snapshotId, input.stage);
        if (existing === undefined) throw new Error(`the tracking item ${input.snapshotId}/${input.stage} refused a claim and then was not there`);
        const done = !input.force && FINAL_STATUSES.includes(existing.status) && existing.input === input.input;
        return done ? { kind: "done", record: existing } : { kind: "busy", record: existing };
      }
      return {
        kind: "acquired",
        run: {
          record: claimed,
          claimMetrics: () => claimMetrics(input.snapshotId, input.stage, input.requestId),
          async finish(outcome) {
            const finished = await update(
              input.snapshotId,
              input.stage,
              outcomeExpression(outcome, { ...s3Keys, ...outcome.s3Keys }, clock())
                .set("leaseOwner", undefined)
                .set("leaseExpiresAt", undefined)
                .when((name, value) => `${name("leaseOwner")} = ${value("owner", { S: input.requestId })}`),
            );
            if (finished === undefined) {
              throw namedError(
                LEASE_LOST_ERROR,
                `the ${input.stage} lease on snapshot ${input.snapshotId} lapsed and another invocation took it over; that one records the outcome`,
                {},
              );
            }
            return finished;
          },
        },
      };
    },

    async noteDuplicate(snapshotId, stage, requestId) {
      const now = clock();
      await update(
        snapshotId,
        stage,
        updateExpression()
          .set("lastDuplicateAt", { S: now.toISOString() })
          .set("lastDuplicateRequestId", { S: requestId })
          .add("duplicates", 1)
          .when((name) => `attribute_exists(${name(TRACKING_PARTITION_KEY)})`),
      );
    },

    record(input) {
      const expression = outcomeExpression(input, input.s3Keys ?? {}, clock())
        .set("startedAt", { S: input.startedAt.toISOString() })
        .set("requestId", stringValue(input.requestId))
        .add("attempt", 1);
      return updateOrFail(input.snapshotId, input.stage, expression);
    },

    claimMetrics: (snapshotId, stage) => claimMetrics(snapshotId, stage),

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
      return updateOrFail(input.snapshotId, input.stage, expression);
    },

    read,
  };
}
