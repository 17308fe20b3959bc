/**
 * The day the compaction cases merge: a generated global day, 288 snapshots of 6,500 states five
 * minutes apart, aircraft staying in the feed for two hours (fixtures/dayGenerator.ts), each
 * snapshot turned into the Parquet file processing writes for it, as the day's processed/ holds.
 */
import * as fs from "fs";
import * as path from "path";
import { generateDay } from "../../fixtures/dayGenerator";
import { processedKeyForSnapshot } from "../../handlers/shared/s3Keys";
import { processedParquet } from "../validationRun";

export const DAY_SNAPSHOTS = 288;
export const DAY_STATES = 6_500;
/** 2026-11-26T00:00:00Z */
const DAY_START = 1_795_651_200;
const SEED = 20_261_126;

export interface DayFile {
  path: string;
  /** The processed key the file has in S3. */
  key: string;
  snapshotTime: number;
}

export interface CompactionDay {
  name: string;
  dir: string;
  files: DayFile[];
  rows: number;
  bytes: number;
}

export function prepareCompactionDay(workDir: string, snapshots = DAY_SNAPSHOTS, states = DAY_STATES): CompactionDay {
  const dir = path.join(workDir, "compaction-day");
  fs.mkdirSync(dir, { recursive: true });
  const files: DayFile[] = [];
  let bytes = 0;
  let rows = 0;
  for (const snapshot of generateDay({ seed: SEED, firstTime: DAY_START, snapshots, statesPerSnapshot: states })) {
    const parquet = processedParquet(JSON.stringify(snapshot), snapshot.time);
    const file = path.join(dir, `states_${snapshot.time}.parquet`);
    fs.writeFileSync(file, parquet);
    files.push({ path: file, key: processedKeyForSnapshot(snapshot.time), snapshotTime: snapshot.time });
    bytes += parquet.length;
    rows += snapshot.states?.length ?? 0;
  }
  return { name: `generated-day-${snapshots}x${states}`, dir, files, rows, bytes };
}
