/**
 * One warm "container" of a function: a child process on the Lambda runtime's Node that loaded
 * the package once (init) and serves invocations one at a time. A crash or a timeout kills it;
 * the function then cold-starts a new one, as Lambda does.
 */
import { type ChildProcess, spawn } from "child_process";
import * as readline from "readline";
import type { ContainerMessage, InvokeMessage, SerializedError } from "./protocol";

export interface ContainerSpec {
  functionName: string;
  nodeBinary: string;
  bootstrapJs: string;
  /** What Lambda's runtime passes to node before the bootstrap: lambdaNodeFlags of the memory size. */
  nodeFlags: readonly string[];
  taskRoot: string;
  /** The complete environment: nothing of the harness's own environment leaks in. */
  environment: Record<string, string>;
  timeoutSeconds: number;
  /** Receives each line the container writes to stdout or stderr. */
  onLogLine(line: string): void;
}

export type InvocationOutcome =
  { ok: true; value: unknown } | { ok: false; error: SerializedError; /** The container died or was killed: it cannot be reused. */ fatal: boolean };

export interface InvocationRecord {
  outcome: InvocationOutcome;
  durationMs: number;
  /** Peak RSS of the container so far; undefined when it died before reporting. */
  maxRssBytes?: number;
}

export class FunctionContainer {
  private readonly child: ChildProcess;
  private exited = false;
  private pending?: { requestId: string; settle(message: ContainerMessage | { type: "exit"; reason: string }): void };
  /** Milliseconds from spawn to the handler being loaded: the Init Duration of Lambda's REPORT line. */
  readonly initMs: Promise<number>;

  constructor(private readonly spec: ContainerSpec) {
    const started = performance.now();
    this.child = spawn(spec.nodeBinary, [...spec.nodeFlags, spec.bootstrapJs], {
      cwd: spec.taskRoot,
      env: spec.environment,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "json",
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (stream) readline.createInterface({ input: stream }).on("line", spec.onLogLine);
    }
    this.initMs = new Promise<number>((resolve, reject) => {
      const initTimer = setTimeout(() => {
        this.kill();
        reject(new Error(`${spec.functionName}: init did not finish within the ${spec.timeoutSeconds} s timeout`));
      }, spec.timeoutSeconds * 1000);
      const onInitMessage = (message: ContainerMessage) => {
        if (message.type === "ready") resolve(performance.now() - started);
        else if (message.type === "initError") reject(Object.assign(new Error(message.error.errorMessage), { serialized: message.error }));
        else return;
        clearTimeout(initTimer);
        this.child.off("message", onInitMessage);
      };
      this.child.on("message", onInitMessage);
      this.child.once("exit", (code, signal) => {
        clearTimeout(initTimer);
        reject(new Error(`${spec.functionName}: runtime exited during init (${signal ?? `exit code ${code}`})`));
      });
      this.child.on("error", (error) => {
        clearTimeout(initTimer);
        reject(new Error(`${spec.functionName}: could not start ${spec.nodeBinary}: ${error.message}`));
      });
    });
    this.child.on("message", (message: ContainerMessage) => {
      if ((message.type === "result" || message.type === "error") && this.pending?.requestId === message.requestId) {
        this.pending.settle(message);
      }
    });
    this.child.on("exit", (code, signal) => {
      this.exited = true;
      this.pending?.settle({ type: "exit", reason: `Runtime exited with error: ${signal ? `signal: ${signal}` : `exit status ${code}`}` });
    });
  }

  get alive(): boolean {
    return !this.exited;
  }

  invoke(requestId: string, invokedFunctionArn: string, event: unknown, traceHeader: string): Promise<InvocationRecord> {
    if (this.pending) throw new Error(`${this.spec.functionName}: a container serves one invocation at a time`);
    const started = performance.now();
    const deadlineMs = Date.now() + this.spec.timeoutSeconds * 1000;
    return new Promise<InvocationRecord>((resolve) => {
      const timer = setTimeout(() => {
        settle({ type: "exit", reason: `Task timed out after ${this.spec.timeoutSeconds.toFixed(2)} seconds` }, "Sandbox.Timedout");
        this.kill();
      }, this.spec.timeoutSeconds * 1000);
      const settle = (message: ContainerMessage | { type: "exit"; reason: string }, exitType = "Runtime.ExitError") => {
        if (this.pending?.requestId !== requestId) return;
        clearTimeout(timer);
        this.pending = undefined;
        const durationMs = performance.now() - started;
        if (message.type === "result") resolve({ outcome: { ok: true, value: message.value }, durationMs, maxRssBytes: message.maxRssBytes });
        else if (message.type === "error")
          resolve({ outcome: { ok: false, error: message.error, fatal: false }, durationMs, maxRssBytes: message.maxRssBytes });
        else if (message.type === "exit") {
          resolve({
            outcome: { ok: false, error: { errorType: exitType, errorMessage: `RequestId: ${requestId} Error: ${message.reason}`, trace: [] }, fatal: true },
            durationMs,
          });
        }
      };
      this.pending = { requestId, settle };
      const message: InvokeMessage = { type: "invoke", requestId, invokedFunctionArn, event, deadlineMs, traceHeader };
      this.child.send(message);
    });
  }

  kill(): void {
    if (!this.exited) this.child.kill("SIGKILL");
  }

  /** Resolves once the process is gone. */
  stop(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once("exit", () => resolve());
      this.kill();
    });
  }
}
