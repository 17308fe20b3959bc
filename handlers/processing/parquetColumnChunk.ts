/**
 * One column chunk: an optional dictionary page, then DATA_PAGE_V2 pages of about a megabyte each,
 * and the chunk's metadata. Levels, dictionary indexes and values are encoded from typed arrays;
 * the framing (page headers, RLE/bit-packed hybrid runs) is hyparquet-writer's own, so the
 * bytes are exactly those its generic ParquetWriter writes for the same values (a test holds the two
 * to that), at a fraction of the time and memory.
 */
import type { ColumnChunk, CompressionCodec, Encoding, OffsetIndex } from "hyparquet";
// The class's own file: the package's index loads the whole generic writer, ~30 ms of CPU per cold start.
import { ByteWriter } from "hyparquet-writer/src/bytewriter.js";
import { writePageHeader } from "hyparquet-writer/src/datapage.js";
import { writeRleBitPackedHybrid } from "hyparquet-writer/src/encoding.js";
import type { PageIndexes } from "hyparquet-writer/src/types.js";
import type { StringColumn } from "../shared/columns";
import type { ColumnSource, ColumnValues } from "./parquetColumnSource";
import { createDictionaryBuilders, type Dictionary } from "./parquetDictionary";
import { createPlainEncoders } from "./parquetPlainValues";
import { createChunkStatistics } from "./parquetStatistics";

/** May return a view of a buffer it reuses: the chunk writer appends the result before the next call. */
export type Compressor = (input: Uint8Array) => Uint8Array;

export interface ChunkSettings {
  codec: CompressionCodec;
  /** Snappy included; absent for UNCOMPRESSED. */
  compress: Compressor | undefined;
  /** A data page ends once its values reach this many bytes (estimated as below). */
  pageSize: number;
  /** False weighs every column's whole dictionary instead of first rejecting it on a sample (parquetDictionary.ts). */
  sampleDictionaries: boolean;
}

/** Where a page starts and ends, in rows of the chunk. */
interface Page {
  start: number;
  end: number;
}

/** UTF-8 byte length of each string, and whether all are ASCII. */
interface Utf8Lengths {
  lengths: Int32Array;
  ascii: boolean;
}

/**
 * How the chunk's values are written, decided once per chunk. For strings, `utf8` describes the
 * strings written PLAIN: the dictionary's entries, or the column's values.
 */
type ValueEncoding =
  { encoding: "RLE_DICTIONARY"; dictionary: Dictionary<number> | Dictionary<string>; utf8?: Utf8Lengths } | { encoding: "PLAIN" | "RLE"; utf8?: Utf8Lengths };

export type ColumnChunkWriter = (writer: ByteWriter, column: ColumnSource, settings: ChunkSettings) => PageIndexes;

/**
 * The chunk writer and everything it calls, built once per container (docs/serialization.md).
 */
export function createColumnChunkWriter(): ColumnChunkWriter {
  const { numberDictionary, stringDictionary } = createDictionaryBuilders();
  const { plainBooleans, plainNumbers, plainStrings, utf8Lengths } = createPlainEncoders();
  const chunkStatistics = createChunkStatistics();
  const toBigInt = BigInt;

  // Working arrays kept from chunk to chunk and grown as needed, rather than garbage per chunk.
  let presenceScratch = new Uint8Array(0);
  let indexScratch = new Int32Array(0);

  /** 1 where row i has a value; a view of a working array, valid for the chunk being written. */
  function presence(data: ColumnValues, rows: number): Uint8Array {
    if (presenceScratch.length < rows) presenceScratch = new Uint8Array(rows);
    const present = presenceScratch.subarray(0, rows);
    if (data.kind === "number") {
      for (let i = 0; i < rows; i++) present[i] = data.values[i] === data.values[i] ? 1 : 0;
    } else if (data.kind === "string") {
      // `== null`, not `=== undefined`: docs/serialization.md.
      for (let i = 0; i < rows; i++) present[i] = data.values[i] == null ? 0 : 1;
    } else present.fill(1);
    return present;
  }

  function countOnes(bits: Uint8Array, start: number, end: number): number {
    let count = 0;
    for (let i = start; i < end; i++) count += bits[i];
    return count;
  }

  function chooseEncoding(data: ColumnValues, nonNull: number, sample: boolean): ValueEncoding {
    if (data.kind === "boolean") return { encoding: data.values.length > 16 ? "RLE" : "PLAIN" };
    const dictionary =
      data.kind === "number" ? numberDictionary(data.values, data.type, nonNull, sample) : data.dictionary ? stringDictionary(data.values, sample) : undefined;
    if (data.kind !== "string") return dictionary === undefined ? { encoding: "PLAIN" } : { encoding: "RLE_DICTIONARY", dictionary };
    if (dictionary === undefined) return { encoding: "PLAIN", utf8: utf8Lengths(data.values) };
    return { encoding: "RLE_DICTIONARY", dictionary, utf8: utf8Lengths(dictionary.values as StringColumn) };
  }

  function stringLengths(encoding: ValueEncoding): Utf8Lengths {
    if (encoding.utf8 === undefined) throw new Error("a string column chunk was encoded without its UTF-8 lengths");
    return encoding.utf8;
  }

  /** The values statistics are taken over, and whether they are all ASCII strings. */
  function statisticsInput(data: ColumnValues, encoding: ValueEncoding): { values: Float64Array | readonly number[] | StringColumn; ascii: boolean } {
    const ascii = encoding.utf8?.ascii ?? false;
    if (encoding.encoding === "RLE_DICTIONARY") return { values: encoding.dictionary.values, ascii };
    if (data.kind === "boolean") return { values: [], ascii };
    return { values: data.values, ascii };
  }

  /** Estimated bytes of row i's value as written: 0 for null. */
  function valueSizes(data: ColumnValues, encoding: ValueEncoding, present: Uint8Array): (i: number) => number {
    if (encoding.encoding === "RLE_DICTIONARY") return (i) => present[i] * 4;
    if (data.kind === "boolean") return () => 0.125;
    if (data.kind === "string") {
      const lengths = stringLengths(encoding).lengths;
      return (i) => lengths[i];
    }
    const width = data.type === "INT32" ? 4 : 8;
    return (i) => present[i] * width;
  }

  /** Pages break before the value that brings a page to pageSize bytes, never before the first. */
  function pagesOf(rows: number, sizeOf: (i: number) => number, pageSize: number): Page[] {
    const pages: Page[] = [];
    let start = 0;
    let bytes = 0;
    for (let i = 0; i < rows; i++) {
      const size = sizeOf(i);
      bytes += size;
      if (bytes >= pageSize && i > start) {
        pages.push({ start, end: i });
        start = i;
        bytes = size;
      }
    }
    if (start < rows) pages.push({ start, end: rows });
    return pages;
  }

  function rleHybrid(values: ArrayLike<number>, bitWidth: number): Uint8Array {
    const writer = new ByteWriter(Math.max(64, values.length >> 1));
    writeRleBitPackedHybrid(writer, values as unknown as number[], bitWidth);
    return writer.getBytes();
  }

  function dictionaryIndexPage(indexes: Int32Array, present: Uint8Array, page: Page, count: number): Uint8Array {
    if (indexScratch.length < count) indexScratch = new Int32Array(count);
    const nonNull = indexScratch.subarray(0, count);
    let max = 0;
    let n = 0;
    for (let i = page.start; i < page.end; i++) {
      if (present[i] === 0) continue;
      const index = indexes[i];
      nonNull[n++] = index;
      if (index > max) max = index;
    }
    const bitWidth = Math.ceil(Math.log2(max + 1));
    const runs = rleHybrid(nonNull, bitWidth);
    const bytes = new Uint8Array(1 + runs.length);
    bytes[0] = bitWidth;
    bytes.set(runs, 1);
    return bytes;
  }

  function booleanRlePage(values: Uint8Array, page: Page): Uint8Array {
    const runs = rleHybrid(values.subarray(page.start, page.end), 1);
    const bytes = new Uint8Array(4 + runs.length);
    new DataView(bytes.buffer).setUint32(0, runs.length, true);
    bytes.set(runs, 4);
    return bytes;
  }

  function utf8Total(lengths: Int32Array, start: number, end: number): number {
    let total = 0;
    for (let i = start; i < end; i++) total += lengths[i];
    return total;
  }

  function valueBytes(data: ColumnValues, encoding: ValueEncoding, present: Uint8Array, page: Page, count: number): Uint8Array {
    if (encoding.encoding === "RLE_DICTIONARY") return dictionaryIndexPage(encoding.dictionary.indexes, present, page, count);
    switch (data.kind) {
      case "boolean":
        return encoding.encoding === "RLE" ? booleanRlePage(data.values, page) : plainBooleans(data.values.subarray(page.start, page.end));
      case "number":
        return plainNumbers(data.values, data.type, page.start, page.end, count);
      case "string": {
        const { lengths, ascii } = stringLengths(encoding);
        return plainStrings(data.values, ascii, page.start, page.end, count, utf8Total(lengths, page.start, page.end));
      }
    }
  }

  function dictionaryBytes(data: ColumnValues, encoding: ValueEncoding & { encoding: "RLE_DICTIONARY" }): Uint8Array {
    const { dictionary } = encoding;
    if (data.kind === "number") return plainNumbers(dictionary.values as number[], data.type, 0, dictionary.values.length, dictionary.values.length);
    const strings = dictionary.values as StringColumn;
    const { lengths, ascii } = stringLengths(encoding);
    return plainStrings(strings, ascii, 0, strings.length, strings.length, utf8Total(lengths, 0, strings.length));
  }

  function writeColumnChunk(writer: ByteWriter, column: ColumnSource, settings: ChunkSettings): PageIndexes {
    const { data, rows, element } = column;
    const type = element.type;
    if (type === undefined) throw new Error(`column ${column.name} has no physical type in the schema`);
    const present = presence(data, rows);
    const nonNull = countOnes(present, 0, rows);
    if (!column.nullable && nonNull < rows) {
      throw new Error(`column ${column.name} is required, but row ${present.indexOf(0)} of its row group is null`);
    }
    const encoding = chooseEncoding(data, nonNull, settings.sampleDictionaries);
    const statisticsOf = statisticsInput(data, encoding);
    const statistics = chunkStatistics(data, statisticsOf.values, rows - nonNull, statisticsOf.ascii);
    const compress = (bytes: Uint8Array): Uint8Array => (settings.compress === undefined ? bytes : settings.compress(bytes));

    const chunkStart = writer.offset;
    let uncompressedSize = 0;
    let dictionaryPageOffset: bigint | undefined;
    if (encoding.encoding === "RLE_DICTIONARY") {
      dictionaryPageOffset = toBigInt(writer.offset);
      const plain = dictionaryBytes(data, encoding);
      const compressed = compress(plain);
      const headerStart = writer.offset;
      writePageHeader(writer, {
        type: "DICTIONARY_PAGE",
        uncompressed_page_size: plain.length,
        compressed_page_size: compressed.length,
        dictionary_page_header: { num_values: encoding.dictionary.values.length, encoding: "PLAIN" },
      });
      uncompressedSize += writer.offset - headerStart + plain.length;
      writer.appendBytes(compressed);
    }

    const pages = pagesOf(rows, valueSizes(data, encoding, present), settings.pageSize);
    const offsetIndex: OffsetIndex | undefined = pages.length > 1 ? { page_locations: [] } : undefined;
    const dataPageOffset = toBigInt(writer.offset);
    for (const page of pages) {
      const pageStart = writer.offset;
      const pagePresent = present.subarray(page.start, page.end);
      const pageRows = page.end - page.start;
      const pageNulls = column.nullable ? pageRows - countOnes(present, page.start, page.end) : 0;
      const levels = column.nullable ? rleHybrid(pagePresent, 1) : new Uint8Array(0);
      const values = valueBytes(data, encoding, present, page, pageRows - pageNulls);
      const compressed = compress(values);
      const headerStart = writer.offset;
      writePageHeader(writer, {
        type: "DATA_PAGE_V2",
        uncompressed_page_size: levels.length + values.length,
        compressed_page_size: levels.length + compressed.length,
        data_page_header_v2: {
          num_values: pageRows,
          num_nulls: pageNulls,
          num_rows: pageRows,
          encoding: encoding.encoding,
          definition_levels_byte_length: levels.length,
          repetition_levels_byte_length: 0,
          is_compressed: true,
        },
      });
      uncompressedSize += writer.offset - headerStart + levels.length + values.length;
      writer.appendBytes(levels);
      writer.appendBytes(compressed);
      offsetIndex?.page_locations.push({
        offset: toBigInt(pageStart),
        compressed_page_size: writer.offset - pageStart,
        first_row_index: toBigInt(page.start),
      });
    }

    const dictionaryEncoded = encoding.encoding === "RLE_DICTIONARY";
    const encodings: Encoding[] = dictionaryEncoded ? ["PLAIN", "RLE_DICTIONARY"] : [encoding.encoding];
    const chunk: ColumnChunk = {
      file_offset: toBigInt(chunkStart),
      meta_data: {
        type,
        encodings,
        path_in_schema: [column.name],
        codec: settings.codec,
        num_values: toBigInt(rows),
        total_compressed_size: toBigInt(writer.offset - chunkStart),
        total_uncompressed_size: toBigInt(uncompressedSize),
        data_page_offset: dataPageOffset,
        dictionary_page_offset: dictionaryPageOffset,
        statistics,
        encoding_stats: [
          ...(dictionaryEncoded ? [{ page_type: "DICTIONARY_PAGE" as const, encoding: "PLAIN" as const, count: 1 }] : []),
          { page_type: "DATA_PAGE_V2", encoding: encoding.encoding, count: pages.length },
        ],
      },
    };
    return { chunk, offsetIndex };
  }

  return writeColumnChunk;
}
