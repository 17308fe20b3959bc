/**
 * The Glue catalog's three tables as DuckDB views over a local run's output, with Hive
 * partitioning: the same names, columns and types, partition columns as strings as the catalog
 * declares them, so the saved queries run unchanged. DuckDB reads the Parquet timestamps as
 * TIMESTAMP WITH TIME ZONE, so the session runs in UTC, as Athena does.
 */
import * as path from "path";
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import { COMPACTED_QUALITY_PREFIX, COMPACTED_STATES_PREFIX, PROCESSED_PREFIX } from "../../contract/dataLayout";
import { QUALITY_ROLLUP_COLUMNS } from "../../handlers/compaction/qualityRollup";

const DUCKDB_TYPES: Record<(typeof QUALITY_ROLLUP_COLUMNS)[number]["type"], string> = {
  timestamp: "TIMESTAMP",
  double: "DOUBLE",
  boolean: "BOOLEAN",
  bigint: "BIGINT",
};

const quote = (text: string): string => `'${text.replace(/'/g, "''")}'`;
const partitionTypes = (columns: readonly string[]): string => `{${columns.map((column) => `'${column}': VARCHAR`).join(", ")}}`;

export type QueryRow = Record<string, string | number | boolean | null>;

export interface LocalCatalog {
  /** Runs `sql` with its `?` placeholders bound in order; BIGINTs as numbers, timestamps as ISO strings. */
  query(sql: string, parameters: readonly DuckDBValue[]): Promise<QueryRow[]>;
  close(): void;
}

function plain(value: unknown): QueryRow[string] {
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return value.toISOString();
  return value as QueryRow[string];
}

async function createViews(connection: DuckDBConnection, root: string): Promise<void> {
  const under = (prefix: string, pattern: string) => quote(path.join(root, ...prefix.split("/").filter(Boolean), "**", pattern));
  await connection.run("SET TimeZone = 'UTC'");
  await connection.run(
    `CREATE VIEW states AS SELECT * FROM read_parquet(${under(PROCESSED_PREFIX, "*.parquet")}, hive_partitioning = true, hive_types = ${partitionTypes(["year", "month", "day", "hour"])})`,
  );
  await connection.run(
    `CREATE VIEW states_daily AS SELECT * FROM read_parquet(${under(COMPACTED_STATES_PREFIX, "*.parquet")}, hive_partitioning = true, hive_types = ${partitionTypes(["year", "month", "day"])})`,
  );
  const columns = QUALITY_ROLLUP_COLUMNS.map((column) => `${column.name}: '${DUCKDB_TYPES[column.type]}'`).join(", ");
  await connection.run(
    `CREATE VIEW quality_daily AS SELECT * FROM read_json(${under(COMPACTED_QUALITY_PREFIX, "*.jsonl")}, format = 'newline_delimited', columns = {${columns}}, hive_partitioning = true, hive_types = ${partitionTypes(["year", "month", "day"])})`,
  );
}

/** `root` holds the run's objects at their keys (what exportRunResults writes). */
export async function openLocalCatalog(root: string): Promise<LocalCatalog> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await createViews(connection, root);
  return {
    async query(sql, parameters) {
      const reader = await connection.runAndReadAll(sql, [...parameters]);
      return reader.getRowObjectsJS().map((row) => Object.fromEntries(Object.entries(row).map(([name, value]) => [name, plain(value)])));
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
