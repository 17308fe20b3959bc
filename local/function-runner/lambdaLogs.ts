/**
 * A function's log stream as Lambda writes it, by the function's `loggingConfig`:
 *
 * - Text: Lambda's own lines are START / END / REPORT text; everything the code writes is kept.
 * - JSON: Lambda's own lines are JSON records (`platform.start`, `platform.report`), kept when
 *   their level (INFO) reaches the system log level; a line the code writes that is a JSON object
 *   is kept when its `level` reaches the application log level (no valid level counts as INFO).
 *   Other lines are kept as they are.
 */

export type LogFormat = "Text" | "JSON";

export interface LoggingSettings {
  format: LogFormat;
  /** TRACE, DEBUG, INFO, WARN, ERROR or FATAL; only with JSON. */
  applicationLogLevel?: string;
  /** DEBUG, INFO or WARN; only with JSON. */
  systemLogLevel?: string;
}

const LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

const rank = (level: unknown): number => {
  const index = typeof level === "string" ? LEVELS.indexOf(level.toUpperCase()) : -1;
  return index === -1 ? LEVELS.indexOf("INFO") : index;
};

/** Whether Lambda keeps a line the function's code wrote. */
export function keepsApplicationLine(settings: LoggingSettings, line: string): boolean {
  if (settings.format !== "JSON" || settings.applicationLogLevel === undefined || !line.startsWith("{")) return true;
  let level: unknown;
  try {
    level = (JSON.parse(line) as { level?: unknown }).level;
  } catch {
    return true;
  }
  return rank(level) >= rank(settings.applicationLogLevel);
}

export interface InvocationReport {
  requestId: string;
  durationMs: number;
  memorySizeMb: number;
  maxRssBytes?: number;
  initMs?: number;
  status: "success" | "error" | "timeout";
  /** The invocation's X-Ray trace header, when it was sampled. */
  traceHeader?: string;
}

const systemLineKept = (settings: LoggingSettings): boolean => settings.format !== "JSON" || rank(settings.systemLogLevel ?? "INFO") <= rank("INFO");

/** Lambda's lines before an invocation runs. */
export function startLines(settings: LoggingSettings, requestId: string, now = new Date()): string[] {
  if (!systemLineKept(settings)) return [];
  if (settings.format === "Text") return [`START RequestId: ${requestId} Version: $LATEST`];
  return [JSON.stringify({ time: now.toISOString(), type: "platform.start", record: { requestId, version: "$LATEST" } })];
}

/** Lambda's lines after an invocation ended. */
export function endLines(settings: LoggingSettings, report: InvocationReport, now = new Date()): string[] {
  if (!systemLineKept(settings)) return [];
  const maxMemoryUsedMb = report.maxRssBytes === undefined ? undefined : Math.ceil(report.maxRssBytes / 1024 / 1024);
  if (settings.format === "Text") {
    const parts = [
      `REPORT RequestId: ${report.requestId}`,
      `Duration: ${report.durationMs.toFixed(2)} ms`,
      `Billed Duration: ${Math.ceil(report.durationMs)} ms`,
      `Memory Size: ${report.memorySizeMb} MB`,
      `Max Memory Used: ${maxMemoryUsedMb ?? "?"} MB`,
    ];
    if (report.initMs !== undefined) parts.push(`Init Duration: ${report.initMs.toFixed(2)} ms`);
    return [`END RequestId: ${report.requestId}`, parts.join("\t")];
  }
  const metrics: Record<string, number> = {
    durationMs: Number(report.durationMs.toFixed(2)),
    billedDurationMs: Math.ceil(report.durationMs),
    memorySizeMB: report.memorySizeMb,
  };
  if (maxMemoryUsedMb !== undefined) metrics.maxMemoryUsedMB = maxMemoryUsedMb;
  if (report.initMs !== undefined) metrics.initDurationMs = Number(report.initMs.toFixed(2));
  const record: Record<string, unknown> = { requestId: report.requestId, metrics, status: report.status };
  if (report.traceHeader !== undefined) record.tracing = { type: "X-Amzn-Trace-Id", value: report.traceHeader };
  return [JSON.stringify({ time: now.toISOString(), type: "platform.report", record })];
}

/** Lambda's line when a container's init failed; kept at every system level. */
export function initFailedLine(settings: LoggingSettings, requestId: string, errorType: string, errorMessage: string, now = new Date()): string {
  if (settings.format === "Text") return `INIT_FAILED RequestId: ${requestId} ${errorType}: ${errorMessage}`;
  return JSON.stringify({
    time: now.toISOString(),
    type: "platform.initReport",
    record: { initializationType: "on-demand", phase: "init", status: "error", errorType, errorMessage },
  });
}
