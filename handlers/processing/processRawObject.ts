/**
 * Processes one raw snapshot object: claim → read → transform → write → metrics, in the tracked
 * stage skeleton (handlers/shared/trackedStage.ts), so a duplicate delivery does nothing and a
 * failure is recorded before it is rethrown.
 *
 * The quarantine object is written before the Parquet: the Parquet's arrival starts validation,
 * which reads the quarantine counts from it and may point readers at the quarantine object. Both
 * are written only when they differ from what is stored, so a retry fires no second validation.
 * The metrics are published at most once per snapshot and never decide the outcome.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { METRIC } from "../../contract/metricNames";
import { metricTimestamp } from "../shared/metricTimestamp";
import type { MetricsPublisher } from "../shared/metrics";
import { describeError } from "../shared/namedError";
import type { ParquetCompression } from "../shared/parquetCodecs";
import type { S3ObjectRef } from "../shared/s3EventRecords";
import { readObjectBytes, writeObjectIfChanged } from "../shared/s3Objects";
import { processedKeyForRawKey, snapshotIdForTime, snapshotTimeFromKey } from "../shared/s3Keys";
import type { ProcessingSettings } from "../shared/settings";
import type { Claim, OutcomeInput } from "../shared/tracking";
import { publishSnapshotMetrics, runClaimedStage, type StageRuntime } from "../shared/trackedStage";
import { unreadableSnapshot, type SnapshotTransformer } from "./transformSnapshot";

export interface ProcessingServices {
  runtime: StageRuntime;
  settings: ProcessingSettings;
  compression: ParquetCompression;
  /** From createSnapshotTransformer, built once per container. */
  transform: SnapshotTransformer;
  s3: S3Client;
  metrics: MetricsPublisher;
  clock: () => Date;
}

export interface ProcessedSnapshot {
  rawKey: string;
  processedKey: string;
  /** Absent when every row was typed. */
  quarantineKey?: string;
  inputRows: number;
  writtenRows: number;
  quarantinedRows: number;
  /** False when the processed object already held these exact bytes. */
  wroteParquet: boolean;
  /** Set when this delivery did nothing: the snapshot was processed, or is being processed by another invocation. */
  duplicate?: "done" | "busy";
}

function duplicateResult(rawKey: string, claim: Exclude<Claim, { kind: "acquired" }>): ProcessedSnapshot {
  const counts = claim.kind === "done" ? claim.record.counts : {};
  const quarantinedRows = (counts.quarantinedRowShape ?? 0) + (counts.quarantinedFieldType ?? 0);
  const quarantineKey = claim.kind === "done" ? claim.record.s3Keys.quarantine : undefined;
  return {
    rawKey,
    processedKey: processedKeyForRawKey(rawKey),
    ...(quarantineKey === undefined ? {} : { quarantineKey }),
    inputRows: counts.inputRows ?? 0,
    writtenRows: counts.writtenRows ?? 0,
    quarantinedRows,
    wroteParquet: false,
    duplicate: claim.kind,
  };
}

export async function processRawObject(services: ProcessingServices, object: S3ObjectRef): Promise<ProcessedSnapshot> {
  const { settings, s3, runtime } = services;
  const rawKey = object.key;
  let snapshotTime: number;
  try {
    snapshotTime = snapshotTimeFromKey(rawKey);
  } catch (error) {
    throw unreadableSnapshot(rawKey, describeError(error));
  }
  return runClaimedStage(
    runtime,
    {
      snapshotId: snapshotIdForTime(snapshotTime),
      requestId: object.requestId,
      input: object.eTag,
      s3Keys: { raw: rawKey },
      ...(object.force ? { force: true } : {}),
    },
    {
      duplicate: (claim) => duplicateResult(rawKey, claim),
      async run(run, stageLogger): Promise<{ result: ProcessedSnapshot; outcome: OutcomeInput }> {
        const logger = stageLogger.child({ rawKey });
        const transformed = services.transform(rawKey, await readObjectBytes(s3, object.bucket, rawKey));
        const { metadata, parquet, quarantine } = transformed;
        const quarantinedRows = metadata.quarantinedRowShape + metadata.quarantinedFieldType;
        if (quarantine !== undefined) await writeObjectIfChanged(s3, settings.processedBucket, quarantine);
        const wroteParquet = await writeObjectIfChanged(s3, settings.processedBucket, parquet);
        const metrics = await publishSnapshotMetrics(services.metrics, logger, run.claimMetrics, [
          {
            name: METRIC.quarantinedRows,
            value: quarantinedRows,
            unit: "Count",
            timestamp: metricTimestamp(snapshotTime, services.clock()),
          },
        ]);
        logger[quarantinedRows > 0 ? "warn" : "info"]("processed snapshot", {
          ...metadata,
          processedKey: parquet.key,
          wroteParquet,
          metrics,
        });
        return {
          result: {
            rawKey,
            processedKey: parquet.key,
            ...(quarantine === undefined ? {} : { quarantineKey: quarantine.key }),
            inputRows: metadata.inputRows,
            writtenRows: metadata.writtenRows,
            quarantinedRows,
            wroteParquet,
          },
          outcome: {
            status: "succeeded",
            counts: {
              inputRows: metadata.inputRows,
              writtenRows: metadata.writtenRows,
              quarantinedRowShape: metadata.quarantinedRowShape,
              quarantinedFieldType: metadata.quarantinedFieldType,
              parquetBytes: parquet.body.length,
            },
            s3Keys: quarantine === undefined ? { processed: parquet.key } : { processed: parquet.key, quarantine: quarantine.key },
            details: { codec: services.compression.codec, wroteParquet, metrics },
          },
        };
      },
    },
  );
}
