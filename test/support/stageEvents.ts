/**
 * What the processing and validation tests share: writing an object to the S3 emulator and
 * taking the event record it fired (key URL-encoded as Lambda receives it), listing keys, and
 * snapshot times recent enough for CloudWatch to accept their metrics.
 */
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { S3Event, S3EventRecord } from "aws-lambda";
import type { S3Emulator } from "../../emulators";

/** Five minutes apart, starting a day ago: each call gets a snapshot no other test uses. */
let lastSnapshotTime = Math.floor(Date.now() / 1000 / 300) * 300 - 86_400;
export function nextSnapshotTime(): number {
  lastSnapshotTime += 300;
  return lastSnapshotTime;
}

export async function putAndCaptureEvent(s3: S3Client, emulator: S3Emulator, bucket: string, key: string, body: string | Uint8Array): Promise<S3EventRecord> {
  const captured: S3EventRecord[] = [];
  const unsubscribe = emulator.onEvent((event) => captured.push(...event.Records));
  try {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  } finally {
    unsubscribe();
  }
  const record = captured.find((candidate) => candidate.s3.bucket.name === bucket);
  if (record === undefined) throw new Error(`the S3 emulator fired no event for ${bucket}/${key}`);
  return record;
}

export const eventOf = (...records: S3EventRecord[]): S3Event => ({ Records: records });

export async function listKeys(s3: S3Client, bucket: string, prefix = ""): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((object) => object.Key ?? "").sort();
}

/** ObjectCreated records the emulator has fired so far for keys under `prefix` in `bucket`. */
export function createdEvents(emulator: S3Emulator, bucket: string, prefix: string): number {
  return emulator.events.filter((record) => record.s3.bucket.name === bucket && decodeURIComponent(record.s3.object.key).startsWith(prefix)).length;
}
