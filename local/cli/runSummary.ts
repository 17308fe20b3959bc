/**
 * The summary a run ends with: one line per snapshot (records, Parquet bytes, quality score,
 * what each stage recorded), one per compacted day (files and bytes in, the daily file out), the
 * alerts, the dead-letter queues' depth, and per function its invocations, cold starts, init and
 * invoke times, peak memory against its memory size, and package size.
 */
import { COMPACTED_STATES_PREFIX, PROCESSED_PREFIX, STAGES, type StageName } from "../../contract/dataLayout";
import { textTable } from "./textTable";
import type { LocalFunction } from "../function-runner/localFunction";
import type { RunResults } from "../pipeline/runResults";
import type { PipelineTopology } from "../pipeline/topology";

export interface SnapshotOutcome {
  snapshotId: string;
  time: string;
  records?: number;
  quarantined?: number;
  parquetBytes?: number;
  qualityScore?: number;
  passed?: boolean;
  stages: Partial<Record<StageName, string>>;
}

const SNAPSHOT_FILE = /states_(\d+)\.(json|parquet)$/;
/** The stages that run once per snapshot; compaction runs once per day. */
const SNAPSHOT_STAGES = STAGES.filter((stage) => stage !== "compaction");

export interface DayCompaction {
  day: string;
  status: string;
  inputFiles: number;
  inputBytes: number;
  rows?: number;
  rowGroups?: number;
  compactedBytes?: number;
  errorMessage?: string;
}

/** The compaction stage's tracking items, one per day, with the bytes of the files it merged. */
export function dayCompactions(results: RunResults): DayCompaction[] {
  const dayOf = (key: string) => /year=(\d{4})\/month=(\d{2})\/day=(\d{2})\//.exec(key)?.slice(1).join("-");
  return results.tracking
    .filter((item) => item.stage === "compaction")
    .map((item) => {
      const day = String(item.snapshotId);
      const files = results.objects.filter((object) => object.key.startsWith(PROCESSED_PREFIX) && dayOf(object.key) === day);
      const daily = results.objects.find((object) => object.key.startsWith(COMPACTED_STATES_PREFIX) && dayOf(object.key) === day);
      const counts = (item.counts ?? {}) as Record<string, number>;
      return {
        day,
        status: String(item.status),
        inputFiles: counts.inputFiles ?? files.length,
        inputBytes: files.reduce((sum, object) => sum + object.size, 0),
        ...(counts.rows === undefined ? {} : { rows: counts.rows, rowGroups: counts.rowGroups }),
        ...(daily === undefined ? {} : { compactedBytes: daily.size }),
        ...(item.errorMessage === undefined ? {} : { errorMessage: String(item.errorMessage) }),
      };
    })
    .sort((a, b) => a.day.localeCompare(b.day));
}

export function snapshotOutcomes(results: RunResults): SnapshotOutcome[] {
  const outcomes = new Map<string, SnapshotOutcome>();
  const outcomeFor = (snapshotId: string): SnapshotOutcome => {
    let outcome = outcomes.get(snapshotId);
    if (!outcome) {
      outcome = { snapshotId, time: new Date(Number(snapshotId) * 1000).toISOString().replace(".000Z", "Z"), stages: {} };
      outcomes.set(snapshotId, outcome);
    }
    return outcome;
  };
  for (const object of results.objects) {
    const match = SNAPSHOT_FILE.exec(object.key);
    if (!match || !(object.key.startsWith("raw/") || object.key.startsWith("processed/"))) continue;
    const outcome = outcomeFor(match[1] as string);
    if (!object.key.startsWith("processed/")) continue;
    outcome.parquetBytes = object.size;
    const report = results.reports.get(object.key);
    if (report) {
      outcome.records = report.rows?.input;
      outcome.quarantined = report.rows?.quarantined;
      outcome.qualityScore = report.scores?.qualityScore;
      outcome.passed = report.passed;
    }
  }
  // The table also holds items that are not per snapshot, such as the alert circuit breaker's state.
  for (const item of results.tracking.filter((candidate) => /^\d+$/.test(String(candidate.snapshotId)))) {
    outcomeFor(String(item.snapshotId)).stages[item.stage as StageName] = String(item.status);
  }
  return [...outcomes.values()].sort((a, b) => a.snapshotId.localeCompare(b.snapshotId));
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const mean = (values: number[]) => (values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length);
const percentile = (values: number[], share: number) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)] as number;
};

export function renderSummary(topology: PipelineTopology, functions: Record<StageName, LocalFunction>, results: RunResults): string {
  const snapshots = snapshotOutcomes(results);
  const snapshotTable = textTable(
    ["snapshot", "time (UTC)", "records", "quarantined", "Parquet", "quality", "passed", SNAPSHOT_STAGES.join(" / ")],
    snapshots.map((outcome) => [
      outcome.snapshotId,
      outcome.time,
      outcome.records === undefined ? "-" : String(outcome.records),
      outcome.quarantined === undefined ? "-" : String(outcome.quarantined),
      outcome.parquetBytes === undefined ? "-" : kib(outcome.parquetBytes),
      outcome.qualityScore === undefined ? "-" : `${(outcome.qualityScore * 100).toFixed(1)}%`,
      outcome.passed === undefined ? "-" : outcome.passed ? "yes" : "NO",
      SNAPSHOT_STAGES.map((stage) => outcome.stages[stage] ?? "-").join(" / "),
    ]),
  );

  const days = dayCompactions(results);
  const dayTable = textTable(
    ["compacted day", "status", "snapshot files", "their Parquet", "daily file", "rows", "row groups"],
    days.map((day) => [
      day.day,
      day.status,
      String(day.inputFiles),
      kib(day.inputBytes),
      day.compactedBytes === undefined ? "-" : kib(day.compactedBytes),
      day.rows === undefined ? "-" : String(day.rows),
      day.rowGroups === undefined ? "-" : String(day.rowGroups),
    ]),
  );

  const functionTable = textTable(
    ["function", "invocations", "errors", "cold starts", "init ms (mean)", "invoke ms p50", "invoke ms max", "peak MB / memory", "package (zip)"],
    STAGES.map((stage) => {
      const declared = topology.functions[stage];
      const figures = functions[stage].figures;
      return [
        declared.name,
        String(figures.invocations),
        String(figures.errors),
        String(figures.coldStarts),
        mean(figures.initMs).toFixed(0),
        percentile(figures.durationsMs, 0.5).toFixed(0),
        percentile(figures.durationsMs, 1).toFixed(0),
        `${Math.ceil(figures.peakRssBytes / 1024 / 1024)} / ${declared.pkg.memorySize}`,
        kib(declared.pkg.zipBytes),
      ];
    }),
  );

  const parquetBytes = snapshots.reduce((sum, outcome) => sum + (outcome.parquetBytes ?? 0), 0);
  const records = snapshots.reduce((sum, outcome) => sum + (outcome.records ?? 0), 0);
  return [
    `Snapshots: ${snapshots.length}   records: ${records}   Parquet: ${kib(parquetBytes)}   metric data received: ${results.metrics.length}   alerts: ${results.alerts.length}`,
    "",
    snapshotTable,
    "",
    ...(days.length > 0 ? [dayTable, ...days.flatMap((day) => (day.errorMessage ? [`  ${day.day}: ${day.errorMessage}`] : [])), ""] : []),
    ...(results.alerts.length > 0 ? ["Alerts:", ...results.alerts.map((alert) => `  ${alert.subject ?? alert.message.slice(0, 120)}`), ""] : []),
    "Dead-letter queue depth:",
    ...Object.entries(results.deadLetters).map(([queue, records]) => `  ${queue}: ${records.length}`),
    "",
    functionTable,
  ].join("\n");
}
