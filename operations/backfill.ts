/**
 * Backfill: runs a stage again over the snapshots of a time range, after a bug in it was fixed or
 * to fill a gap. Lists the stage's input objects (raw JSON for processing, Parquet for
 * validation) day by day, and for each snapshot in the range:
 *
 * - reads its tracking item: when the stage already finished this very object (succeeded, or
 *   rejected under strictMode, for the ETag it has now), it is skipped unless `force`;
 * - otherwise invokes the stage synchronously with an S3 ObjectCreated event for the object (its
 *   ETag from a HEAD), `"force": true` added with `force` so the ledger lets the stage redo it.
 *
 * Invocations run `concurrency` at a time; each one's outcome and the progress are reported as
 * they finish. A processing backfill that changes a Parquet file triggers validation for it, as
 * any new Parquet does.
 */
import { describeError } from "../handlers/shared/namedError";
import { KEY_KINDS, parseSnapshotKey, snapshotIdForTime } from "../handlers/shared/s3Keys";
import type { PipelineAccess } from "./pipelineAccess";
import { type Progress, progressOf } from "./progress";
import { s3ObjectCreatedEvent } from "./s3Event";
import { dayPrefixes, inRange, type SnapshotRange } from "./snapshotRange";
import type { PipelineTarget } from "./stackOutputs";

export const BACKFILL_STAGES = ["processing", "validation"] as const;
export type BackfillStage = (typeof BACKFILL_STAGES)[number];

/** Tracking statuses after which a stage has nothing more to do for the same input. */
const FINISHED = ["succeeded", "rejected"];

export interface BackfillOptions {
  stage: BackfillStage;
  range: SnapshotRange;
  concurrency: number;
  force: boolean;
  dryRun: boolean;
  onSnapshot?(outcome: SnapshotOutcome): void;
  onProgress?(progress: Progress): void;
  now?: () => number;
}

export type SnapshotStatus =
  /** The stage already finished this object. */
  | "skipped"
  /** Dry run: would be invoked. */
  | "would-invoke"
  | "succeeded"
  /** The invocation returned without acting: another invocation holds the snapshot's lease. */
  | "busy"
  | "failed";

export interface SnapshotOutcome {
  snapshotId: string;
  key: string;
  status: SnapshotStatus;
  /** What the tracking table said before (skipped, or invoked over a failure). */
  recorded?: string;
  error?: string;
  durationMs?: number;
}

export interface BackfillSummary {
  stage: BackfillStage;
  bucket: string;
  found: number;
  outcomes: SnapshotOutcome[];
  counts: Record<SnapshotStatus, number>;
  elapsedMs: number;
}

interface Candidate {
  snapshotId: string;
  key: string;
  size: number;
}

function inputOf(target: PipelineTarget, stage: BackfillStage): { bucket: string; kind: "raw" | "processed" } {
  return stage === "processing" ? { bucket: target.rawBucket, kind: "raw" } : { bucket: target.processedBucket, kind: "processed" };
}

/** The stage's input objects of the range, oldest first. */
export async function listSnapshots(access: PipelineAccess, target: PipelineTarget, stage: BackfillStage, range: SnapshotRange): Promise<Candidate[]> {
  const { bucket, kind } = inputOf(target, stage);
  const candidates: Candidate[] = [];
  for (const prefix of dayPrefixes(KEY_KINDS[kind].prefix, range)) {
    for await (const object of access.listObjects(bucket, prefix)) {
      let time: number;
      try {
        const parsed = parseSnapshotKey(object.key);
        if (parsed.kind !== kind) continue;
        time = parsed.snapshotTime;
      } catch {
        // Not a pipeline key (a stray upload): no stage would take it either.
        continue;
      }
      if (inRange(range, time)) candidates.push({ snapshotId: snapshotIdForTime(time), key: object.key, size: object.size });
    }
  }
  return candidates.sort((a, b) => Number(a.snapshotId) - Number(b.snapshotId));
}

/** Whether a stage's answer says it did nothing because another invocation holds the snapshot. */
function busy(result: unknown): boolean {
  const results = Array.isArray(result) ? result : [result];
  return results.some((entry) => (entry as { duplicate?: unknown } | null)?.duplicate === "busy");
}

async function replay(
  access: PipelineAccess,
  target: PipelineTarget,
  options: BackfillOptions,
  candidate: Candidate,
  now: () => number,
): Promise<SnapshotOutcome> {
  const { bucket } = inputOf(target, options.stage);
  const base = { snapshotId: candidate.snapshotId, key: candidate.key };
  const eTag = await access.objectETag(bucket, candidate.key);
  if (eTag === undefined) return { ...base, status: "failed", error: `${bucket}/${candidate.key} is gone (deleted since it was listed)` };
  const tracked = await access.tracking(candidate.snapshotId, options.stage);
  const recorded = tracked === undefined ? {} : { recorded: tracked.status };
  if (!options.force && tracked !== undefined && FINISHED.includes(tracked.status) && (tracked.input === undefined || tracked.input === eTag)) {
    return { ...base, ...recorded, status: "skipped" };
  }
  if (options.dryRun) return { ...base, ...recorded, status: "would-invoke" };
  const started = now();
  const event = s3ObjectCreatedEvent({ region: target.region, bucket, key: candidate.key, eTag, size: candidate.size }, { force: options.force });
  const outcome = await access.invoke(options.stage, event);
  const durationMs = now() - started;
  if (!outcome.ok)
    return { ...base, ...recorded, status: "failed", error: `${outcome.errorType ?? "Error"}: ${outcome.errorMessage ?? "no message"}`, durationMs };
  return { ...base, ...recorded, status: busy(outcome.result) ? "busy" : "succeeded", durationMs };
}

export async function backfill(access: PipelineAccess, target: PipelineTarget, options: BackfillOptions): Promise<BackfillSummary> {
  if (!Number.isSafeInteger(options.concurrency) || options.concurrency < 1)
    throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
  const now = options.now ?? (() => Date.now());
  const started = now();
  const candidates = await listSnapshots(access, target, options.stage, options.range);
  const outcomes: SnapshotOutcome[] = new Array(candidates.length);
  const counts: Record<SnapshotStatus, number> = { skipped: 0, "would-invoke": 0, succeeded: 0, busy: 0, failed: 0 };
  let done = 0;
  let next = 0;

  const worker = async (): Promise<void> => {
    while (next < candidates.length) {
      const index = next++;
      const candidate = candidates[index] as Candidate;
      let outcome: SnapshotOutcome;
      try {
        outcome = await replay(access, target, options, candidate, now);
      } catch (error) {
        // A tool-side failure (S3, DynamoDB or Lambda refused the call) counts against the snapshot.
        outcome = { snapshotId: candidate.snapshotId, key: candidate.key, status: "failed", error: describeError(error) };
      }
      outcomes[index] = outcome;
      counts[outcome.status] += 1;
      done += 1;
      options.onSnapshot?.(outcome);
      options.onProgress?.(progressOf({ done, total: candidates.length, failed: counts.failed, skipped: counts.skipped }, now() - started));
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, Math.max(1, candidates.length)) }, worker));
  const { bucket } = inputOf(target, options.stage);
  return { stage: options.stage, bucket, found: candidates.length, outcomes, counts, elapsedMs: now() - started };
}

export const backfillFailed = (summary: BackfillSummary): boolean => summary.counts.failed > 0;

export function isBackfillStage(stage: string): stage is BackfillStage {
  return (BACKFILL_STAGES as readonly string[]).includes(stage);
}
