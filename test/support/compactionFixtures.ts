/**
 * What the compaction tests share: processed files made by the real processing transformer, rows
 * read back with hyparquet (timestamps as exact milliseconds), the order compaction promises, and
 * a day compacted without S3 through the same pieces the handler uses.
 */
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { createCompactedFileWriter, type CompactedFile } from "../../handlers/compaction/compactedFile";
import { createDayRows } from "../../handlers/compaction/dayRows";
import { createProcessedFileDecoder } from "../../handlers/compaction/processedFileDecoder";
import { addProcessedFile } from "../../handlers/compaction/processedFileReader";
import { transformSnapshot } from "../../handlers/processing/transformSnapshot";
import { parquetCompression, PARQUET_DECOMPRESSORS } from "../../handlers/shared/parquetCodecs";
import { rawKeyForSnapshot } from "../../handlers/shared/s3Keys";
import type { ParquetCodecSetting } from "../../handlers/shared/settings";
import type { RawSnapshot } from "../../handlers/shared/stateVector";
import { readSnapshotParquet } from "../../handlers/validation/parquetReader";

export type Row = Record<string, string | number | boolean | null>;

export function processedFile(raw: RawSnapshot, codec: ParquetCodecSetting = "snappy"): Uint8Array {
  const transformed = transformSnapshot(rawKeyForSnapshot(raw.time), JSON.stringify(raw), { ...parquetCompression(codec, 6), rowGroupSize: 100_000 });
  return transformed.parquet.body as Uint8Array;
}

export const arrayBufferOf = (bytes: Uint8Array): ArrayBuffer => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

/** Every row as a plain object: timestamps as whole milliseconds, absent values as null. */
export async function rowsOf(bytes: Uint8Array): Promise<Row[]> {
  const rows = (await parquetReadObjects({
    file: arrayBufferOf(bytes),
    compressors: PARQUET_DECOMPRESSORS,
    parsers: { timestampFromMilliseconds: (millis: bigint | number) => Number(millis) } as never,
  })) as Record<string, unknown>[];
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([name, value]) => [name, (value ?? null) as Row[string]])));
}

const utf8Compare = (a: string, b: string): number => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));

/** Compaction's order: icao24 by UTF-8 bytes, then snapshot_time, ties in input order. */
export function compactionOrder(rows: readonly Row[]): Row[] {
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => utf8Compare(String(a.row.icao24), String(b.row.icao24)) || Number(a.row.snapshot_time) - Number(b.row.snapshot_time) || a.index - b.index)
    .map(({ row }) => row);
}

export interface CompactOptions {
  codec?: ParquetCodecSetting;
  rowGroupSize?: number;
  /** Read every file with hyparquet, as the handler does for a file the decoder declines. */
  hyparquetOnly?: boolean;
}

/** Files in snapshot-time order → the daily file, as compactDay makes it once the files are read. */
export async function compactFiles(files: readonly Uint8Array[], options: CompactOptions = {}): Promise<CompactedFile & { decoded: number }> {
  const decode = createProcessedFileDecoder();
  const metadata = files.map((bytes) => parquetMetadata(arrayBufferOf(bytes)));
  const rows = createDayRows()(metadata.reduce((sum, footer) => sum + Number(footer.num_rows), 0));
  const times: number[] = [];
  let decoded = 0;
  for (let index = 0; index < files.length; index++) {
    const time = Number(metadata[index].key_value_metadata?.find((entry) => entry.key === "flightdata.snapshot_time")?.value);
    if (options.hyparquetOnly) rows.add((await readSnapshotParquet(files[index])).snapshot);
    else if ((await addProcessedFile(rows, decode, files[index], `processed file ${index}`, time)) === "decoder") decoded++;
    times.push(time);
  }
  const written = createCompactedFileWriter()({
    day: "2026-11-26",
    rows,
    snapshotTimes: times,
    compression: parquetCompression(options.codec ?? "snappy", 6),
    rowGroupSize: options.rowGroupSize ?? 1_000_000,
  });
  return { ...written, decoded };
}
