/**
 * Runs a stage over every record of an S3 event. Records are independent: one bad object must not
 * stop the others, so each runs, and the invocation fails afterwards if any did, naming every
 * failed key. Lambda then retries the whole event; the records that succeeded are idempotent.
 * Records run one after another so a large snapshot has the function's memory to itself.
 */
import type { Context, S3Event, S3EventRecord } from "aws-lambda";

/** What the S3-triggered handlers read of Lambda's context. */
export type S3InvocationContext = Pick<Context, "awsRequestId">;

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
    const messages = failures.map((error) => (error instanceof Error ? error.message : String(error)));
    throw new Error(`${failures.length} of ${event.Records.length} records failed: ${messages.join(" | ")}`);
  }
  return results;
}
