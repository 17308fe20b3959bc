/**
 * The Parquet form of a snapshot: one schema element per column of PARQUET_COLUMNS, with the
 * standard logical types Athena, DuckDB and pyarrow map without help (UTF8 strings, UTC-adjusted
 * INT64 millisecond timestamps).
 */
import type { SchemaElement } from "hyparquet-writer";
import { PARQUET_COLUMNS, type StateVectorField } from "./stateVector";

function schemaElement(field: StateVectorField): SchemaElement {
  const repetition_type = field.nullable ? "OPTIONAL" : "REQUIRED";
  switch (field.type) {
    case "string":
      return { name: field.name, repetition_type, type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } };
    case "double":
      return { name: field.name, repetition_type, type: "DOUBLE" };
    case "boolean":
      return { name: field.name, repetition_type, type: "BOOLEAN" };
    case "int32":
      return { name: field.name, repetition_type, type: "INT32" };
    case "timestamp":
      return {
        name: field.name,
        repetition_type,
        type: "INT64",
        converted_type: "TIMESTAMP_MILLIS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
      };
  }
}

/** The root element followed by one leaf per column, in file order. */
export const PARQUET_SCHEMA: readonly SchemaElement[] = [{ name: "root", num_children: PARQUET_COLUMNS.length }, ...PARQUET_COLUMNS.map(schemaElement)];
