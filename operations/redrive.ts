/**
 * Redrive: empties a stage's dead-letter queue into the stage again, once whatever made the events
 * fail is fixed.
 *
 * Processing and validation: each message is Lambda's on-failure record (requestContext,
 * requestPayload = the original S3 event, responsePayload = the error). Each is shown with its
 * error, its age and its snapshots, then invoked again synchronously with the original payload
 * (`"force": true` added with `force`), and deleted only once that invocation succeeded; a failed
 * one stays in the queue, visible again at once, for the next try.
 *
 * Compaction and its schedule's DLQ: each message (a failure record, or an event EventBridge could
 * not deliver) names days, which the processed files still hold; it is replayed like processing's
 * and deleted once the compaction of those days succeeded.
 *
 * Ingestion and the schedule hold missed ticks: a scheduled run that failed three times, or that
 * EventBridge could not deliver within an hour. OpenSky's live API answers only with the present
 * state vectors, so a missed tick's snapshot cannot be fetched any more: sending the old event
 * again would store the current snapshot, which the next tick stores anyway. So the ticks are
 * listed (the gap they leave in raw/), ingestion is invoked once now to prove the path works
 * again, and when it does, the messages are deleted as acknowledged.
 */
import { randomUUID } from "crypto";
import type { S3Event } from "aws-lambda";
import { requestedDays } from "../handlers/compaction/compactionRequest";
import { describeError } from "../handlers/shared/namedError";
import { decodeS3EventKey, parseSnapshotKey } from "../handlers/shared/s3Keys";
import type { InvokeOutcome, PipelineAccess, QueueMessage } from "./pipelineAccess";
import type { OperatedStage, PipelineTarget } from "./stackOutputs";

export const REDRIVE_STAGES = ["ingestion", "processing", "validation", "compaction", "schedule", "compaction-schedule"] as const;
export type RedriveStage = (typeof REDRIVE_STAGES)[number];

export const MISSED_TICKS_EXPLANATION = [
  "A missed tick is a scheduled ingestion that never stored its snapshot: ingestion failed three times (its DLQ),",
  "or EventBridge could not deliver the schedule's event within an hour (the schedule's DLQ). OpenSky's live API",
  "(/api/states/all) answers only with the state vectors of the present, so those snapshots cannot be fetched now,",
  "and sending the old events again would only store the current snapshot. The gap stays in raw/ (and in",
  "everything after it). This command lists the missed ticks, invokes ingestion once now to check that a",
  "scheduled run stores a snapshot again, and deletes the messages when it did; with --dry-run it only lists them.",
].join("\n");

/** A dead letter, read. */
export interface DeadLetter {
  message: QueueMessage;
  kind: "failed-invocation" | "undelivered-event" | "unreadable";
  /** When it failed: the failure record's timestamp, the event's time, or when SQS received it. */
  failedAt?: Date;
  /** The error, as Lambda or EventBridge recorded it. */
  error: string;
  /** Snapshot ids of the payload's objects, the tick's snapshot id for a scheduled event, or the days a compaction request names. */
  snapshots: string[];
  /** The original event. */
  payload?: unknown;
  attempts?: number;
}

export type LetterAction =
  /** Invoked again, succeeded, deleted. */
  | "redriven"
  /** Invoked again and failed: kept. */
  | "failed"
  /** Listed only (dry run), or its missed tick's check failed: kept. */
  | "kept"
  /** A missed tick, deleted after the check run succeeded. */
  | "acknowledged"
  /** Not a message this command can replay: kept for a person to read. */
  | "unreadable";

export interface LetterOutcome {
  letter: DeadLetter;
  action: LetterAction;
  /** The redriven invocation's error. */
  error?: string;
}

export interface RedriveOptions {
  stage: RedriveStage;
  /** At most this many messages. */
  max: number;
  dryRun: boolean;
  force: boolean;
  onLetter?(outcome: LetterOutcome): void;
  now?: () => Date;
}

export interface RedriveSummary {
  stage: RedriveStage;
  queueUrl: string;
  outcomes: LetterOutcome[];
  /** Missed ticks only: the ingestion run made to check the path, unless a dry run or none were found. */
  check?: { ok: boolean; result?: unknown; error?: string };
}

/** How long a received message stays invisible: beyond Lambda's longest timeout, so it cannot reappear mid-invocation. */
const IN_FLIGHT_VISIBILITY_SECONDS = 960;
const DRY_RUN_VISIBILITY_SECONDS = 60;

const snapshotsOfS3Event = (event: unknown): string[] =>
  ((event as Partial<S3Event> | undefined)?.Records ?? []).flatMap((record) => {
    try {
      return [String(parseSnapshotKey(decodeS3EventKey(record.s3.object.key)).snapshotTime)];
    } catch {
      return [];
    }
  });

/** The tick's snapshot id: the scheduled event's fire time in unix seconds, as ingestion tracks a run before its snapshot arrives. */
const tickOf = (event: unknown): string[] => {
  const fired = Date.parse(String((event as { time?: unknown } | undefined)?.time));
  return Number.isFinite(fired) ? [String(Math.floor(fired / 1000))] : [];
};

/**
 * The days a compaction request names, read as the stage reads them: its `days`, its `from`…`to`,
 * or for a scheduled event the day before it fired (and the stack's lookback before that).
 */
const daysOfCompactionRequest = (event: unknown): string[] => {
  try {
    const days = requestedDays(event, 1, new Date());
    const scheduled = (event as { "detail-type"?: unknown } | null)?.["detail-type"] === "Scheduled Event";
    return scheduled ? days.map((day) => `${day} and the lookback before it`) : days;
  } catch {
    return [];
  }
};

const compactionStage = (stage: RedriveStage): boolean => stage === "compaction" || stage === "compaction-schedule";

const validDate = (value: unknown): Date | undefined => {
  const date = new Date(String(value));
  return Number.isNaN(date.getTime()) ? undefined : date;
};

export function readDeadLetter(message: QueueMessage, stage: RedriveStage): DeadLetter {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(message.body) as Record<string, unknown>;
  } catch {
    return { message, kind: "unreadable", error: "the message is not JSON", snapshots: [], ...(message.sentAt ? { failedAt: message.sentAt } : {}) };
  }
  const snapshotsOf = stage === "processing" || stage === "validation" ? snapshotsOfS3Event : compactionStage(stage) ? daysOfCompactionRequest : tickOf;
  if (body.requestContext !== undefined && "requestPayload" in body) {
    const response = (body.responsePayload ?? {}) as { errorType?: string; errorMessage?: string };
    const context = body.requestContext as { approximateInvokeCount?: number };
    const failedAt = validDate(body.timestamp) ?? message.sentAt;
    return {
      message,
      kind: "failed-invocation",
      error: `${response.errorType ?? "Error"}: ${response.errorMessage ?? "(no message)"}`,
      snapshots: snapshotsOf(body.requestPayload),
      payload: body.requestPayload,
      ...(failedAt ? { failedAt } : {}),
      ...(typeof context.approximateInvokeCount === "number" ? { attempts: context.approximateInvokeCount } : {}),
    };
  }
  if (body.source === "aws.events" || body["detail-type"] === "Scheduled Event") {
    const code = message.attributes.ERROR_CODE;
    const text = message.attributes.ERROR_MESSAGE;
    const failedAt = validDate(body.time) ?? message.sentAt;
    const retries = Number(message.attributes.RETRY_ATTEMPTS);
    return {
      message,
      kind: "undelivered-event",
      error:
        code === undefined && text === undefined ? "EventBridge could not deliver it (no error attributes)" : `${code ?? "Error"}: ${text ?? "(no message)"}`,
      snapshots: snapshotsOf(body),
      payload: body,
      ...(failedAt ? { failedAt } : {}),
      ...(Number.isFinite(retries) ? { attempts: retries + 1 } : {}),
    };
  }
  return {
    message,
    kind: "unreadable",
    error: "neither Lambda's failure record nor an EventBridge event",
    snapshots: [],
    ...(message.sentAt ? { failedAt: message.sentAt } : {}),
  };
}

export function queueOf(target: PipelineTarget, stage: RedriveStage): string {
  if (stage === "compaction-schedule") {
    if (target.compactionScheduleDeadLetterQueueUrl === undefined)
      throw new Error(`stack ${target.stack} has no compactionScheduleDeadLetterQueueUrl output; deploy it with this program`);
    return target.compactionScheduleDeadLetterQueueUrl;
  }
  if (stage !== "schedule") return target.deadLetterQueueUrls[stage];
  if (target.scheduleDeadLetterQueueUrl === undefined)
    throw new Error(`stack ${target.stack} has no schedule, so no schedule DLQ (enableScheduledIngestion is off)`);
  return target.scheduleDeadLetterQueueUrl;
}

const invokedStage = (stage: RedriveStage): OperatedStage => (stage === "schedule" ? "ingestion" : stage === "compaction-schedule" ? "compaction" : stage);

/** What a stage's queue holds that can be replayed: failure records, and for compaction's schedule the undelivered events too. */
const replayable = (letter: DeadLetter, stage: RedriveStage): boolean =>
  letter.kind === "failed-invocation" || (stage === "compaction-schedule" && letter.kind === "undelivered-event");

const describeFailure = (outcome: InvokeOutcome): string => `${outcome.errorType ?? "Error"}: ${outcome.errorMessage ?? "(no message)"}`;

export async function redrive(access: PipelineAccess, target: PipelineTarget, options: RedriveOptions): Promise<RedriveSummary> {
  if (!Number.isSafeInteger(options.max) || options.max < 1) throw new RangeError(`max must be a positive integer, got ${options.max}`);
  const queueUrl = queueOf(target, options.stage);
  const now = options.now ?? (() => new Date());
  const missedTicks = options.stage === "ingestion" || options.stage === "schedule";
  const seen = new Set<string>();
  const outcomes: LetterOutcome[] = [];
  const toRelease: QueueMessage[] = [];
  const report = (outcome: LetterOutcome): void => {
    outcomes.push(outcome);
    options.onLetter?.(outcome);
  };

  /** The next messages not seen yet in this run; [] when the queue has none left. */
  const receive = async (count: number): Promise<QueueMessage[]> => {
    const visibility = options.dryRun ? DRY_RUN_VISIBILITY_SECONDS : IN_FLIGHT_VISIBILITY_SECONDS;
    const fresh = (await access.receiveMessages(queueUrl, count, visibility)).filter((message) => !seen.has(message.messageId));
    for (const message of fresh) seen.add(message.messageId);
    return fresh;
  };

  try {
    if (!missedTicks) {
      // One message at a time when acting, so none waits invisible behind another's invocation.
      while (outcomes.length < options.max) {
        const batch = await receive(options.dryRun ? 10 : 1);
        if (batch.length === 0) break;
        for (const message of batch) {
          if (outcomes.length >= options.max) {
            toRelease.push(message);
            continue;
          }
          const letter = readDeadLetter(message, options.stage);
          if (!replayable(letter, options.stage) || options.dryRun) {
            toRelease.push(message);
            report({ letter, action: replayable(letter, options.stage) ? "kept" : "unreadable" });
            continue;
          }
          const payload = options.force ? { ...(letter.payload as object), force: true } : letter.payload;
          let outcome: InvokeOutcome;
          try {
            outcome = await access.invoke(invokedStage(options.stage), payload);
          } catch (error) {
            outcome = { ok: false, errorType: "InvokeFailed", errorMessage: describeError(error) };
          }
          if (outcome.ok) {
            await access.deleteMessage(queueUrl, message.receiptHandle);
            report({ letter, action: "redriven" });
          } else {
            toRelease.push(message);
            report({ letter, action: "failed", error: describeFailure(outcome) });
          }
        }
      }
      return { stage: options.stage, queueUrl, outcomes };
    }

    const letters: DeadLetter[] = [];
    while (letters.length < options.max) {
      const batch = await receive(10);
      if (batch.length === 0) break;
      for (const message of batch) {
        if (letters.length < options.max) letters.push(readDeadLetter(message, options.stage));
        else toRelease.push(message);
      }
    }
    const ticks = letters.filter((letter) => letter.kind !== "unreadable");
    if (options.dryRun || ticks.length === 0) {
      for (const letter of letters) {
        toRelease.push(letter.message);
        report({ letter, action: letter.kind === "unreadable" ? "unreadable" : "kept" });
      }
      return { stage: options.stage, queueUrl, outcomes };
    }
    const checkEvent = {
      version: "0",
      id: randomUUID(),
      "detail-type": "Scheduled Event",
      source: "aws.events",
      time: now()
        .toISOString()
        .replace(/\.\d{3}Z$/, "Z"),
      region: target.region,
      resources: [],
      detail: {},
    };
    let check: InvokeOutcome;
    try {
      check = await access.invoke("ingestion", checkEvent);
    } catch (error) {
      check = { ok: false, errorType: "InvokeFailed", errorMessage: describeError(error) };
    }
    for (const letter of letters) {
      if (letter.kind === "unreadable" || !check.ok) {
        toRelease.push(letter.message);
        report({ letter, action: letter.kind === "unreadable" ? "unreadable" : "kept" });
      } else {
        await access.deleteMessage(queueUrl, letter.message.receiptHandle);
        report({ letter, action: "acknowledged" });
      }
    }
    return {
      stage: options.stage,
      queueUrl,
      outcomes,
      check: check.ok ? { ok: true, result: check.result } : { ok: false, error: describeFailure(check) },
    };
  } finally {
    // What stays in the queue is visible again at once: the alarm keeps counting it, and a rerun finds it.
    for (const message of toRelease) await access.releaseMessage(queueUrl, message.receiptHandle).catch(() => undefined);
  }
}

export const redriveFailed = (summary: RedriveSummary): boolean =>
  summary.outcomes.some((outcome) => outcome.action === "failed") || summary.check?.ok === false;

export function isRedriveStage(stage: string): stage is RedriveStage {
  return (REDRIVE_STAGES as readonly string[]).includes(stage);
}
