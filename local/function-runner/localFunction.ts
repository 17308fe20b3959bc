/**
 * One function as Lambda runs it: up to its concurrency limit of warm containers, reused across
 * invocations, cold-started when none is free, replaced when one crashes or times out. Gives each
 * invocation its X-Ray trace header, writes Lambda's own lines around it in the function's log
 * format and drops the lines its log levels filter out (lambdaLogs.ts), and keeps the figures the
 * summary shows.
 */
import { randomUUID } from "crypto";
import { FunctionContainer, type InvocationOutcome } from "./functionContainer";
import { lambdaNodeFlags } from "./lambdaNodeFlags";
import { endLines, initFailedLine, keepsApplicationLine, type LoggingSettings, startLines } from "./lambdaLogs";
import type { SerializedError } from "./protocol";
import { newTraceHeader } from "./traceHeader";

export interface LocalFunctionSpec {
  functionName: string;
  functionArn: string;
  nodeBinary: string;
  bootstrapJs: string;
  taskRoot: string;
  memorySizeMb: number;
  timeoutSeconds: number;
  environment: Record<string, string>;
  /** Containers that may run at once: the reserved concurrency, or the harness's cap. */
  maxConcurrency: number;
  /** The function's loggingConfig; Text when absent. */
  logging?: LoggingSettings;
  /** Whether invocations are sampled for X-Ray: Active tracing with a daemon collecting segments. */
  sampled?: boolean;
  onLog(functionName: string, line: string): void;
}

export interface InvokeResult {
  requestId: string;
  /** The `_X_AMZN_TRACE_ID` the invocation ran with. */
  traceHeader: string;
  ok: boolean;
  value?: unknown;
  error?: SerializedError;
  durationMs: number;
  /** Set on a cold start. */
  initMs?: number;
  maxRssBytes?: number;
}

export interface FunctionFigures {
  invocations: number;
  errors: number;
  coldStarts: number;
  initMs: number[];
  durationsMs: number[];
  peakRssBytes: number;
}

export class LocalFunction {
  readonly figures: FunctionFigures = { invocations: 0, errors: 0, coldStarts: 0, initMs: [], durationsMs: [], peakRssBytes: 0 };
  private readonly idle: FunctionContainer[] = [];
  private readonly all = new Set<FunctionContainer>();
  private readonly waiting: Array<() => void> = [];
  private busy = 0;
  private stopped = false;
  private readonly logging: LoggingSettings;

  constructor(readonly spec: LocalFunctionSpec) {
    this.logging = spec.logging ?? { format: "Text" };
  }

  async invoke(event: unknown, requestId: string = randomUUID()): Promise<InvokeResult> {
    if (this.stopped) throw new Error(`${this.spec.functionName} is stopped`);
    const traceHeader = newTraceHeader(this.spec.sampled ?? false);
    await this.acquireSlot();
    try {
      const acquired = await this.containerFor(requestId);
      if ("initError" in acquired) return this.record({ requestId, traceHeader, ok: false, error: acquired.initError, durationMs: 0 });
      const { container, initMs } = acquired;
      this.log(startLines(this.logging, requestId));
      const { outcome, durationMs, maxRssBytes } = await container.invoke(requestId, this.spec.functionArn, event, traceHeader);
      if (container.alive && !isFatal(outcome)) this.idle.push(container);
      else this.all.delete(container);
      const status = outcome.ok ? "success" : outcome.error.errorType === "Sandbox.Timedout" ? "timeout" : "error";
      this.log(
        endLines(this.logging, {
          requestId,
          durationMs,
          memorySizeMb: this.spec.memorySizeMb,
          status,
          ...(maxRssBytes === undefined ? {} : { maxRssBytes }),
          ...(initMs === undefined ? {} : { initMs }),
          ...(this.spec.sampled ? { traceHeader } : {}),
        }),
      );
      return this.record({
        requestId,
        traceHeader,
        ok: outcome.ok,
        ...(outcome.ok ? { value: outcome.value } : { error: outcome.error }),
        durationMs,
        ...(initMs === undefined ? {} : { initMs }),
        ...(maxRssBytes === undefined ? {} : { maxRssBytes }),
      });
    } finally {
      this.releaseSlot();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.all].map((container) => container.stop()));
    this.all.clear();
    this.idle.length = 0;
  }

  /** A warm container, or a cold-started one with its init time, or why init failed. */
  private async containerFor(requestId: string): Promise<{ container: FunctionContainer; initMs?: number } | { initError: SerializedError }> {
    const warm = this.idle.pop();
    if (warm?.alive) return { container: warm };
    if (warm) this.all.delete(warm);
    const container = new FunctionContainer({
      functionName: this.spec.functionName,
      nodeBinary: this.spec.nodeBinary,
      bootstrapJs: this.spec.bootstrapJs,
      nodeFlags: lambdaNodeFlags(this.spec.memorySizeMb),
      taskRoot: this.spec.taskRoot,
      environment: this.spec.environment,
      timeoutSeconds: this.spec.timeoutSeconds,
      onLogLine: (line) => {
        if (keepsApplicationLine(this.logging, line)) this.spec.onLog(this.spec.functionName, line);
      },
    });
    this.all.add(container);
    this.figures.coldStarts += 1;
    try {
      const initMs = await container.initMs;
      this.figures.initMs.push(initMs);
      return { container, initMs };
    } catch (error) {
      await container.stop();
      this.all.delete(container);
      const serialized = (error as { serialized?: SerializedError }).serialized;
      const message = error instanceof Error ? error.message : String(error);
      this.log([initFailedLine(this.logging, requestId, serialized?.errorType ?? "Runtime.InitError", serialized?.errorMessage ?? message)]);
      return { initError: serialized ?? { errorType: "Runtime.InitError", errorMessage: message, trace: [] } };
    }
  }

  private log(lines: string[]): void {
    for (const line of lines) this.spec.onLog(this.spec.functionName, line);
  }

  private record(result: InvokeResult): InvokeResult {
    this.figures.invocations += 1;
    if (!result.ok) this.figures.errors += 1;
    this.figures.durationsMs.push(result.durationMs);
    if (result.maxRssBytes !== undefined) this.figures.peakRssBytes = Math.max(this.figures.peakRssBytes, result.maxRssBytes);
    return result;
  }

  private acquireSlot(): Promise<void> {
    if (this.busy < this.spec.maxConcurrency) {
      this.busy += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Hands the slot straight to the next waiting invocation, if any. */
  private releaseSlot(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy -= 1;
  }
}

function isFatal(outcome: InvocationOutcome): boolean {
  return !outcome.ok && outcome.fatal;
}
