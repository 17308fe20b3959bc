/**
 * The compaction Lambda: merges each requested UTC day's processed snapshot files into one Parquet
 * file under compacted/states/, sorted by icao24 then snapshot_time, and the day's validation
 * reports into one JSON-lines file under compacted/quality/. The daily schedule asks for the day
 * that just ended and the lookback days before it; a day whose inputs are unchanged since its file
 * was made costs a listing and a HEAD. A backfill invokes it with {"days": [...]} or {"from", "to"}.
 *
 * Days are compacted one after another, so one day's rows are garbage before the next is read.
 * A day that fails does not stop the others; the invocation then fails naming it, and Lambda's
 * retry compacts only what is still to do. An invocation that runs short of time stops between
 * days, with CompactionOutOfTimeError, for the retry to carry on.
 *
 * `compactionHandlerFromEnvironment` is the callbackFactory the component serializes: it runs once
 * per container, reading the settings and building the clients and the encoder there.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { awsClientOptions, SDK_REQUEST_TIMEOUT_MS, withDeadline } from "../shared/invocationDeadline";
import type { Logger } from "../shared/logger";
import { describeError, namedError } from "../shared/namedError";
import { parquetCompression } from "../shared/parquetCodecs";
import { invocationRequestId } from "../shared/s3EventRecords";
import type { UtcDay } from "../shared/s3Keys";
import { createStageRuntime } from "../shared/stageRuntime";
import { deadlineBoundHandler, type InvocationContext } from "../shared/trackedStage";
import { compactDay, type CompactionServices, type DayOutcome } from "./compactDay";
import { readCompactionSettings, type CompactionSettings } from "./compactionSettings";
import { requestedDays } from "./compactionRequest";
import { createCompactionTracking } from "./compactionTracking";
import { createCompactedFileWriter } from "./compactedFile";
import { createDayRows } from "./dayRows";
import { createProcessedFileDecoder } from "./processedFileDecoder";

export type { DayOutcome } from "./compactDay";

/** A day is not started with less time than this left: several times what a global day's merge takes (docs/performance.md), before its S3 reads and writes. */
export const DAY_TIME_RESERVE_MS = 60_000;

export interface CompactionDependencies {
  settings: CompactionSettings;
  s3: S3Client;
  dynamodb: DynamoDBClient;
  clock?: () => Date;
  logger?: Logger;
  /** Kept back at the end of each invocation to record a failure. */
  reserveMs?: number;
}

export interface CompactionResult {
  days: DayOutcome[];
}

export type CompactionHandler = (event: unknown, context?: InvocationContext) => Promise<CompactionResult>;

export function createCompactionHandler(deps: CompactionDependencies): CompactionHandler {
  const { settings } = deps;
  const clock = deps.clock ?? (() => new Date());
  const runtime = createStageRuntime({
    stage: "compaction",
    settings,
    dynamodb: deps.dynamodb,
    clock,
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.reserveMs === undefined ? {} : { reserveMs: deps.reserveMs }),
  });
  const { logger } = runtime;
  const services: CompactionServices = {
    settings,
    s3: withDeadline(runtime.tracing.client(deps.s3), runtime.deadline),
    // Resolved now, so a runtime without zstd fails at init rather than on every event.
    compression: parquetCompression(settings.parquetCodec, settings.parquetGzipLevel),
    newDayRows: createDayRows(),
    decode: createProcessedFileDecoder(),
    writeCompactedFile: createCompactedFileWriter(),
    tracking: createCompactionTracking(runtime.tracking),
    runtime,
  };

  return deadlineBoundHandler(runtime, async (event: unknown, context) => {
    const requestId = invocationRequestId(context);
    const days = requestedDays(event, settings.lookbackDays, clock());
    logger.info("compacting", { days });
    const outcomes: DayOutcome[] = [];
    const failures: { day: UtcDay; error: unknown }[] = [];
    for (let index = 0; index < days.length; index++) {
      const remaining = runtime.deadline.workLeftMs();
      if (index > 0 && remaining < DAY_TIME_RESERVE_MS) {
        const left = days.slice(index);
        throw namedError(
          "CompactionOutOfTimeError",
          `${remaining} ms left before the timeout, too little to start ${left[0]}; not compacted: ${left.join(", ")}` +
            (failures.length > 0 ? `; failed: ${failures.map((failure) => failure.day).join(", ")}` : ""),
          { days: left },
        );
      }
      try {
        outcomes.push(await compactDay(services, days[index], requestId));
      } catch (error) {
        failures.push({ day: days[index], error });
      }
    }
    logger.info("compaction finished", {
      outcomes: outcomes.map(({ day, status, rows }) => ({ day, status, rows })),
      failed: failures.map((failure) => failure.day),
    });
    if (failures.length === 1) throw failures[0].error;
    if (failures.length > 1) {
      throw namedError(
        "CompactionFailedError",
        `${failures.length} days failed: ${failures.map((failure) => `${failure.day}: ${describeError(failure.error)}`).join("; ")}`,
        { days: failures.map((failure) => failure.day) },
      );
    }
    return { days: outcomes };
  });
}

/**
 * The callbackFactory for `aws.lambda.CallbackFunction`: runs once per container. The SDK clients
 * take region, credentials and any AWS_ENDPOINT_URL_<SERVICE> override from the environment.
 */
export function compactionHandlerFromEnvironment(): CompactionHandler {
  const clientOptions = awsClientOptions(SDK_REQUEST_TIMEOUT_MS);
  return createCompactionHandler({
    settings: readCompactionSettings(process.env),
    s3: new S3Client(clientOptions),
    dynamodb: new DynamoDBClient(clientOptions),
  });
}
