/**
 * Decodes a processed snapshot file into the form the day's rows are stored in, without the
 * general reader's per-value objects: numbers straight from the page bytes into a Float64Array
 * (timestamps stay whole milliseconds), strings straight from their bytes to the day's ids, nulls
 * from the definition levels. It reads what processing writes (flat columns in DATA_PAGE_V2 pages,
 * PLAIN, RLE or dictionary encoded, any of the stack's codecs) and declines anything else by
 * returning undefined, before the day's rows are touched, so the caller can fall back to hyparquet.
 * Page headers, decompression and the RLE/bit-packed runs are hyparquet's own. Why the general
 * reader is not enough: docs/performance.md, compaction.
 */
import type { ColumnChunk, CompressionCodec, FileMetaData } from "hyparquet";
// Named, not destructured: hyparquet-writer has modules of the same file names, which the
// serializer would otherwise confuse with these (docs/serialization.md).
import hyparquetColumn = require("hyparquet/src/column.js");
import hyparquetPages = require("hyparquet/src/datapage.js");
import hyparquetRuns = require("hyparquet/src/encoding.js");
import { PARQUET_DECOMPRESSORS } from "../shared/parquetCodecs";
import { PARQUET_SCHEMA } from "../shared/parquetSchema";
import { PARQUET_COLUMNS, type StateVectorField } from "../shared/stateVector";
import type { StringInterner } from "./stringInterner";

/** One column of a file, in the row store's terms. */
export type DecodedColumn =
  /** `values` holds the non-null values only, in row order; `present` is absent for a required column. */
  | { kind: "number"; present: Uint8Array | undefined; values: Float64Array }
  | { kind: "boolean"; values: Uint8Array }
  | { kind: "string"; present: Uint8Array | undefined; ids: Int32Array };

export interface DecodedFile {
  rows: number;
  /** In PARQUET_COLUMNS order. */
  columns: DecodedColumn[];
}

/** `interners` holds one per string column, in PARQUET_COLUMNS order. */
export type ProcessedFileDecoder = (bytes: Uint8Array, metadata: FileMetaData, interners: readonly StringInterner[]) => DecodedFile | undefined;

/** Thrown inside the decoder for a page it does not read; caught there and turned into undefined. */
const DECLINED = "ProcessedFileDecoderDeclined";

/**
 * Built once per container, as per-value code must be (docs/serialization.md).
 */
export function createProcessedFileDecoder(): ProcessedFileDecoder {
  const TWO_TO_32 = 2 ** 32;
  const fields = PARQUET_COLUMNS;
  const leaves = PARQUET_SCHEMA.slice(1);
  const readable = ["PLAIN", "RLE", "RLE_DICTIONARY", "PLAIN_DICTIONARY"];
  const decompressors = PARQUET_DECOMPRESSORS;
  const stringSlots = fields.map((field) => fields.filter((other) => other.type === "string").indexOf(field));

  function decline(why: string): never {
    const error = new Error(why);
    error.name = DECLINED;
    throw error;
  }

  function checkSchema(metadata: FileMetaData): void {
    const schema = metadata.schema.slice(1);
    const matches =
      schema.length === leaves.length &&
      leaves.every((leaf, i) => schema[i].name === leaf.name && schema[i].type === leaf.type && schema[i].repetition_type === leaf.repetition_type);
    if (!matches) decline("the file's schema is not the pipeline's, column for column");
  }

  function viewOf(bytes: Uint8Array): DataView {
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  function bufferOf(bytes: Uint8Array): Buffer {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** `count` PLAIN numbers of a physical type from `view` at `offset` into `target` at `at`. */
  function plainNumbers(view: DataView, offset: number, type: string, count: number, target: Float64Array, at: number): void {
    if (type === "DOUBLE") {
      for (let i = 0; i < count; i++) target[at + i] = view.getFloat64(offset + i * 8, true);
    } else if (type === "INT32") {
      for (let i = 0; i < count; i++) target[at + i] = view.getInt32(offset + i * 4, true);
    } else if (type === "INT64") {
      // Whole milliseconds within ±2^53: two halves, without BigInt.
      for (let i = 0; i < count; i++) target[at + i] = view.getInt32(offset + i * 8 + 4, true) * TWO_TO_32 + view.getUint32(offset + i * 8, true);
    } else decline(`physical type ${type}`);
  }

  function plainStrings(page: Uint8Array, count: number, interner: StringInterner, target: Int32Array, at: number): void {
    const view = viewOf(page);
    const buffer = bufferOf(page);
    let offset = 0;
    for (let i = 0; i < count; i++) {
      const length = view.getUint32(offset, true);
      target[at + i] = interner.idOfBytes(buffer, offset + 4, length);
      offset += 4 + length;
    }
  }

  /** The dictionary's entries: numbers, or the day's ids of its strings. */
  function dictionaryOf(page: Uint8Array, count: number, type: string | undefined, interner: StringInterner | undefined): Float64Array | Int32Array {
    if (interner !== undefined) {
      const ids = new Int32Array(count);
      plainStrings(page, count, interner, ids, 0);
      return ids;
    }
    const values = new Float64Array(count);
    plainNumbers(viewOf(page), 0, type ?? "", count, values, 0);
    return values;
  }

  function indexesOf(page: Uint8Array, count: number): Int32Array {
    const indexes = new Int32Array(count);
    if (count > 0) hyparquetRuns.readRleBitPackedHybrid({ view: viewOf(page), offset: 1 }, page[0], indexes, page.length - 1);
    return indexes;
  }

  function decodeColumn(
    bytes: Uint8Array,
    metadata: FileMetaData,
    index: number,
    field: StateVectorField,
    interner: StringInterner | undefined,
  ): DecodedColumn {
    const rows = Number(metadata.num_rows);
    const present = field.nullable ? new Uint8Array(rows) : undefined;
    const numbers = field.type === "string" || field.type === "boolean" ? undefined : new Float64Array(rows);
    const booleans = field.type === "boolean" ? new Uint8Array(rows) : undefined;
    const ids = interner === undefined ? undefined : new Int32Array(rows);
    const type = leaves[index].type;
    let row = 0;
    let valueCount = 0;

    for (const group of metadata.row_groups) {
      const chunk: ColumnChunk | undefined = group.columns[index];
      const meta = chunk?.meta_data;
      if (meta === undefined || meta.path_in_schema.join(".") !== field.name) decline(`row group without column ${field.name}`);
      if (!meta.encodings.every((encoding) => readable.includes(encoding))) decline(`encodings ${meta.encodings.join(", ")}`);
      const codec: CompressionCodec = meta.codec;
      const groupEnd = row + Number(group.num_rows);
      let offset = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
      let dictionary: Float64Array | Int32Array | undefined;
      while (row < groupEnd) {
        const reader = { view: viewOf(bytes), offset };
        const header = hyparquetColumn.parquetHeader(reader);
        const pageStart = reader.offset;
        offset = pageStart + header.compressed_page_size;
        const pageBytes = bytes.subarray(pageStart, offset);
        if (header.type === "DICTIONARY_PAGE") {
          const count = header.dictionary_page_header?.num_values ?? 0;
          dictionary = dictionaryOf(hyparquetPages.decompressPage(pageBytes, header.uncompressed_page_size, codec, decompressors), count, type, interner);
          continue;
        }
        const page = header.data_page_header_v2;
        if (header.type !== "DATA_PAGE_V2" || page === undefined || page.repetition_levels_byte_length !== 0) decline(`a ${header.type} page`);
        const pageRows = page.num_rows;
        const nonNull = page.num_values - page.num_nulls;
        const levelsLength = page.definition_levels_byte_length;
        if (present !== undefined) {
          const target = present.subarray(row, row + pageRows);
          if (levelsLength > 0) hyparquetRuns.readRleBitPackedHybrid({ view: viewOf(pageBytes), offset: 0 }, 1, target, levelsLength);
          else if (page.num_nulls === 0) target.fill(1);
          else decline("nulls without definition levels");
        } else if (levelsLength > 0 || page.num_nulls > 0) decline(`nulls in required column ${field.name}`);
        const compressed = pageBytes.subarray(levelsLength);
        const values = page.is_compressed
          ? hyparquetPages.decompressPage(compressed, header.uncompressed_page_size - levelsLength, codec, decompressors)
          : compressed;

        if (booleans !== undefined) {
          const target = booleans.subarray(row, row + pageRows);
          if (page.encoding === "RLE") hyparquetRuns.readRleBitPackedHybrid({ view: viewOf(values), offset: 0 }, 1, target);
          else if (page.encoding === "PLAIN") for (let i = 0; i < pageRows; i++) target[i] = (values[i >> 3] >> (i & 7)) & 1;
          else decline(`boolean encoding ${page.encoding}`);
        } else if (page.encoding === "PLAIN") {
          if (ids !== undefined && interner !== undefined) plainStrings(values, nonNull, interner, ids, valueCount);
          else if (numbers !== undefined) plainNumbers(viewOf(values), 0, type ?? "", nonNull, numbers, valueCount);
        } else if (page.encoding === "RLE_DICTIONARY" || page.encoding === "PLAIN_DICTIONARY") {
          if (dictionary === undefined) decline("dictionary indexes without a dictionary page");
          const indexes = indexesOf(values, nonNull);
          const target = (ids ?? numbers) as Int32Array | Float64Array;
          for (let i = 0; i < nonNull; i++) target[valueCount + i] = dictionary[indexes[i]];
        } else decline(`value encoding ${page.encoding}`);
        row += pageRows;
        valueCount += nonNull;
      }
    }
    if (booleans !== undefined) return { kind: "boolean", values: booleans };
    if (ids !== undefined) return { kind: "string", present, ids: ids.subarray(0, valueCount) };
    return { kind: "number", present, values: (numbers as Float64Array).subarray(0, valueCount) };
  }

  return (bytes, metadata, interners) => {
    try {
      checkSchema(metadata);
      const columns = fields.map((field, index) =>
        decodeColumn(bytes, metadata, index, field, stringSlots[index] >= 0 ? interners[stringSlots[index]] : undefined),
      );
      return { rows: Number(metadata.num_rows), columns };
    } catch (error) {
      if (error instanceof Error && error.name === DECLINED) return undefined;
      throw error;
    }
  };
}
