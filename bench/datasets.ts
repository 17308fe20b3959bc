/**
 * The snapshots the benchmark converts: the seeded generator at a global snapshot's size and two
 * larger ones, plus every real snapshot in ../shared/data/opensky/ when that folder exists. Each is
 * written (or, for a real one, left where it is) as a JSON file, with the Parquet file processing
 * makes of it beside it in the work folder for the validation cases.
 */
import * as fs from "fs";
import * as path from "path";
import { generateSnapshot } from "../fixtures/snapshotGenerator";
import { parseRawSnapshot } from "../handlers/shared/rawSnapshot";
import { processedParquet } from "./validationRun";

export interface Dataset {
  name: string;
  rows: number;
  snapshotTime: number;
  jsonPath: string;
  parquetPath: string;
}

export const GENERATED_ROW_COUNTS = [6_500, 50_000, 500_000] as const;
const GENERATOR_SEED = 20_251_228;

/** Read in place, never copied into the project: the data belongs to the OpenSky Network. */
export const REAL_SNAPSHOT_DIR = path.resolve(__dirname, "..", "..", "shared", "data", "opensky");

/**
 * Written and flushed to disk before any case runs: the 500,000-row files are over 100 MB, and
 * their writeback slowed the first cases timed after them.
 */
function writeFlushed(file: string, data: string | Uint8Array): void {
  const fd = fs.openSync(file, "w");
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function withParquet(name: string, jsonPath: string, text: string, workDir: string): Dataset {
  const raw = parseRawSnapshot(text);
  const parquetPath = path.join(workDir, `${name}.parquet`);
  writeFlushed(parquetPath, processedParquet(text, raw.time));
  return { name, rows: raw.states?.length ?? 0, snapshotTime: raw.time, jsonPath, parquetPath };
}

export function prepareDatasets(workDir: string, rowCounts: readonly number[] = GENERATED_ROW_COUNTS): Dataset[] {
  const datasets: Dataset[] = [];
  for (const stateCount of rowCounts) {
    const name = `generated-${stateCount}`;
    const text = JSON.stringify(generateSnapshot({ seed: GENERATOR_SEED, stateCount }).snapshot);
    const jsonPath = path.join(workDir, `${name}.json`);
    writeFlushed(jsonPath, text);
    datasets.push(withParquet(name, jsonPath, text, workDir));
  }
  for (const file of realSnapshotFiles()) {
    const jsonPath = path.join(REAL_SNAPSHOT_DIR, file);
    datasets.push(withParquet(`real-${path.basename(file, ".json")}`, jsonPath, fs.readFileSync(jsonPath, "utf8"), workDir));
  }
  return datasets;
}

function realSnapshotFiles(): string[] {
  if (!fs.existsSync(REAL_SNAPSHOT_DIR)) return [];
  return fs
    .readdirSync(REAL_SNAPSHOT_DIR)
    .filter((file) => file.endsWith(".json"))
    .sort();
}
