/**
 * DuckDB reading the raw JSON file and writing Parquet with COPY, the SQL a data engineer would
 * reach for. The columns, types and nulls match the pipeline's schema, so the files compare.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DuckDBInstance } from "@duckdb/node-api";
import { PARQUET_DEFAULTS, type SnapshotConverter } from "./converter";

/**
 * The whole snapshot is one JSON object, and DuckDB sizes a read buffer by maximum_object_size:
 * its default (16 MiB) is too small for 500,000 rows, a blanket 1 GiB made small files 6x slower.
 */
function maximumObjectSize(inputPath: string): number {
  let size = 16 * 1024 * 1024;
  while (size <= fs.statSync(inputPath).size) size *= 2;
  return size;
}

const quoteLiteral = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** Rows are read as VARCHAR[] (JSON null → NULL), faster here than JSON[] with ->>; lists are 1-based. */
const field = (position: number): string => `s[${position + 1}]`;

const seconds = (position: number): string => `make_timestamp(CAST(${field(position)} AS BIGINT) * 1000000)::TIMESTAMP_MS`;

function copySql(inputPath: string, outputPath: string): string {
  return `
    COPY (
      SELECT
        ${field(0)} AS icao24,
        nullif(trim(${field(1)}), '') AS callsign,
        ${field(2)} AS origin_country,
        ${seconds(3)} AS time_position,
        ${seconds(4)} AS last_contact,
        CAST(${field(5)} AS DOUBLE) AS longitude,
        CAST(${field(6)} AS DOUBLE) AS latitude,
        CAST(${field(7)} AS DOUBLE) AS baro_altitude,
        CAST(${field(8)} AS BOOLEAN) AS on_ground,
        CAST(${field(9)} AS DOUBLE) AS velocity,
        CAST(${field(10)} AS DOUBLE) AS true_track,
        CAST(${field(11)} AS DOUBLE) AS vertical_rate,
        CAST(${field(13)} AS DOUBLE) AS geo_altitude,
        ${field(14)} AS squawk,
        CAST(${field(15)} AS BOOLEAN) AS spi,
        CAST(${field(16)} AS INTEGER) AS position_source,
        CAST(${field(17)} AS INTEGER) AS category,
        make_timestamp(time * 1000000)::TIMESTAMP_MS AS snapshot_time
      FROM (
        SELECT time, unnest(states) AS s
        FROM read_json(${quoteLiteral(inputPath)}, columns = {time: 'BIGINT', states: 'VARCHAR[][]'},
                       format = 'auto', maximum_object_size = ${maximumObjectSize(inputPath)})
      )
    ) TO ${quoteLiteral(outputPath)}
    (FORMAT parquet, COMPRESSION ${PARQUET_DEFAULTS.codec}, ROW_GROUP_SIZE ${PARQUET_DEFAULTS.rowGroupSize})`;
}

export async function createDuckDbConverter(): Promise<SnapshotConverter> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-duckdb-"));
  const outputPath = path.join(outputDir, "snapshot.parquet");
  return {
    async convert(input) {
      await connection.run(copySql(input.path, outputPath));
      return fs.statSync(outputPath).size;
    },
    async close() {
      connection.closeSync();
      instance.closeSync();
      fs.rmSync(outputDir, { recursive: true, force: true });
    },
  };
}

/** DuckDB's worker threads in this process: it uses every core unless told otherwise. */
export async function duckDbThreads(): Promise<number> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll("SELECT current_setting('threads') AS threads");
  const threads = Number(reader.getRows()[0]![0]);
  connection.closeSync();
  instance.closeSync();
  return threads;
}
