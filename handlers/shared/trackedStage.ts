/**
 * The skeleton every stage runs its work in, so the rules hold in one place:
 *
 * - the invocation has a deadline, and every AWS call and the work itself end before it, leaving
 *   a reserve to record a failure (invocationDeadline.ts);
 * - processing and validation claim the snapshot in the tracking ledger first: a duplicate or a
 *   concurrent delivery does nothing (tracking.ts);
 * - a failure is recorded on the item as "failed" with its description, logged with its name and
 *   cause, and rethrown for Lambda's retries and the DLQ; nothing secret leaves in any of them
 *   (redaction.ts);
 * - a side service that fails (metrics) is logged, tagged for the alarm's metric filter, and never
 *   decides the outcome;
 * - every log line of the invocation carries its request id, trace id and snapshot id
 *   (invocationScope.ts), and its X-Ray trace has a subsegment per invocation and per snapshot
 *   (tracing.ts).
 */
import type { StageName } from "../../contract/dataLayout";
import { SIDE_SERVICE_FAILURE_EVENT } from "../../contract/metricNames";
import type { InvocationDeadline } from "./invocationDeadline";
import type { InvocationScope } from "./invocationScope";
import type { Logger } from "./logger";
import type { Metric, MetricsPublisher } from "./metrics";
import { describeError, isNamedError } from "./namedError";
import type { Redactor } from "./redaction";
import { type Claim, LEASE_LOST_ERROR, type OutcomeInput, type TrackingRun, type TrackingStore } from "./tracking";
import type { Tracing } from "./tracing";

/** What a handler's stages share, built once per container. */
export interface StageRuntime {
  stage: StageName;
  tracking: TrackingStore;
  logger: Logger;
  redactor: Redactor;
  deadline: InvocationDeadline;
  invocation: InvocationScope;
  tracing: Tracing;
}

/** Lambda's context as the handlers read it; tests and manual invokes may pass less. */
export interface InvocationContext {
  awsRequestId?: string;
  getRemainingTimeInMillis?: () => number;
}

/** Lambda's longest timeout: the budget of an invocation whose caller gives no context. */
export const UNBOUNDED_INVOCATION_MS = 900_000;

/**
 * Wraps a handler: starts the deadline from Lambda's remaining time, opens the invocation's scope
 * (its request id, also made up for a caller without a context, and the trace id Lambda set for
 * it) and its trace subsegment, and redacts whatever error escapes, since its message and stack
 * become the DLQ record.
 */
export function deadlineBoundHandler<E, R>(
  runtime: Pick<StageRuntime, "deadline" | "redactor" | "invocation" | "tracing">,
  handle: (event: E, context: InvocationContext) => Promise<R>,
): (event: E, context?: InvocationContext) => Promise<R> {
  return async (event, context = {}) => {
    const bound: InvocationContext = context.awsRequestId === undefined ? { ...context, awsRequestId: `unbound-${globalThis.crypto.randomUUID()}` } : context;
    runtime.deadline.begin(context.getRemainingTimeInMillis?.() ?? UNBOUNDED_INVOCATION_MS);
    runtime.invocation.begin(bound.awsRequestId as string, process.env._X_AMZN_TRACE_ID);
    try {
      return await runtime.tracing.invocation(async () => {
        try {
          return await handle(event, bound);
        } catch (error) {
          throw runtime.redactor.error(error);
        }
      });
    } finally {
      runtime.deadline.end();
      runtime.invocation.end();
    }
  };
}

/**
 * Runs `work` within the deadline. On failure (the deadline included) the reserve goes to
 * `recordFailure`, the error is logged and rethrown, redacted.
 */
export async function failureRecorded<T>(
  runtime: StageRuntime,
  logger: Logger,
  work: () => Promise<T>,
  recordFailure: (errorMessage: string) => Promise<unknown>,
): Promise<T> {
  try {
    return await Promise.race([work(), runtime.deadline.workExpired()]);
  } catch (error) {
    runtime.redactor.error(error);
    runtime.deadline.enterReserve();
    logger.error(`${runtime.stage} failed`, { error });
    try {
      await recordFailure(describeError(error));
    } catch (trackingError) {
      logger.error("could not record the failure in the tracking table", { error: trackingError });
    }
    throw error;
  }
}

/** One snapshot handed to a claiming stage. */
export interface SnapshotUnit {
  snapshotId: string;
  requestId: string;
  /** What identifies the input, e.g. the object's ETag; "" when unknown. */
  input: string;
  s3Keys: Record<string, string>;
  /** Acts even when the stage already finished this input (a backfill after a fix). */
  force?: boolean;
}

export interface ClaimedWork<T> {
  /** The stage's work, once this invocation holds the lease: its result and the outcome to record. */
  run(run: TrackingRun, logger: Logger): Promise<{ result: T; outcome: OutcomeInput }>;
  /** What a delivery that found the work done or under way returns (or throws). */
  duplicate(claim: Exclude<Claim, { kind: "acquired" }>): T;
}

export async function runClaimedStage<T>(runtime: StageRuntime, unit: SnapshotUnit, work: ClaimedWork<T>): Promise<T> {
  runtime.invocation.focus(unit.snapshotId);
  return runtime.tracing.snapshot(unit.snapshotId, () => claimAndRun(runtime, unit, work));
}

async function claimAndRun<T>(runtime: StageRuntime, unit: SnapshotUnit, work: ClaimedWork<T>): Promise<T> {
  const logger = runtime.logger.child({ snapshotId: unit.snapshotId, requestId: unit.requestId });
  let run: TrackingRun | undefined;
  return failureRecorded(
    runtime,
    logger,
    async () => {
      const claim = await runtime.tracking.claim({
        snapshotId: unit.snapshotId,
        stage: runtime.stage,
        requestId: unit.requestId,
        input: unit.input,
        // Until this invocation cannot be running any more: a crashed run's lease lapses by then.
        leaseMs: runtime.deadline.workLeftMs() + 60_000,
        s3Keys: unit.s3Keys,
        ...(unit.force ? { force: true } : {}),
      });
      if (claim.kind !== "acquired") {
        logger.info(
          claim.kind === "done"
            ? `duplicate delivery: ${runtime.stage} already finished this snapshot; nothing done`
            : `duplicate delivery: another invocation (${claim.record.leaseOwner ?? "?"}) is working on this snapshot; nothing done`,
          { duplicate: claim.kind, recordedStatus: claim.record.status },
        );
        await runtime.tracking
          .noteDuplicate(unit.snapshotId, runtime.stage, unit.requestId)
          .catch((error: unknown) => logger.warn("could not count the duplicate delivery", { error }));
        return work.duplicate(claim);
      }
      run = claim.run;
      const { result, outcome } = await work.run(claim.run, logger);
      try {
        await claim.run.finish(outcome);
      } catch (error) {
        // The work is done and idempotent; the invocation that took over records it.
        if (!isNamedError(error, LEASE_LOST_ERROR)) throw error;
        logger.warn("finished after the lease lapsed", { error });
      }
      return result;
    },
    async (errorMessage) => {
      if (run !== undefined) await run.finish({ status: "failed", errorMessage });
    },
  );
}

/**
 * Publishes a snapshot's metrics at most once per snapshot and stage. A failure to claim or to
 * publish is logged as a side-service failure and changes nothing else.
 */
export async function publishSnapshotMetrics(
  publisher: MetricsPublisher,
  logger: Logger,
  claimMetrics: () => Promise<boolean>,
  metrics: readonly Metric[],
): Promise<"published" | "already-published" | "failed"> {
  try {
    if (!(await claimMetrics())) {
      logger.info("metrics of this snapshot were claimed by an earlier attempt; not publishing them again");
      return "already-published";
    }
    await publisher.publish(metrics);
    return "published";
  } catch (error) {
    sideServiceFailed(logger, "cloudwatch", "could not publish the snapshot's metrics; the data is kept and they are not retried", error);
    return "failed";
  }
}

/** The log line the side-service alarm's metric filter counts. */
export function sideServiceFailed(logger: Logger, service: string, message: string, error: unknown): void {
  logger.error(message, { event: SIDE_SERVICE_FAILURE_EVENT, service, error });
}
