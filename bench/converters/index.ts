/** Each tool's converter, loaded only in the process that benchmarks it. */
import type { Tool } from "../results";
import type { SnapshotConverter } from "./converter";

export async function createConverter(tool: Tool): Promise<SnapshotConverter> {
  switch (tool) {
    case "pipeline":
      return (await import("./pipeline")).createPipelineConverter();
    case "hyparquet-writer":
      return (await import("./genericWriter")).createGenericWriterConverter();
    case "duckdb":
      return (await import("./duckdb")).createDuckDbConverter();
    case "parquetjs":
      return (await import("./parquetjs")).createParquetjsConverter();
    case "parquet-wasm":
      return (await import("./parquetWasm")).createParquetWasmConverter();
  }
}
