/**
 * One processed snapshot file into a day's rows: checked to be the snapshot its key names, read by
 * the compaction's own decoder, or by hyparquet (validation's reader) when the decoder declines the
 * file's layout. The handler, the tests and the benchmark all read files through here.
 */
import { parquetMetadata } from "hyparquet";
import { describeError, namedError, type NamedError } from "../shared/namedError";
import { METADATA_KEYS } from "../shared/snapshotMetadata";
import { readSnapshotParquet } from "../validation/parquetReader";
import type { DayRows } from "./dayRows";
import type { ProcessedFileDecoder } from "./processedFileDecoder";

export type UnreadableProcessedFileError = NamedError<"UnreadableProcessedFileError", { key: string }>;

/** How the file was read. */
export type ReadPath = "decoder" | "hyparquet";

export async function addProcessedFile(rows: DayRows, decode: ProcessedFileDecoder, bytes: Uint8Array, key: string, snapshotTime: number): Promise<ReadPath> {
  const problem = (reason: string): UnreadableProcessedFileError =>
    namedError("UnreadableProcessedFileError", `processed file ${key} cannot be compacted: ${reason}`, { key });
  let metadata;
  try {
    metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  } catch (error) {
    throw problem(describeError(error));
  }
  const recordedTime = metadata.key_value_metadata?.find((entry) => entry.key === METADATA_KEYS.snapshotTime)?.value;
  if (recordedTime !== String(snapshotTime)) throw problem(`its metadata gives snapshot time ${JSON.stringify(recordedTime)}, its key ${snapshotTime}`);
  const decoded = decode(bytes, metadata, rows.interners);
  if (decoded !== undefined) {
    rows.addDecoded(decoded);
    return "decoder";
  }
  try {
    rows.add((await readSnapshotParquet(bytes)).snapshot);
  } catch (error) {
    throw problem(describeError(error));
  }
  return "hyparquet";
}
