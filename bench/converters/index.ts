/** Each comparison tool's converter, loaded only in the process that benchmarks it. */
import type { Tool } from "../results";
import type { SnapshotConverter } from "./converter";

export async function createConverter(tool: Exclude<Tool, "pipeline" | "hyparquet-writer">): Promise<SnapshotConverter> {
  switch (tool) {
    case "duckdb":
      return (await import("./duckdb")).createDuckDbConverter();
    case "parquetjs":
      return (await import("./parquetjs")).createParquetjsConverter();
    case "parquet-wasm":
      return (await import("./parquetWasm")).createParquetWasmConverter();
  }
}
