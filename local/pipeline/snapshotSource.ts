/**
 * What the OpenSky stand-in answers on each tick: snapshots from the project's seeded generator
 * (recent times, one tick made bad on purpose so the quality alert fires), or real API responses
 * replayed from a folder of `/api/states/all` JSON files.
 */
import * as fs from "fs";
import * as path from "path";
import { generateDay } from "../../fixtures/dayGenerator";
import { generateSnapshot } from "../../fixtures/snapshotGenerator";
import { dayStartTime, type UtcDay } from "../../handlers/shared/s3Keys";
import type { RawSnapshot } from "../../handlers/shared/stateVector";
import { PrerequisiteError } from "../function-runner/prerequisiteError";

export interface TickSnapshot {
  snapshot: RawSnapshot;
  /** Where it came from, for the progress lines. */
  label: string;
}

/** Rows in a generated global snapshot; a real one holds 4k–10k. */
export const GENERATED_STATE_COUNT = 6_500;
/** Ingestion runs every few minutes; generated snapshots are that far apart and end in the past. */
const TICK_SPACING_SECONDS = 300;

/**
 * Defects that keep each row's position, so they survive the stack's bounding box: rows that fail
 * hard checks in well over the 5% error rate the default thresholds allow, and a few that
 * processing cannot type and quarantines.
 */
export const BAD_SNAPSHOT_DEFECTS = { "malformed-icao24": 0.15, "velocity-out-of-range": 0.1, "malformed-squawk": 0.1, "null-on-ground": 0.05 } as const;

/** The 1-based tick that gets the bad snapshot: the second, or the only one. */
export function badTickOf(ticks: number): number {
  return Math.min(2, ticks);
}

export function generatedSnapshots(ticks: number, seed: number, now = new Date()): TickSnapshot[] {
  const lastTime = Math.floor(now.getTime() / 1000 / TICK_SPACING_SECONDS) * TICK_SPACING_SECONDS - TICK_SPACING_SECONDS;
  return Array.from({ length: ticks }, (_, index) => {
    const bad = index + 1 === badTickOf(ticks);
    const time = lastTime - (ticks - 1 - index) * TICK_SPACING_SECONDS;
    const { snapshot } = generateSnapshot({ seed: seed + index, stateCount: GENERATED_STATE_COUNT, time, ...(bad ? { defects: BAD_SNAPSHOT_DEFECTS } : {}) });
    return { snapshot, label: bad ? `generated, seed ${seed + index}, defects injected on purpose` : `generated, seed ${seed + index}` };
  });
}

/** Snapshots a UTC day holds at the ingestion schedule's five minutes. */
export const SNAPSHOTS_PER_DAY = 86_400 / TICK_SPACING_SECONDS;

/**
 * A short stretch at the end of a UTC day that has ended, for a run that compacts it: the ticks
 * five minutes apart up to 23:55, aircraft staying in the feed from tick to tick as they do over a
 * real day, the second snapshot bad on purpose as in generatedSnapshots.
 */
export function generatedDay(ticks: number, seed: number, day: UtcDay): TickSnapshot[] {
  if (ticks > SNAPSHOTS_PER_DAY) throw new PrerequisiteError(`a day holds ${SNAPSHOTS_PER_DAY} snapshots five minutes apart, not ${ticks}`);
  const firstTime = dayStartTime(day) + (SNAPSHOTS_PER_DAY - ticks) * TICK_SPACING_SECONDS;
  const bad = badTickOf(ticks) - 1;
  const snapshots = generateDay({ seed, firstTime, snapshots: ticks, statesPerSnapshot: GENERATED_STATE_COUNT, defects: { [bad]: BAD_SNAPSHOT_DEFECTS } });
  return snapshots.map((snapshot, index) => ({
    snapshot,
    label: index === bad ? `generated day ${day}, seed ${seed}, defects injected on purpose` : `generated day ${day}, seed ${seed}`,
  }));
}

/** Tick i replays file i (cycling), files in name order. */
export function replayedSnapshots(ticks: number, dir: string): TickSnapshot[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new PrerequisiteError(`--snapshots ${dir}: no such folder`);
  const files = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort();
  if (files.length === 0) throw new PrerequisiteError(`--snapshots ${dir}: the folder holds no .json files (OpenSky /api/states/all responses)`);
  const loaded = files.map((name) => ({ snapshot: readSnapshotFile(path.join(dir, name)), label: `replayed ${name}` }));
  return Array.from({ length: ticks }, (_, index) => loaded[index % loaded.length] as TickSnapshot);
}

function readSnapshotFile(file: string): RawSnapshot {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new PrerequisiteError(`${file} is not JSON: ${(error as Error).message}`);
  }
  const candidate = parsed as Partial<RawSnapshot>;
  if (
    typeof candidate !== "object" ||
    candidate === null ||
    typeof candidate.time !== "number" ||
    !(candidate.states === null || Array.isArray(candidate.states))
  ) {
    throw new PrerequisiteError(`${file} is not an OpenSky /api/states/all response: expected {"time": <unix seconds>, "states": [...] | null}`);
  }
  return candidate as RawSnapshot;
}
