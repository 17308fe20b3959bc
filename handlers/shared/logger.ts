/**
 * Structured logs: one JSON object per line, so CloudWatch Logs Insights can filter on any field.
 * Lines go straight to stdout rather than through console.log, whose Lambda wrapper would prefix
 * each line with text and break the JSON.
 */

export const LOG_LEVELS = ["DEBUG", "INFO", "WARN", "ERROR"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  readonly level: LogLevel;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` (e.g. `{ snapshotId }`) to every line it writes. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Fields on every line, e.g. `{ stage: "ingestion" }`. */
  fields?: LogFields;
  /** Where a finished line goes; tests capture lines here. */
  write?: (line: string) => void;
  clock?: () => Date;
  /** Applied to every finished line (see redaction.ts): what it removes never reaches the log. */
  redact?: (line: string) => string;
}

function writeToStdout(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Errors have no enumerable own properties, so JSON.stringify would log them as `{}`. */
function toLoggable(value: unknown): unknown {
  if (value instanceof Error) {
    const loggable: Record<string, unknown> = { name: value.name, message: value.message, stack: value.stack };
    if (value.cause !== undefined) loggable.cause = toLoggable(value.cause);
    return loggable;
  }
  return value;
}

export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? writeToStdout;
  const clock = options.clock ?? (() => new Date());
  const threshold = LOG_LEVELS.indexOf(options.level);
  const boundFields = options.fields ?? {};
  const redact = options.redact ?? ((line: string) => line);

  const log = (level: LogLevel, message: string, fields: LogFields = {}): void => {
    if (LOG_LEVELS.indexOf(level) < threshold) return;
    const line: Record<string, unknown> = { timestamp: clock().toISOString(), level, message };
    for (const [name, value] of Object.entries({ ...boundFields, ...fields })) {
      line[name] = toLoggable(value);
    }
    write(redact(JSON.stringify(line)));
  };

  return {
    level: options.level,
    debug: (message, fields) => log("DEBUG", message, fields),
    info: (message, fields) => log("INFO", message, fields),
    warn: (message, fields) => log("WARN", message, fields),
    error: (message, fields) => log("ERROR", message, fields),
    child: (fields) => createLogger({ ...options, write, clock, redact, fields: { ...boundFields, ...fields } }),
  };
}
