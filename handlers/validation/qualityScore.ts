/**
 * Completeness, error rate and the quality score: defined here and nowhere else.
 *
 * - **Input rows**: the rows of the raw response, i.e. the rows written to Parquet plus the rows
 *   processing quarantined because they could not be typed.
 * - **Completeness**: the share of expected values that are present. Every input row is expected
 *   to carry eight values: callsign, origin_country (non-empty), time_position, a position
 *   (latitude and longitude together), velocity, true_track, and, for an airborne aircraft only,
 *   an altitude (baro_altitude or geo_altitude) and vertical_rate. An aircraft on the ground has
 *   those last two counted as present. A quarantined row has none of its eight values.
 *   `completeness = present values / (8 × input rows)`.
 * - **Error rate**: the share of input rows that are errors: quarantined rows plus typed rows that
 *   fail at least one hard check. `errorRate = error rows / input rows`.
 * - **Quality score**: `0.5 × (1 − errorRate) + 0.25 × completeness + 0.25 × soft pass ratio`,
 *   where the soft pass ratio is the mean pass ratio of the soft checks. Half the score is about
 *   rows being right, a quarter about them being complete, a quarter about the softer signs of
 *   health (fresh contacts, known sources, plausible callsigns).
 * - **Pass ratio** of a check: `1 − failing rows / rows the check applies to`.
 *
 * All four are fractions in [0, 1]. A snapshot with no input rows (`"states": null` or `[]`) has
 * completeness 1, error rate 0, pass ratios 1 and score 1: nothing in it is wrong or missing.
 * A snapshot breaks the stack's thresholds when score < QUALITY_THRESHOLD, completeness <
 * MIN_COMPLETENESS_SCORE or error rate > MAX_ERROR_RATE.
 */
import type { StateColumns } from "../shared/columns";
import type { CheckInput, CheckOutcome, QualityCheck, Severity } from "./qualityChecks";

export const SCORE_WEIGHTS = { correctness: 0.5, completeness: 0.25, softChecks: 0.25 } as const;

/** Values each input row is expected to carry, per the definition above. */
export const EXPECTED_VALUES_PER_ROW = 8;

export interface CheckResult extends CheckOutcome {
  name: string;
  severity: Severity;
  rule: string;
  passRatio: number;
}

export interface QualityScores {
  inputRows: number;
  /** Input rows that are errors: quarantined, or failing a hard check. */
  errorRows: number;
  completeness: number;
  errorRate: number;
  softPassRatio: number;
  qualityScore: number;
}

export function passRatio(outcome: CheckOutcome): number {
  return outcome.applicable === 0 ? 1 : 1 - outcome.failing / outcome.applicable;
}

export function runChecks(checks: readonly QualityCheck[], input: CheckInput): CheckResult[] {
  return checks.map((check) => {
    const outcome = check.evaluate(input);
    return { name: check.name, severity: check.severity, rule: check.rule, ...outcome, passRatio: passRatio(outcome) };
  });
}

export function completeness(columns: StateColumns, typedRows: number, inputRows: number): number {
  if (inputRows === 0) return 1;
  // One loop with its helper inside, not a module-level helper per row (docs/serialization.md).
  const c = columns;
  const has = (value: number): number => (value === value ? 1 : 0);
  let presentTotal = 0;
  for (let row = 0; row < typedRows; row++) {
    const country = c.origin_country[row];
    const onGround = c.on_ground[row] === 1;
    presentTotal +=
      (c.callsign[row] === null ? 0 : 1) +
      (country === null || country.trim() === "" ? 0 : 1) +
      has(c.time_position[row]) +
      (has(c.latitude[row]) & has(c.longitude[row])) +
      has(c.velocity[row]) +
      has(c.true_track[row]) +
      (onGround ? 1 : has(c.baro_altitude[row]) | has(c.geo_altitude[row])) +
      (onGround ? 1 : has(c.vertical_rate[row]));
  }
  return presentTotal / (EXPECTED_VALUES_PER_ROW * inputRows);
}

/** Typed rows failing at least one hard check; each row counted once. */
function typedErrorRows(results: readonly CheckResult[], typedRows: number): number {
  const failed = new Uint8Array(typedRows);
  for (const result of results) {
    if (result.severity !== "hard" || result.failingRows === undefined) continue;
    for (const row of result.failingRows) failed[row] = 1;
  }
  return failed.reduce((sum, flag) => sum + flag, 0);
}

export function scoreSnapshot(input: CheckInput, results: readonly CheckResult[]): QualityScores {
  const typedRows = input.snapshot.rowCount;
  const quarantinedRows = input.quarantine.rowShape + input.quarantine.fieldType;
  const inputRows = typedRows + quarantinedRows;
  const errorRows = quarantinedRows + typedErrorRows(results, typedRows);
  const errorRate = inputRows === 0 ? 0 : errorRows / inputRows;
  const completenessScore = completeness(input.snapshot.columns, typedRows, inputRows);
  const soft = results.filter((result) => result.severity === "soft");
  const softPassRatio = soft.length === 0 ? 1 : soft.reduce((sum, result) => sum + result.passRatio, 0) / soft.length;
  const qualityScore = SCORE_WEIGHTS.correctness * (1 - errorRate) + SCORE_WEIGHTS.completeness * completenessScore + SCORE_WEIGHTS.softChecks * softPassRatio;
  return { inputRows, errorRows, completeness: completenessScore, errorRate, softPassRatio, qualityScore };
}
