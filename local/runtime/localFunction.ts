/**
 * One function as Lambda runs it: up to its concurrency limit of warm containers, reused across
 * invocations, cold-started when none is free, replaced when one crashes or times out. Writes
 * Lambda's START/END/REPORT lines around each invocation and keeps the figures the summary shows.
 */
import { randomUUID } from "crypto";
import { FunctionContainer, type InvocationOutcome } from "./functionContainer";
import type { SerializedError } from "./protocol";

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
  onLog(functionName: string, line: string): void;
}

export interface InvokeResult {
  requestId: string;
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

  constructor(readonly spec: LocalFunctionSpec) {}

  async invoke(event: unknown, requestId: string = randomUUID()): Promise<InvokeResult> {
    if (this.stopped) throw new Error(`${this.spec.functionName} is stopped`);
    await this.acquireSlot();
    try {
      const acquired = await this.containerFor(requestId);
      if ("initError" in acquired) return this.record({ requestId, ok: false, error: acquired.initError, durationMs: 0 });
      const { container, initMs } = acquired;
      this.spec.onLog(this.spec.functionName, `START RequestId: ${requestId} Version: $LATEST`);
      const { outcome, durationMs, maxRssBytes } = await container.invoke(requestId, this.spec.functionArn, event);
      if (container.alive && !isFatal(outcome)) this.idle.push(container);
      else this.all.delete(container);
      this.spec.onLog(this.spec.functionName, `END RequestId: ${requestId}`);
      this.spec.onLog(this.spec.functionName, reportLine(requestId, durationMs, this.spec.memorySizeMb, maxRssBytes, initMs));
      return this.record({
        requestId,
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
      taskRoot: this.spec.taskRoot,
      environment: this.spec.environment,
      timeoutSeconds: this.spec.timeoutSeconds,
      onLogLine: (line) => this.spec.onLog(this.spec.functionName, line),
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
      this.spec.onLog(this.spec.functionName, `INIT_FAILED RequestId: ${requestId} ${serialized ? `${serialized.errorType}: ${serialized.errorMessage}` : message}`);
      return { initError: serialized ?? { errorType: "Runtime.InitError", errorMessage: message, trace: [] } };
    }
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

function reportLine(requestId: string, durationMs: number, memorySizeMb: number, maxRssBytes: number | undefined, initMs: number | undefined): string {
  const parts = [
    `REPORT RequestId: ${requestId}`,
    `Duration: ${durationMs.toFixed(2)} ms`,
    `Billed Duration: ${Math.ceil(durationMs)} ms`,
    `Memory Size: ${memorySizeMb} MB`,
    `Max Memory Used: ${maxRssBytes === undefined ? "?" : Math.ceil(maxRssBytes / 1024 / 1024)} MB`,
  ];
  if (initMs !== undefined) parts.push(`Init Duration: ${initMs.toFixed(2)} ms`);
  return parts.join("\t");
}
