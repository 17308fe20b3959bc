/**
 * Processes one raw snapshot object: read → transform → write → count → track.
 *
 * The quarantine object is written before the Parquet: the Parquet's arrival starts validation,
 * which reads the quarantine counts from it and may point readers at the quarantine object.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { METRIC } from "../../contract/metricNames";
import type { Logger } from "../shared/logger";
import { metricTimestamp } from "../shared/metricTimestamp";
import type { MetricsPublisher } from "../shared/metrics";
import type { ParquetCompression } from "../shared/parquetCodecs";
import { readObjectBytes, writeObject, writeObjectIfChanged } from "../shared/s3Objects";
import { snapshotIdForTime, snapshotTimeFromKey } from "../shared/s3Keys";
import type { ProcessingSettings } from "../shared/settings";
import type { TrackingStore } from "../shared/tracking";
import { unreadableSnapshot, type SnapshotTransformer } from "./transformSnapshot";

export interface ProcessingServices {
  settings: ProcessingSettings;
  compression: ParquetCompression;
  /** From createSnapshotTransformer, built once per container. */
  transform: SnapshotTransformer;
  s3: S3Client;
  tracking: TrackingStore;
  metrics: MetricsPublisher;
  logger: Logger;
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
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export async function processRawObject(
  services: ProcessingServices,
  bucket: string,
  rawKey: string,
  requestId: string | undefined,
): Promise<ProcessedSnapshot> {
  const { settings, s3 } = services;
  let snapshotTime: number;
  try {
    snapshotTime = snapshotTimeFromKey(rawKey);
  } catch (error) {
    throw unreadableSnapshot(rawKey, messageOf(error));
  }
  const snapshotId = snapshotIdForTime(snapshotTime);
  const logger = services.logger.child({ snapshotId, rawKey });
  const run = await services.tracking.start({
    snapshotId,
    stage: "processing",
    s3Keys: { raw: rawKey },
    ...(requestId === undefined ? {} : { requestId }),
  });
  try {
    const transformed = services.transform(rawKey, await readObjectBytes(s3, bucket, rawKey));
    const { metadata, parquet, quarantine } = transformed;
    const quarantinedRows = metadata.quarantinedRowShape + metadata.quarantinedFieldType;
    if (quarantine !== undefined) await writeObject(s3, settings.processedBucket, quarantine);
    const wroteParquet = await writeObjectIfChanged(s3, settings.processedBucket, parquet);
    await services.metrics.publish([
      { name: METRIC.quarantinedRows, value: quarantinedRows, unit: "Count", timestamp: metricTimestamp(snapshotTime, services.clock()) },
    ]);
    await run.finish({
      status: "succeeded",
      counts: {
        inputRows: metadata.inputRows,
        writtenRows: metadata.writtenRows,
        quarantinedRowShape: metadata.quarantinedRowShape,
        quarantinedFieldType: metadata.quarantinedFieldType,
        parquetBytes: parquet.body.length,
      },
      s3Keys: quarantine === undefined ? { processed: parquet.key } : { processed: parquet.key, quarantine: quarantine.key },
      details: { codec: services.compression.codec, wroteParquet },
    });
    logger[quarantinedRows > 0 ? "warn" : "info"]("processed snapshot", { ...metadata, processedKey: parquet.key, wroteParquet });
    return {
      rawKey,
      processedKey: parquet.key,
      ...(quarantine === undefined ? {} : { quarantineKey: quarantine.key }),
      inputRows: metadata.inputRows,
      writtenRows: metadata.writtenRows,
      quarantinedRows,
      wroteParquet,
    };
  } catch (error) {
    logger.error("processing failed", { error });
    await run
      .finish({ status: "failed", errorMessage: messageOf(error) })
      .catch((trackingError: unknown) => logger.error("could not record the failure in the tracking table", { error: trackingError }));
    throw error;
  }
}
