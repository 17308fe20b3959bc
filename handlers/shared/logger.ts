/**
 * Structured logs: one JSON object per line, so CloudWatch Logs Insights can filter on any field.
 * Lines go straight to stdout rather than through console.log: with the functions' JSON log
 * format Lambda keeps a stdout line that is a JSON object as it is (its fields stay top-level,
 * `$.event` for a metric filter) and filters it by its `level` against the function's
 * application log level; console.log would nest the object under `message`.
 */
import { LOG_LEVELS, type LogLevel } from "../../contract/settings";

export { LOG_LEVELS, type LogLevel } from "../../contract/settings";

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  readonly level: LogLevel;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` (e.g. `{ snapshotId }`) to every line it writes. */
  child(fields: LogFields): Logger;
  /**
   * A logger that asks `context` for fields at every line (the invocation's request and trace
   * ids, which change while the logger lives); bound and explicit fields take precedence.
   */
  withContext(context: () => LogFields): Logger;
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
  /** Fields computed for each line; see `Logger.withContext`. */
  context?: () => LogFields;
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
  const context = options.context;

  const log = (level: LogLevel, message: string, fields: LogFields = {}): void => {
    if (LOG_LEVELS.indexOf(level) < threshold) return;
    const line: Record<string, unknown> = { timestamp: clock().toISOString(), level, message };
    for (const [name, value] of Object.entries({ ...context?.(), ...boundFields, ...fields })) {
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
    withContext: (lineContext) => createLogger({ ...options, write, clock, redact, context: lineContext }),
  };
}
