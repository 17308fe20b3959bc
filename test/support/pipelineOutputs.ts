/**
 * What the local-run tests read back from a running local pipeline: the keys S3 notified for and
 * the snapshot ids in them, plus a scratch root so tests never touch the user's .local/.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { decodeS3EventKey } from "../../handlers/shared/s3Keys";
import type { LocalPipeline } from "../../local/pipeline/localPipeline";

/** Decoded keys of every ObjectCreated record the S3 stand-in fired, in order, duplicates kept. */
export function createdKeys(pipeline: LocalPipeline, prefix: string): string[] {
  return pipeline.emulators.s3.events
    .filter((record) => record.eventName.startsWith("ObjectCreated:"))
    .map((record) => decodeS3EventKey(record.s3.object.key))
    .filter((key) => key.startsWith(prefix));
}

export function snapshotIdsOf(keys: readonly string[]): string[] {
  return keys.map((key) => /states_(\d+)\.\w+$/.exec(key)?.[1] ?? `unparsable:${key}`).sort();
}

export function scratchLocalRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "local-run-test-"));
}

export function removeScratch(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
