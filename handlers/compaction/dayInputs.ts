/**
 * What a day's compaction is made from: the day's processed snapshot files and validation
 * reports, as S3 lists them, and a fingerprint of that set. The daily file records the
 * fingerprint; a later run that lists the same keys with the same ETags has nothing to do, and one
 * that finds a new, rewritten or late snapshot compacts the day again.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { contentHash } from "../shared/s3Objects";
import { dayPrefix, parseSnapshotKey, type KeyKind, type UtcDay } from "../shared/s3Keys";
import { listObjects, type ListedObject } from "./compactionStorage";

export interface DayObject extends ListedObject {
  snapshotTime: number;
}

export interface DayInputs {
  day: UtcDay;
  /** Ascending by snapshot time. */
  processed: DayObject[];
  reports: DayObject[];
  /** Keys listed under the day's prefixes that are not pipeline keys of the expected kind. */
  ignoredKeys: string[];
  fingerprint: string;
}

function pipelineObjects(objects: readonly ListedObject[], kind: KeyKind, ignored: string[]): DayObject[] {
  const accepted: DayObject[] = [];
  for (const object of objects) {
    let parsed;
    try {
      parsed = parseSnapshotKey(object.key);
    } catch {
      ignored.push(object.key);
      continue;
    }
    if (parsed.kind === kind) accepted.push({ ...object, snapshotTime: parsed.snapshotTime });
    else ignored.push(object.key);
  }
  return accepted.sort((a, b) => a.snapshotTime - b.snapshotTime);
}

/** Depends on every key and ETag, and on nothing else (not the order S3 lists them in). */
export function inputsFingerprint(processed: readonly ListedObject[], reports: readonly ListedObject[]): string {
  const lines = (kind: string, objects: readonly ListedObject[]) => objects.map((object) => `${kind} ${object.key} ${object.etag}`).sort();
  return contentHash([...lines("processed", processed), ...lines("report", reports)].join("\n"));
}

export async function listDayInputs(s3: S3Client, bucket: string, day: UtcDay): Promise<DayInputs> {
  const [processedListing, reportListing] = await Promise.all([
    listObjects(s3, bucket, dayPrefix("processed", day)),
    listObjects(s3, bucket, dayPrefix("report", day)),
  ]);
  const ignoredKeys: string[] = [];
  const processed = pipelineObjects(processedListing, "processed", ignoredKeys);
  const reports = pipelineObjects(reportListing, "report", ignoredKeys);
  return { day, processed, reports, ignoredKeys, fingerprint: inputsFingerprint(processed, reports) };
}
