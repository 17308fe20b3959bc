/**
 * One snapshot's verdict: every check's result with sample offending aircraft, the scores, the
 * thresholds it breaks, and what the metrics report besides (emergency squawks, contact ages).
 * Pure: the handler feeds it what it read and publishes what it returns.
 */
import { SAMPLE_SIZE } from "../shared/snapshotMetadata";
import { DELAYED_CONTACT_SECONDS, STALE_CONTACT_SECONDS, type CheckInput, type QualityCheck } from "./qualityChecks";
import { runChecks, scoreSnapshot, type CheckResult, type QualityScores } from "./qualityScore";

export interface QualityThresholds {
  /** Alert when the quality score is below this. */
  qualityThreshold: number;
  /** Alert when completeness is below this. */
  minCompletenessScore: number;
  /** Alert when the error rate is above this. */
  maxErrorRate: number;
}

export interface CheckReport {
  name: string;
  severity: "hard" | "soft";
  rule: string;
  applicable: number;
  failing: number;
  passRatio: number;
  /** Up to SAMPLE_SIZE distinct icao24 values of failing rows. */
  sampleIcao24: string[];
}

/** Squawks a pilot sets to declare an emergency. */
export const EMERGENCY_SQUAWKS: Readonly<Record<string, string>> = {
  "7500": "unlawful interference",
  "7600": "radio failure",
  "7700": "general emergency",
};

export interface EmergencySquawk {
  icao24: string;
  callsign: string | null;
  squawk: string;
  meaning: string;
}

export interface ContactAges {
  /** Median seconds between a contact and the snapshot; 0 for an empty snapshot. */
  medianSeconds: number;
  /** Seconds between the snapshot and the oldest contact; 0 for an empty snapshot. */
  maxSeconds: number;
  /** Contacts older than DELAYED_CONTACT_SECONDS, up to STALE_CONTACT_SECONDS. */
  delayed: number;
  /** Contacts older than STALE_CONTACT_SECONDS. */
  stale: number;
}

export interface QualityAssessment {
  checks: CheckReport[];
  scores: QualityScores;
  emergencies: EmergencySquawk[];
  contactAges: ContactAges;
  /** One line per threshold broken, e.g. "error rate 0.0712 > 0.05"; empty when the snapshot passes. */
  breaches: string[];
  passed: boolean;
}

function sampleIcao24(result: CheckResult, icao24: readonly (string | null)[]): string[] {
  if (result.sampleIcao24 !== undefined) return result.sampleIcao24.slice(0, SAMPLE_SIZE);
  const sample = new Set<string>();
  for (const row of result.failingRows ?? []) {
    if (sample.size === SAMPLE_SIZE) break;
    sample.add(icao24[row] ?? "");
  }
  return [...sample];
}

function findEmergencies(input: CheckInput): EmergencySquawk[] {
  const { columns, rowCount } = input.snapshot;
  const emergencySquawks = EMERGENCY_SQUAWKS;
  const emergencies: EmergencySquawk[] = [];
  for (let row = 0; row < rowCount; row++) {
    const squawk = columns.squawk[row];
    if (squawk === null) continue;
    const meaning = emergencySquawks[squawk];
    // `== null`, not `=== undefined`: docs/serialization.md.
    if (meaning == null) continue;
    emergencies.push({ icao24: columns.icao24[row] ?? "", callsign: columns.callsign[row] ?? null, squawk, meaning });
  }
  return emergencies;
}

function measureContactAges(input: CheckInput): ContactAges {
  const { columns, rowCount, snapshotTime } = input.snapshot;
  const ages = new Float64Array(rowCount);
  // Locals, not the module's constants, inside the per-row loop: see createQualityChecks.
  const staleSeconds = STALE_CONTACT_SECONDS;
  const delayedSeconds = DELAYED_CONTACT_SECONDS;
  let delayed = 0;
  let stale = 0;
  for (let row = 0; row < rowCount; row++) {
    const age = snapshotTime - columns.last_contact[row];
    ages[row] = age;
    if (age > staleSeconds) stale++;
    else if (age > delayedSeconds) delayed++;
  }
  ages.sort();
  const middle = rowCount >> 1;
  const medianSeconds = rowCount === 0 ? 0 : rowCount % 2 === 1 ? ages[middle] : (ages[middle - 1] + ages[middle]) / 2;
  return { medianSeconds, maxSeconds: rowCount === 0 ? 0 : Math.max(0, ages[rowCount - 1]), delayed, stale };
}

const fourDecimals = (value: number): string => value.toFixed(4);

export function thresholdBreaches(scores: QualityScores, thresholds: QualityThresholds): string[] {
  const breaches: string[] = [];
  if (scores.qualityScore < thresholds.qualityThreshold) {
    breaches.push(`quality score ${fourDecimals(scores.qualityScore)} < ${thresholds.qualityThreshold}`);
  }
  if (scores.completeness < thresholds.minCompletenessScore) {
    breaches.push(`completeness ${fourDecimals(scores.completeness)} < ${thresholds.minCompletenessScore}`);
  }
  if (scores.errorRate > thresholds.maxErrorRate) {
    breaches.push(`error rate ${fourDecimals(scores.errorRate)} > ${thresholds.maxErrorRate}`);
  }
  return breaches;
}

/** `checks` from createQualityChecks, built once per container. */
export function assessSnapshot(input: CheckInput, thresholds: QualityThresholds, checks: readonly QualityCheck[]): QualityAssessment {
  const results = runChecks(checks, input);
  const scores = scoreSnapshot(input, results);
  const breaches = thresholdBreaches(scores, thresholds);
  return {
    checks: results.map((result) => ({
      name: result.name,
      severity: result.severity,
      rule: result.rule,
      applicable: result.applicable,
      failing: result.failing,
      passRatio: result.passRatio,
      sampleIcao24: sampleIcao24(result, input.snapshot.columns.icao24),
    })),
    scores,
    emergencies: findEmergencies(input),
    contactAges: measureContactAges(input),
    breaches,
    passed: breaches.length === 0,
  };
}
