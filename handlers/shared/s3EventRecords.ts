/**
 * Runs a stage over every object of an S3 event. Records are independent: one bad object must not
 * stop the others, so each runs, and the invocation fails afterwards if any did, naming every
 * failed key. Lambda then retries the whole event; the records that succeeded are done in the
 * tracking ledger and do nothing the second time. Records run one after another so a large
 * snapshot has the function's memory to itself.
 */
import type { S3Event } from "aws-lambda";
import { describeError } from "./namedError";
import { decodeS3EventKey } from "./s3Keys";
import type { InvocationContext } from "./trackedStage";

/** One object of an S3 event, as a stage works on it. */
export interface S3ObjectRef {
  bucket: string;
  /** Decoded: S3 sends keys URL-encoded, spaces as `+`. */
  key: string;
  /** The object's ETag from the event; "" when the event does not carry one. A new ETag is a new input. */
  eTag: string;
  /** The id the tracking ledger knows this invocation by (see invocationRequestId). */
  requestId: string;
  /** Redo the work even if the ledger says it is done (a backfill after a fix). */
  force?: boolean;
}

/**
 * Lambda's request id, which its retries of the same event keep; a caller without a context (a
 * test, a script) gets one of its own.
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

export async function runEachObject<T>(event: S3Event, context: InvocationContext, run: (object: S3ObjectRef) => Promise<T>): Promise<T[]> {
  if (!Array.isArray(event?.Records)) {
    throw new Error(`expected an S3 event with Records, got ${JSON.stringify(event)?.slice(0, 200)}`);
  }
  const requestId = invocationRequestId(context);
  const force = forcedReplay(event);
  const results: T[] = [];
  const failures: unknown[] = [];
  for (const record of event.Records) {
    try {
      results.push(
        await run({
          bucket: record.s3.bucket.name,
          key: decodeS3EventKey(record.s3.object.key),
          eTag: record.s3.object.eTag ?? "",
          requestId,
          ...(force ? { force } : {}),
        }),
      );
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
