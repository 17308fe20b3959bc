/**
 * DuckDB doing the same merge, the SQL a data engineer would reach for: every processed file of
 * the day read by read_parquet, ordered by icao24 then snapshot_time, written with COPY in the
 * daily file's codec and row-group size. It reads the files itself (from the page cache), on all
 * cores.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DuckDBInstance } from "@duckdb/node-api";
import { DEFAULT_COMPACTION_ROW_GROUP_SIZE } from "../../handlers/compaction/compactionSettings";

const quoteLiteral = (text: string): string => `'${text.replace(/'/g, "''")}'`;

export interface DuckDbCompaction {
  /** Returns the size of the file written. */
  compact(): Promise<number>;
  close(): Promise<void>;
}

export async function createDuckDbCompaction(dayDir: string): Promise<DuckDbCompaction> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-duckdb-compaction-"));
  const outputPath = path.join(outputDir, "day.parquet");
  const sql = `
    COPY (SELECT * FROM read_parquet(${quoteLiteral(path.join(dayDir, "*.parquet"))}) ORDER BY icao24, snapshot_time)
    TO ${quoteLiteral(outputPath)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${DEFAULT_COMPACTION_ROW_GROUP_SIZE})`;
  return {
    async compact() {
      await connection.run(sql);
      return fs.statSync(outputPath).size;
    },
    async close() {
      connection.closeSync();
      instance.closeSync();
      fs.rmSync(outputDir, { recursive: true, force: true });
    },
  };
}
