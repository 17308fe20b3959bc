/**
 * One raw snapshot object → the objects processing writes: the Parquet file and, when some rows
 * could not be typed, the quarantine file. Pure, so tests and benchmarks call it without S3.
 */
import { isAscii, isUtf8 } from "buffer";
import { typeSnapshot, type QuarantinedRow, type QuarantineReason, type TypedSnapshot, type TypingResult } from "../shared/columns";
import { describeError, namedError, type NamedError } from "../shared/namedError";
import { parseRawSnapshot } from "../shared/rawSnapshot";
import { processedKeyForRawKey, quarantineKeyForRawKey, snapshotTimeFromKey } from "../shared/s3Keys";
import { SAMPLE_SIZE, metadataToKeyValues, type SnapshotFileMetadata } from "../shared/snapshotMetadata";
import { SCHEMA_VERSION, type RawSnapshot } from "../shared/stateVector";
import { createSnapshotParquetWriter, type ParquetWriteSettings } from "./parquetWriter";
import { createSnapshotScanner, type SnapshotScanner } from "./snapshotScanner";
import { quarantineLines } from "./quarantineFile";
import { type RowSpan, statesRowSpans } from "./statesRowSpans";

/** A raw object that cannot be processed at all; retrying will not help, so it ends in the DLQ. */
export type UnreadableSnapshotError = NamedError<"UnreadableSnapshotError", { key: string; reason: string }>;

export function unreadableSnapshot(key: string, reason: string): UnreadableSnapshotError {
  return namedError("UnreadableSnapshotError", `raw snapshot ${key} cannot be processed: ${reason}`, { key, reason });
}

export interface SnapshotObject {
  key: string;
  body: Uint8Array | string;
  contentType: string;
}

export interface TransformedSnapshot {
  snapshotTime: number;
  metadata: SnapshotFileMetadata;
  parquet: SnapshotObject;
  /** Absent when every row was typed. */
  quarantine?: SnapshotObject;
}

function sampleOf(rows: readonly QuarantinedRow[], reason: QuarantineReason): string[] {
  const sample = new Set<string>();
  for (const row of rows) {
    if (sample.size === SAMPLE_SIZE) break;
    if (row.reason === reason && row.icao24 !== null) sample.add(row.icao24);
  }
  return [...sample];
}

function parseBody(rawKey: string, text: string, keyTime: number, unusable?: ReadonlyMap<number, string>): TypingResult {
  let raw: RawSnapshot;
  try {
    raw = parseRawSnapshot(text);
  } catch (error) {
    throw unreadableSnapshot(rawKey, describeError(error));
  }
  if (raw.time !== keyTime) {
    throw unreadableSnapshot(rawKey, `the body's "time" ${raw.time} differs from the key's ${keyTime}`);
  }
  return typeSnapshot(raw, unusable);
}

const asBuffer = (body: Uint8Array | string): Buffer =>
  typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body.buffer, body.byteOffset, body.byteLength);

/** Every row's place in the bytes; a body whose rows cannot be located is refused. */
function rowSpansOf(rawKey: string, bytes: Buffer, rowCount?: number): RowSpan[] {
  const spans = statesRowSpans(bytes);
  if (spans === undefined || (rowCount !== undefined && spans.length !== rowCount)) {
    throw unreadableSnapshot(
      rawKey,
      `its rows could not be located in its bytes (${spans?.length ?? "no"} found${rowCount === undefined ? "" : `, ${rowCount} parsed`})`,
    );
  }
  return spans;
}

/** Rows whose bytes are not UTF-8, with the reason each is set aside. */
function rowsNotUtf8(rawKey: string, bytes: Buffer): Map<number, string> {
  const unusable = new Map<number, string>();
  rowSpansOf(rawKey, bytes).forEach((span, index) => {
    if (!isUtf8(bytes.subarray(span.start, span.end))) {
      unusable.set(index, `the row's ${span.end - span.start} bytes are not valid UTF-8 text (rowBase64 holds them as sent)`);
    }
  });
  return unusable;
}

/**
 * Body → typed rows, in a function of its own so the text and the parsed JSON (several times the
 * size of the typed columns) are garbage before the Parquet is written. A clean body is scanned
 * straight into the columns; any other takes JSON.parse and typeSnapshot, which say what is wrong.
 * Bytes are checked rather than decoded leniently, which would turn bad bytes into U+FFFD and
 * type the changed text: rows holding bytes that are not UTF-8 are quarantined instead. ASCII,
 * what OpenSky sends, is scanned from the bytes a piece at a time, and decoded as Latin-1 (the
 * same characters, several times faster) only for the JSON.parse path.
 */
function typeBody(rawKey: string, body: Uint8Array | string, keyTime: number, scan: SnapshotScanner): TypingResult {
  if (typeof body === "string") return scan(body, keyTime) ?? parseBody(rawKey, body, keyTime);
  const buffer = asBuffer(body);
  if (isAscii(buffer)) return scan(buffer, keyTime) ?? parseBody(rawKey, buffer.toString("latin1"), keyTime);
  if (!isUtf8(buffer)) return parseBody(rawKey, buffer.toString("utf8"), keyTime, rowsNotUtf8(rawKey, buffer));
  const text = buffer.toString("utf8");
  return scan(text, keyTime) ?? parseBody(rawKey, text, keyTime);
}

/** Typed snapshot columns → Parquet bytes, given the file's key-value metadata. */
export type ParquetEncoder = (snapshot: TypedSnapshot, metadata: Readonly<Record<string, string>>) => Uint8Array;

/** Processing's encoder: one writer, kept, with the stack's codec and row-group size. */
export function createParquetEncoder(settings: Omit<ParquetWriteSettings, "metadata">): ParquetEncoder {
  const write = createSnapshotParquetWriter();
  return (snapshot, metadata) => write(snapshot, { ...settings, metadata });
}

/**
 * `body` as stored: bytes are checked to be UTF-8; a string is taken as already decoded. The
 * encoder is processing's writer; the benchmark passes the generic one it replaced.
 */
export type SnapshotTransformer = (rawKey: string, body: Uint8Array | string) => TransformedSnapshot;

/**
 * Built once per container with its scanner, whose functions then keep their type feedback from
 * snapshot to snapshot (docs/serialization.md).
 */
export function createSnapshotTransformer(encode: ParquetEncoder): SnapshotTransformer {
  const scan = createSnapshotScanner();
  return (rawKey, body) => transform(rawKey, body, scan, encode);
}

function transform(rawKey: string, body: Uint8Array | string, scan: SnapshotScanner, encode: ParquetEncoder): TransformedSnapshot {
  let processedKey: string;
  let quarantineKey: string;
  let keyTime: number;
  try {
    keyTime = snapshotTimeFromKey(rawKey);
    processedKey = processedKeyForRawKey(rawKey);
    quarantineKey = quarantineKeyForRawKey(rawKey);
  } catch (error) {
    throw unreadableSnapshot(rawKey, describeError(error));
  }
  const { snapshot, quarantined, inputRowCount } = typeBody(rawKey, body, keyTime, scan);
  const metadata: SnapshotFileMetadata = {
    sourceKey: rawKey,
    snapshotTime: keyTime,
    schemaVersion: SCHEMA_VERSION,
    inputRows: inputRowCount,
    writtenRows: snapshot.rowCount,
    quarantinedRowShape: quarantined.filter((row) => row.reason === "row-shape").length,
    quarantinedFieldType: quarantined.filter((row) => row.reason === "field-type").length,
    sampleRowShapeIcao24: sampleOf(quarantined, "row-shape"),
    sampleFieldTypeIcao24: sampleOf(quarantined, "field-type"),
    quarantineKey: quarantined.length > 0 ? quarantineKey : null,
  };
  const parquet = encode(snapshot, metadataToKeyValues(metadata));
  const transformed: TransformedSnapshot = {
    snapshotTime: keyTime,
    metadata,
    parquet: { key: processedKey, body: parquet, contentType: "application/vnd.apache.parquet" },
  };
  if (quarantined.length > 0) {
    const bytes = asBuffer(body);
    transformed.quarantine = {
      key: quarantineKey,
      body: quarantineLines(rawKey, quarantined, bytes, rowSpansOf(rawKey, bytes, inputRowCount)),
      contentType: "application/x-ndjson",
    };
  }
  return transformed;
}

/** One snapshot with a transformer of its own; processing keeps one (createSnapshotTransformer). */
export function transformSnapshot(rawKey: string, body: Uint8Array | string, parquetSettings: Omit<ParquetWriteSettings, "metadata">): TransformedSnapshot {
  return createSnapshotTransformer(createParquetEncoder(parquetSettings))(rawKey, body);
}
