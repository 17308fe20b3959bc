/**
 * The day's validation reports in one JSON-lines file, one line per validated snapshot in time
 * order, with the scores flattened into snake_case columns. Athena's JSON SerDe reads a line per
 * record (the reports themselves are pretty-printed, one object over many lines, which it cannot),
 * and DuckDB reads the same file, so the quality query runs on both. The lines depend only on the
 * reports, so the same reports give the same bytes.
 */
import type { UtcDay } from "../shared/s3Keys";

/** The columns of a rollup line, in order: the catalog's quality table declares these. */
export const QUALITY_ROLLUP_COLUMNS = [
  { name: "snapshot_time", type: "timestamp" },
  { name: "quality_score", type: "double" },
  { name: "completeness", type: "double" },
  { name: "error_rate", type: "double" },
  { name: "soft_pass_ratio", type: "double" },
  { name: "passed", type: "boolean" },
  { name: "input_rows", type: "bigint" },
  { name: "written_rows", type: "bigint" },
  { name: "quarantined_rows", type: "bigint" },
  { name: "error_rows", type: "bigint" },
  { name: "emergency_squawks", type: "bigint" },
  { name: "validated_at", type: "timestamp" },
] as const;

export interface QualityRollup {
  body: string;
  lines: number;
  /** Reports that were not JSON or lacked a score: left out, and counted. */
  unreadable: string[];
}

/** "2026-11-26 10:05:00.000": the timestamp form both the JSON SerDe and DuckDB read without a format. */
function sqlTimestamp(iso: string): string {
  return iso.replace("T", " ").replace(/Z$/, "");
}

function finiteOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** What a validation report may hold, every field checked before use. */
interface ReportFields {
  snapshotTime?: unknown;
  validatedAt?: unknown;
  passed?: unknown;
  emergencySquawks?: unknown;
  scores?: { qualityScore?: unknown; completeness?: unknown; errorRate?: unknown; softPassRatio?: unknown };
  rows?: { input?: unknown; written?: unknown; quarantined?: unknown; errors?: unknown };
}

/** One report's line, or undefined when the report is not one validation writes. */
function lineOf(text: string): string | undefined {
  let report: ReportFields;
  try {
    report = JSON.parse(text) as ReportFields;
  } catch {
    return undefined;
  }
  const snapshotTime = report?.snapshotTime;
  const qualityScore = finiteOrNull(report?.scores?.qualityScore);
  if (typeof snapshotTime !== "number" || !Number.isSafeInteger(snapshotTime) || qualityScore === null) return undefined;
  const validatedAt =
    typeof report.validatedAt === "string" && !Number.isNaN(Date.parse(report.validatedAt)) ? sqlTimestamp(new Date(report.validatedAt).toISOString()) : null;
  return JSON.stringify({
    snapshot_time: sqlTimestamp(new Date(snapshotTime * 1000).toISOString()),
    quality_score: qualityScore,
    completeness: finiteOrNull(report.scores?.completeness),
    error_rate: finiteOrNull(report.scores?.errorRate),
    soft_pass_ratio: finiteOrNull(report.scores?.softPassRatio),
    passed: typeof report.passed === "boolean" ? report.passed : null,
    input_rows: finiteOrNull(report.rows?.input),
    written_rows: finiteOrNull(report.rows?.written),
    quarantined_rows: finiteOrNull(report.rows?.quarantined),
    error_rows: finiteOrNull(report.rows?.errors),
    emergency_squawks: Array.isArray(report.emergencySquawks) ? report.emergencySquawks.length : null,
    validated_at: validatedAt,
  });
}

/** `reports` as (key, text) in snapshot-time order. */
export function qualityRollup(day: UtcDay, reports: readonly { key: string; text: string }[]): QualityRollup {
  const lines: string[] = [];
  const unreadable: string[] = [];
  for (const report of reports) {
    const line = lineOf(report.text);
    if (line === undefined) unreadable.push(report.key);
    else lines.push(line);
  }
  if (lines.length === 0 && reports.length > 0) {
    throw new Error(`none of the ${reports.length} validation reports of ${day} could be read, e.g. ${reports[0].key}`);
  }
  return { body: lines.map((line) => `${line}\n`).join(""), lines: lines.length, unreadable };
}
