/** One line per function attempt while the pipeline runs: what ran, how long, and what it did. */
import type { StageName } from "../../contract/dataLayout";
import type { AttemptReport } from "../pipeline/asyncInvoker";

type Described = Record<string, any>;

function describeValue(stage: StageName, value: unknown): string {
  if (stage === "ingestion") {
    const result = value as Described;
    if (result.rateLimited) return "rate limited by OpenSky: nothing stored";
    if (result.duplicate) return `${result.key} already stored: nothing written`;
    return `stored ${result.key} (${result.states} states)`;
  }
  if (stage === "compaction") {
    return ((value as Described).days as Described[])
      .map((day) =>
        day.status === "compacted"
          ? `${day.day}: ${day.inputFiles} files → ${day.statesKey} (${day.rows} rows, ${day.rowGroups} row group(s))`
          : `${day.day}: ${day.status}`,
      )
      .join("; ");
  }
  const results = (Array.isArray(value) ? value : [value]) as Described[];
  if (stage === "processing") {
    return results
      .map((result) =>
        result.wroteParquet === false
          ? `${result.processedKey} already held these rows`
          : `wrote ${result.processedKey} (${result.writtenRows} rows${result.quarantinedRows ? `, ${result.quarantinedRows} quarantined` : ""})`,
      )
      .join("; ");
  }
  return results
    .map(
      (result) =>
        `quality ${(Number(result.qualityScore) * 100).toFixed(1)}% ${result.passed ? "passed" : "BELOW THRESHOLDS"}` +
        (result.alertSent ? `, alert sent (${result.alertSent})` : ""),
    )
    .join("; ");
}

export function progressLine(stage: StageName, report: AttemptReport, startedAt: number): string {
  const { result } = report;
  const elapsed = `+${((performance.now() - startedAt) / 1000).toFixed(1)}s`.padStart(7);
  const timing = `${result.durationMs.toFixed(0).padStart(5)} ms${result.initMs === undefined ? "" : ` (cold start, init ${result.initMs.toFixed(0)} ms)`}`;
  const attempt = report.maxAttempts > 1 && (report.attempt > 1 || !result.ok) ? ` attempt ${report.attempt}/${report.maxAttempts}` : "";
  const what = result.ok
    ? describeValue(stage, result.value)
    : `FAILED${attempt}: ${result.error?.errorType}: ${result.error?.errorMessage}` +
      (report.attempt === report.maxAttempts ? " → dead-letter queue" : " → retrying");
  return `  ${elapsed}  ${stage.padEnd(10)} ${timing}  ${what}`;
}
