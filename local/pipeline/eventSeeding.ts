/**
 * What `npm run invoke` prepares before running one function with an event file: stack-specific
 * names filled in for the placeholders the shipped events use, the OpenSky stand-in given a
 * snapshot, and any object an S3 event names but the fresh stand-ins lack, seeded the way the
 * pipeline itself would have made it: a generated raw snapshot for a raw key, and for a Parquet
 * key a raw snapshot that the processing package then turns into that Parquet file.
 */
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { S3Event } from "aws-lambda";
import { generateSnapshot } from "../../fixtures/snapshotGenerator";
import { decodeS3EventKey, keyForSnapshot, parseSnapshotKey } from "../../handlers/shared/s3Keys";
import type { LocalPipeline } from "./localPipeline";

/** Rows in a seeded raw snapshot: about what a regional bounding box returns, kept small. */
const SEEDED_STATE_COUNT = 400;

/** Placeholders an event file may use instead of a stack's physical names. */
export function eventPlaceholders(pipeline: LocalPipeline): Record<string, string> {
  const { topology } = pipeline;
  const environment = topology.functions.processing.pkg.environment;
  return {
    rawBucket: environment.RAW_BUCKET ?? "",
    processedBucket: environment.PROCESSED_BUCKET ?? "",
    region: topology.region,
    accountId: topology.accountId,
    scheduleRuleArn: topology.schedule?.ruleArn ?? "",
    now: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
  };
}

/** Replaces each `{{name}}` in the event file's text. */
export function fillPlaceholders(text: string, placeholders: Record<string, string>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const value = placeholders[name];
    if (value === undefined)
      throw new Error(
        `the event uses ${whole}, which is not one of ${Object.keys(placeholders)
          .map((key) => `{{${key}}}`)
          .join(", ")}`,
      );
    return value;
  });
}

export function isS3Event(event: unknown): event is S3Event {
  const records = (event as { Records?: unknown }).Records;
  return Array.isArray(records) && records.every((record) => (record as { eventSource?: unknown }).eventSource === "aws:s3");
}

/** Seeds what the records name; returns one line per object seeded. */
export async function seedS3EventObjects(pipeline: LocalPipeline, event: S3Event): Promise<string[]> {
  const seeded: string[] = [];
  for (const record of event.Records) {
    const bucket = record.s3.bucket.name;
    const key = decodeS3EventKey(record.s3.object.key);
    if (!pipeline.topology.buckets.includes(bucket)) {
      throw new Error(
        `the event names bucket ${bucket}, which the ${pipeline.topology.stack} stack does not declare (${pipeline.topology.buckets.join(", ")}); use {{rawBucket}} or {{processedBucket}}`,
      );
    }
    if (await exists(pipeline, bucket, key)) continue;
    const { kind, snapshotTime } = parseSnapshotKey(key);
    if (kind !== "raw" && kind !== "processed") {
      throw new Error(`the event names ${bucket}/${key}, which does not exist; only raw and processed objects are seeded`);
    }
    const rawBucket = pipeline.topology.functions.processing.pkg.environment.RAW_BUCKET as string;
    const rawKey = keyForSnapshot("raw", snapshotTime);
    if (!(await exists(pipeline, rawBucket, rawKey))) {
      const { snapshot } = generateSnapshot({ seed: snapshotTime, stateCount: SEEDED_STATE_COUNT, time: snapshotTime });
      await pipeline.emulators.clients.s3.send(
        new PutObjectCommand({ Bucket: rawBucket, Key: rawKey, Body: JSON.stringify(snapshot), ContentType: "application/json" }),
      );
      seeded.push(`seeded ${rawBucket}/${rawKey}: generated snapshot, ${SEEDED_STATE_COUNT} states`);
    }
    if (kind === "processed") {
      // In fresh stand-ins every object was written during this run, so its event record is at hand.
      const rawRecord = pipeline.emulators.s3.events.find(
        (candidate) => candidate.s3.bucket.name === rawBucket && decodeS3EventKey(candidate.s3.object.key) === rawKey,
      );
      if (!rawRecord) throw new Error(`seeding ${bucket}/${key}: the S3 stand-in recorded no event for ${rawBucket}/${rawKey}`);
      const result = await pipeline.functions.processing.invoke({ Records: [rawRecord] });
      if (!result.ok || !(await exists(pipeline, bucket, key))) {
        throw new Error(`seeding ${bucket}/${key}: the processing package did not produce it (${result.error?.errorMessage ?? "it wrote another key"})`);
      }
      seeded.push(`seeded ${bucket}/${key}: the processing package converted ${rawKey}`);
    }
  }
  return seeded;
}

async function exists(pipeline: LocalPipeline, bucket: string, key: string): Promise<boolean> {
  try {
    await pipeline.emulators.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw error;
  }
}
