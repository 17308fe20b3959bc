/**
 * The alert circuit breaker. A run of failing snapshots (an OpenSky outage, a schema change)
 * would otherwise page someone every five minutes: after `threshold` consecutive failing
 * snapshots the breaker opens with one "circuit open" alert and stays quiet until a passing
 * snapshot closes it with one "circuit closed" notice.
 *
 * The state is one item in the tracking table. Every change is a conditional write on a version
 * number, so two validations finishing at once cannot both take the same transition and alert
 * twice; the loser re-reads and re-decides. A snapshot seen recently (S3 delivers events at least
 * once, Lambda retries) does not count again.
 */
import { GetItemCommand, PutItemCommand, type AttributeValue, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CIRCUIT_BREAKER_PARTITION, TRACKING_PARTITION_KEY, TRACKING_SORT_KEY } from "../../contract/dataLayout";

export type BreakerStatus = "closed" | "open";

export interface BreakerState {
  status: BreakerStatus;
  consecutiveFailures: number;
  /** Snapshot ids already counted, newest last. */
  recentSnapshots: string[];
  /** 0 before the first write. */
  version: number;
}

/**
 * - `alert`: a failing snapshot while closed, below the threshold: send the per-snapshot alert.
 * - `open`: the failing snapshot that reached the threshold: send the one "circuit open" alert.
 * - `suppressed`: a failing snapshot while open: no alert.
 * - `close`: a passing snapshot while open: send the one "circuit closed" notice.
 * - `none`: a passing snapshot while closed.
 * - `repeat`: a snapshot already counted: nothing changes, nothing is sent.
 */
export type BreakerAction = "alert" | "open" | "suppressed" | "close" | "none" | "repeat";

export interface BreakerTransition {
  previous: BreakerState;
  next: BreakerState;
  action: BreakerAction;
}

/** Enough to recognise redelivered events, small enough to keep the item tiny. */
export const RECENT_SNAPSHOTS_KEPT = 50;

export const INITIAL_BREAKER_STATE: BreakerState = { status: "closed", consecutiveFailures: 0, recentSnapshots: [], version: 0 };

export function nextBreakerState(state: BreakerState, snapshotId: string, failed: boolean, threshold: number): BreakerTransition {
  if (state.recentSnapshots.includes(snapshotId)) return { previous: state, next: state, action: "repeat" };
  const recentSnapshots = [...state.recentSnapshots, snapshotId].slice(-RECENT_SNAPSHOTS_KEPT);
  const version = state.version + 1;
  if (!failed) {
    const action: BreakerAction = state.status === "open" ? "close" : "none";
    return { previous: state, next: { status: "closed", consecutiveFailures: 0, recentSnapshots, version }, action };
  }
  const consecutiveFailures = state.consecutiveFailures + 1;
  let action: BreakerAction;
  if (state.status === "open") action = "suppressed";
  else action = consecutiveFailures >= threshold ? "open" : "alert";
  const status: BreakerStatus = state.status === "open" || action === "open" ? "open" : "closed";
  return { previous: state, next: { status, consecutiveFailures, recentSnapshots, version }, action };
}

/** The breaker's item: a partition key no snapshot id (unix seconds) can take. */
export const BREAKER_ITEM_KEY = { snapshotId: CIRCUIT_BREAKER_PARTITION, stage: "validation" } as const;

/** Conflicts beyond this mean something is hammering the item; give up loudly. */
const MAX_CONFLICTS = 20;

export interface CircuitBreaker {
  /** Counts the snapshot's outcome and returns the transition it took. */
  record(snapshotId: string, failed: boolean): Promise<BreakerTransition>;
  /** Puts back the state before `transition` if nothing moved since, so a retry can take it again. */
  undo(transition: BreakerTransition): Promise<boolean>;
  read(): Promise<BreakerState>;
}

export interface CircuitBreakerOptions {
  dynamodb: DynamoDBClient;
  tableName: string;
  threshold: number;
  clock?: () => Date;
}

function toItem(state: BreakerState, updatedAt: Date): Record<string, AttributeValue> {
  return {
    [TRACKING_PARTITION_KEY]: { S: BREAKER_ITEM_KEY.snapshotId },
    [TRACKING_SORT_KEY]: { S: BREAKER_ITEM_KEY.stage },
    breakerStatus: { S: state.status },
    consecutiveFailures: { N: String(state.consecutiveFailures) },
    recentSnapshots: { L: state.recentSnapshots.map((id) => ({ S: id })) },
    version: { N: String(state.version) },
    updatedAt: { S: updatedAt.toISOString() },
  };
}

function fromItem(item: Record<string, AttributeValue> | undefined): BreakerState {
  if (item === undefined) return INITIAL_BREAKER_STATE;
  const status = item.breakerStatus?.S;
  if (status !== "open" && status !== "closed") {
    throw new Error(`the circuit-breaker item has breakerStatus ${JSON.stringify(status)}; expected open or closed`);
  }
  return {
    status,
    consecutiveFailures: Number(item.consecutiveFailures?.N ?? 0),
    recentSnapshots: (item.recentSnapshots?.L ?? []).map((value) => value.S ?? ""),
    version: Number(item.version?.N ?? 0),
  };
}

export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const clock = options.clock ?? (() => new Date());
  const key = {
    [TRACKING_PARTITION_KEY]: { S: BREAKER_ITEM_KEY.snapshotId },
    [TRACKING_SORT_KEY]: { S: BREAKER_ITEM_KEY.stage },
  };

  const read = async (): Promise<BreakerState> => {
    const result = await options.dynamodb.send(new GetItemCommand({ TableName: options.tableName, Key: key, ConsistentRead: true }));
    return fromItem(result.Item);
  };

  /** Writes `next` only if the stored version is still `expectedVersion`. */
  const write = async (next: BreakerState, expectedVersion: number): Promise<boolean> => {
    try {
      await options.dynamodb.send(
        new PutItemCommand({
          TableName: options.tableName,
          Item: toItem(next, clock()),
          ConditionExpression: expectedVersion === 0 ? "attribute_not_exists(#partition)" : "#version = :expectedVersion",
          ExpressionAttributeNames: expectedVersion === 0 ? { "#partition": TRACKING_PARTITION_KEY } : { "#version": "version" },
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ":expectedVersion": { N: String(expectedVersion) } } }),
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") return false;
      throw error;
    }
  };

  return {
    read,
    async record(snapshotId, failed) {
      for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
        const transition = nextBreakerState(await read(), snapshotId, failed, options.threshold);
        if (transition.action === "repeat") return transition;
        if (await write(transition.next, transition.previous.version)) return transition;
      }
      throw new Error(`the circuit-breaker item changed under ${MAX_CONFLICTS} consecutive attempts to record snapshot ${snapshotId}`);
    },
    async undo(transition) {
      if (transition.action === "repeat") return true;
      return write({ ...transition.previous, version: transition.next.version + 1 }, transition.next.version);
    },
  };
}
