/** @dsnp/parquetjs, the pure-JavaScript writer: one object per row through its shredder. */
import { Writable } from "stream";
import { ParquetSchema, ParquetWriter } from "@dsnp/parquetjs";
import type { ColumnType } from "../../handlers/shared/stateVector";
import { PARQUET_DEFAULTS, type SnapshotConverter } from "./converter";
import { cellValue, parseStates, STATE_VECTOR_FIELDS } from "./stateRows";

const PARQUETJS_TYPES: Record<ColumnType, "UTF8" | "DOUBLE" | "BOOLEAN" | "INT32" | "TIMESTAMP_MILLIS"> = {
  string: "UTF8",
  double: "DOUBLE",
  boolean: "BOOLEAN",
  int32: "INT32",
  timestamp: "TIMESTAMP_MILLIS",
};

const COMPRESSION = "SNAPPY";

function snapshotSchema(): ParquetSchema {
  const fields: Record<string, { type: string; optional: boolean; compression: typeof COMPRESSION }> = {};
  for (const field of STATE_VECTOR_FIELDS) {
    fields[field.name] = { type: PARQUETJS_TYPES[field.type], optional: field.nullable, compression: COMPRESSION };
  }
  fields.snapshot_time = { type: "TIMESTAMP_MILLIS", optional: false, compression: COMPRESSION };
  return new ParquetSchema(fields as ConstructorParameters<typeof ParquetSchema>[0]);
}

/** Counts what the writer emits; the bytes themselves are not needed. */
class ByteCounter extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.bytes += chunk.length;
    done();
  }
}

export async function createParquetjsConverter(): Promise<SnapshotConverter> {
  if (PARQUET_DEFAULTS.codec !== "snappy") throw new Error(`the comparison is set up for snappy, not ${PARQUET_DEFAULTS.codec}`);
  const schema = snapshotSchema();
  return {
    async convert({ bytes }) {
      const { time, rows } = parseStates(bytes);
      const counter = new ByteCounter();
      // Typed as an fs.WriteStream, the stream only ever gets write() and end() calls.
      const stream = counter as unknown as Parameters<typeof ParquetWriter.openStream>[1];
      const writer = await ParquetWriter.openStream(schema, stream, { rowGroupSize: PARQUET_DEFAULTS.rowGroupSize });
      const snapshotTime = time * 1000;
      for (const row of rows) {
        const record: Record<string, unknown> = { snapshot_time: snapshotTime };
        for (const field of STATE_VECTOR_FIELDS) {
          const value = cellValue(field, row);
          if (value !== null) record[field.name] = value;
        }
        await writer.appendRow(record);
      }
      await writer.close();
      return counter.bytes;
    },
    async close() {},
  };
}
