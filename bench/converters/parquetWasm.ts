/**
 * apache-arrow builds the columns in JavaScript, parquet-wasm (Rust's arrow-rs compiled to
 * WebAssembly) writes the Parquet; the table crosses between them as Arrow IPC.
 */
import * as arrow from "apache-arrow";
import * as parquetWasm from "parquet-wasm/node";
import type { ColumnType } from "../../handlers/shared/stateVector";
import { PARQUET_DEFAULTS, type SnapshotConverter } from "./converter";
import { cellValue, parseStates, STATE_VECTOR_FIELDS, type CellValue } from "./stateRows";

function arrowType(type: ColumnType): arrow.DataType {
  switch (type) {
    case "string":
      return new arrow.Utf8();
    case "double":
      return new arrow.Float64();
    case "boolean":
      return new arrow.Bool();
    case "int32":
      return new arrow.Int32();
    case "timestamp":
      return new arrow.TimestampMillisecond();
  }
}

export async function createParquetWasmConverter(): Promise<SnapshotConverter> {
  if (PARQUET_DEFAULTS.codec !== "snappy") throw new Error(`the comparison is set up for snappy, not ${PARQUET_DEFAULTS.codec}`);
  const properties = () =>
    new parquetWasm.WriterPropertiesBuilder().setCompression(parquetWasm.Compression.SNAPPY).setMaxRowGroupSize(PARQUET_DEFAULTS.rowGroupSize).build();
  return {
    async convert({ bytes }) {
      const { time, rows } = parseStates(bytes);
      const vectors: Record<string, arrow.Vector> = {};
      for (const field of STATE_VECTOR_FIELDS) {
        const values = new Array<CellValue>(rows.length);
        for (let i = 0; i < rows.length; i++) values[i] = cellValue(field, rows[i]!);
        vectors[field.name] = arrow.vectorFromArray(values, arrowType(field.type));
      }
      vectors.snapshot_time = arrow.vectorFromArray(new Array<number>(rows.length).fill(time * 1000), new arrow.TimestampMillisecond());
      const ipc = arrow.tableToIPC(new arrow.Table(vectors), "stream");
      const table = parquetWasm.Table.fromIPCStream(ipc);
      // writeParquet takes ownership of the table and the properties and frees them.
      return parquetWasm.writeParquet(table, properties()).length;
    },
    async close() {},
  };
}
