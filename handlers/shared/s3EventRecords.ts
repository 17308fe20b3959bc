/**
 * Runs a stage over every record of an S3 event. Records are independent: one bad object must not
 * stop the others, so each runs, and the invocation fails afterwards if any did, naming every
 * failed key. Lambda then retries the whole event; the records that succeeded are idempotent.
 * Records run one after another so a large snapshot has the function's memory to itself.
 */
import type { S3Event, S3EventRecord } from "aws-lambda";
import { describeError } from "./namedError";
import type { InvocationContext } from "./trackedStage";

/**
 * The id the tracking ledger knows this invocation by: Lambda's request id, which its retries of
 * the same event keep; a caller without a context (a test, a script) gets one of its own.
 */
export function invocationRequestId(context: InvocationContext): string {
  return context.awsRequestId ?? `unbound-${globalThis.crypto.randomUUID()}`;
}

/**
 * Whether the event asks to redo work already done: a backfill after a fix adds `"force": true`
 * to the S3 event it sends. S3 itself never sets it.
 */
export function forcedReplay(event: S3Event): boolean {
  return (event as S3Event & { force?: unknown }).force === true;
}

export async function runEachRecord<T>(event: S3Event, run: (record: S3EventRecord) => Promise<T>): Promise<T[]> {
  if (!Array.isArray(event?.Records)) {
    throw new Error(`expected an S3 event with Records, got ${JSON.stringify(event)?.slice(0, 200)}`);
  }
  const results: T[] = [];
  const failures: unknown[] = [];
  for (const record of event.Records) {
    try {
      results.push(await run(record));
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) {
    const messages = failures.map(describeError);
    throw new Error(`${failures.length} of ${event.Records.length} records failed: ${messages.join(" | ")}`);
  }
  return results;
}
