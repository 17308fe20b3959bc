/**
 * Compacts one UTC day: list its processed files and reports → nothing to do when the daily file
 * was made from exactly these → count the rows from the footers and refuse a day too large for the
 * memory → read the files in snapshot order into the day's rows → write the daily Parquet, sorted
 * by icao24 then snapshot_time, and the day's quality lines → track it.
 *
 * A daily file is only ever replaced by one made from at least the snapshots it holds: when some
 * of them are gone from processed/ (retention expired them) the file is kept as it is, and if new
 * snapshots arrived as well the day fails with CompactionInputsMissingError rather than lose rows.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { Logger } from "../shared/logger";
import { namedError } from "../shared/namedError";
import { failureRecorded, type StageRuntime } from "../shared/trackedStage";
import type { ParquetCompression } from "../shared/parquetCodecs";
import { readObjectBytes } from "../shared/s3Objects";
import { compactedQualityKey, compactedStatesKey, type UtcDay } from "../shared/s3Keys";
import { checkRowBudget } from "./compactionBudget";
import type { CompactionSettings } from "./compactionSettings";
import {
  headObject,
  INPUTS_HASH_METADATA,
  mapConcurrently,
  readParquetFooter,
  writeCompactedObject,
  type StoredObject,
  type WriteOutcome,
} from "./compactionStorage";
import type { CompactionTracking } from "./compactionTracking";
import { COMPACTED_METADATA_KEYS, type CompactedFileWriter } from "./compactedFile";
import { listDayInputs, type DayInputs, type DayObject } from "./dayInputs";
import type { DayRowsFactory } from "./dayRows";
import type { ProcessedFileDecoder } from "./processedFileDecoder";
import { addProcessedFile } from "./processedFileReader";
import { qualityRollup } from "./qualityRollup";

/** S3 requests in flight at once for one day. */
const CONCURRENT_REQUESTS = 16;

export interface CompactionServices {
  settings: CompactionSettings;
  s3: S3Client;
  compression: ParquetCompression;
  /** Built once per container (createDayRows, createProcessedFileDecoder, createCompactedFileWriter). */
  newDayRows: DayRowsFactory;
  decode: ProcessedFileDecoder;
  writeCompactedFile: CompactedFileWriter;
  tracking: CompactionTracking;
  runtime: StageRuntime;
}

export type DayStatus =
  /** The daily file was (re)made. */
  | "compacted"
  /** The daily file was made from exactly the objects listed now. */
  | "unchanged"
  /** Another invocation is compacting the day right now. */
  | "busy"
  /** No processed snapshot for the day. */
  | "no-input"
  /** Snapshots the daily file holds are gone from processed/ and none is new: the file is kept. */
  | "inputs-expired";

export interface DayOutcome {
  day: UtcDay;
  status: DayStatus;
  inputFiles: number;
  reports: number;
  statesKey: string;
  rows?: number;
  rowGroups?: number;
  bytes?: number;
  /** What happened to the daily Parquet object. */
  write?: WriteOutcome;
  qualityKey?: string;
}

/** The snapshot times a daily file says it holds. */
async function compactedSnapshotTimes(services: CompactionServices, key: string, existing: StoredObject): Promise<number[]> {
  const footer = await readParquetFooter(services.s3, services.settings.processedBucket, key, existing.size);
  const recorded = footer.key_value_metadata?.find((entry) => entry.key === COMPACTED_METADATA_KEYS.snapshotTimes)?.value;
  const times: unknown = recorded === undefined ? undefined : JSON.parse(recorded);
  if (!Array.isArray(times) || !times.every((time) => Number.isSafeInteger(time))) {
    throw new Error(`s3://${services.settings.processedBucket}/${key} does not record the snapshots it holds (${COMPACTED_METADATA_KEYS.snapshotTimes})`);
  }
  return times as number[];
}

/** Reads each file, `CONCURRENT_REQUESTS` ahead, and hands the bytes over in the files' order. */
async function readInOrder(
  services: CompactionServices,
  files: readonly DayObject[],
  consume: (file: DayObject, bytes: Uint8Array) => Promise<void>,
): Promise<void> {
  const { s3, settings } = services;
  const pending: Promise<Uint8Array>[] = [];
  const fetch = (index: number) => {
    const reading = readObjectBytes(s3, settings.processedBucket, files[index].key);
    // Handled when awaited below; until then a rejection must not count as unhandled.
    reading.catch(() => undefined);
    pending[index] = reading;
  };
  for (let index = 0; index < Math.min(CONCURRENT_REQUESTS, files.length); index++) fetch(index);
  for (let index = 0; index < files.length; index++) {
    const bytes = await pending[index];
    delete pending[index];
    if (index + CONCURRENT_REQUESTS < files.length) fetch(index + CONCURRENT_REQUESTS);
    await consume(files[index], bytes);
  }
}

async function readReports(services: CompactionServices, reports: readonly DayObject[]): Promise<{ key: string; text: string }[]> {
  const { s3, settings } = services;
  return mapConcurrently(reports, CONCURRENT_REQUESTS, async (report) => ({
    key: report.key,
    text: Buffer.from(await readObjectBytes(s3, settings.processedBucket, report.key)).toString("utf8"),
  }));
}

async function compact(
  services: CompactionServices,
  inputs: DayInputs,
  statesKey: string,
  existing: StoredObject | undefined,
  logger: Logger,
): Promise<DayOutcome> {
  const { s3, settings, compression } = services;
  const { day, processed } = inputs;
  const footers = await mapConcurrently(processed, CONCURRENT_REQUESTS, (file) => readParquetFooter(s3, settings.processedBucket, file.key, file.size));
  const rowCount = footers.reduce((sum, footer) => sum + Number(footer.num_rows), 0);
  checkRowBudget(day, rowCount, processed.length, settings.memorySizeMb);

  const rows = services.newDayRows(rowCount);
  await readInOrder(services, processed, async (file, bytes) => {
    const path = await addProcessedFile(rows, services.decode, bytes, file.key, file.snapshotTime);
    if (path === "hyparquet") logger.warn("read a processed file with hyparquet: its layout is not the one processing writes", { key: file.key });
  });
  const file = services.writeCompactedFile({
    day,
    rows,
    snapshotTimes: processed.map((object) => object.snapshotTime),
    compression,
    rowGroupSize: settings.rowGroupSize,
  });
  const write = await writeCompactedObject(
    s3,
    settings.processedBucket,
    { key: statesKey, body: file.bytes, contentType: "application/vnd.apache.parquet", inputsHash: inputs.fingerprint },
    existing,
  );

  const qualityKey = compactedQualityKey(day);
  const rollup = qualityRollup(day, await readReports(services, inputs.reports));
  if (rollup.unreadable.length > 0) logger.warn("validation reports left out of the day's quality lines", { keys: rollup.unreadable });
  await writeCompactedObject(
    s3,
    settings.processedBucket,
    { key: qualityKey, body: rollup.body, contentType: "application/x-ndjson", inputsHash: inputs.fingerprint },
    await headObject(s3, settings.processedBucket, qualityKey),
  );
  return {
    day,
    status: "compacted",
    inputFiles: processed.length,
    reports: rollup.lines,
    statesKey,
    rows: rows.rowCount,
    rowGroups: file.rowGroups,
    bytes: file.bytes.length,
    write,
    qualityKey,
  };
}

export async function compactDay(services: CompactionServices, day: UtcDay, requestId: string): Promise<DayOutcome> {
  const { s3, settings, runtime } = services;
  const logger = runtime.logger.child({ day, requestId });
  const statesKey = compactedStatesKey(day);
  const inputs = await listDayInputs(s3, settings.processedBucket, day);
  if (inputs.ignoredKeys.length > 0)
    logger.warn("objects under the day's prefixes that are not pipeline keys were left out", { keys: inputs.ignoredKeys.slice(0, 20) });
  const base = { day, inputFiles: inputs.processed.length, reports: inputs.reports.length, statesKey };
  if (inputs.processed.length === 0) {
    logger.info("no processed snapshots for the day");
    return { ...base, status: "no-input" };
  }
  const existing = await headObject(s3, settings.processedBucket, statesKey);
  if (existing !== undefined && existing.metadata[INPUTS_HASH_METADATA] === inputs.fingerprint) {
    logger.info("the daily file was made from exactly these objects", { statesKey });
    return { ...base, status: "unchanged" };
  }

  // Until this invocation cannot be running any more: a crashed run's lease lapses by then.
  const claim = await services.tracking.claim(day, inputs.fingerprint, requestId, runtime.deadline.workLeftMs() + 60_000);
  if (claim.kind === "busy") {
    logger.info("another invocation is compacting the day; nothing done");
    return { ...base, status: "busy" };
  }
  const { run } = claim;
  return failureRecorded(
    runtime,
    logger,
    async (): Promise<DayOutcome> => {
      if (existing !== undefined) {
        const current = new Set(inputs.processed.map((file) => file.snapshotTime));
        const recorded = await compactedSnapshotTimes(services, statesKey, existing);
        const missing = recorded.filter((time) => !current.has(time));
        if (missing.length > 0) {
          const recordedSet = new Set(recorded);
          const added = inputs.processed.filter((file) => !recordedSet.has(file.snapshotTime)).map((file) => file.snapshotTime);
          if (added.length > 0) {
            throw namedError(
              "CompactionInputsMissingError",
              `day ${day}: ${added.length} snapshot(s) arrived (${added.slice(0, 5).join(", ")}) but ${missing.length} the daily file holds ` +
                `are gone from processed/ (${missing.slice(0, 5).join(", ")}); compacting now would lose their rows. ` +
                "Restore them (or reprocess their raw objects) and compact the day again",
              { day, missing, added },
            );
          }
          logger.warn("snapshots the daily file holds are gone from processed/ (retention); the file is kept", { missing: missing.length, statesKey });
          await run.succeeded({
            counts: { inputFiles: inputs.processed.length, missingInputs: missing.length },
            s3Keys: { compacted: statesKey },
            details: { outcome: "inputs-expired" },
          });
          return { ...base, status: "inputs-expired" };
        }
      }
      const outcome = await compact(services, inputs, statesKey, existing, logger);
      await run.succeeded({
        counts: {
          inputFiles: outcome.inputFiles,
          reports: outcome.reports,
          rows: outcome.rows ?? 0,
          rowGroups: outcome.rowGroups ?? 0,
          compactedBytes: outcome.bytes ?? 0,
        },
        s3Keys: { compacted: statesKey, quality: outcome.qualityKey ?? "" },
        details: { write: outcome.write ?? "written", codec: services.compression.codec },
      });
      logger.info("compacted the day", { ...outcome });
      return outcome;
    },
    (errorMessage) => run.failed(errorMessage),
  );
}
