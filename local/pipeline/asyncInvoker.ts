/**
 * Lambda's asynchronous invocation, as S3 notifications and EventBridge schedules use it: the
 * event is queued, a failed attempt is retried up to the function's maximumRetryAttempts (same
 * request id), and when the retries are spent a failure record in the shape of Lambda's
 * on-failure destination record goes to the function's destination queue. Lambda waits one and
 * then two minutes between attempts; here the waits are scaled down to `retryDelayMs` × attempt.
 */
import { randomUUID } from "crypto";
import type { InvokeResult, LocalFunction } from "../function-runner/localFunction";
import type { DeclaredFunction } from "./topology";

export interface AsyncTarget {
  declared: DeclaredFunction;
  runtime: LocalFunction;
}

/** Lambda's on-failure destination record. */
export interface FailureRecord {
  version: "1.0";
  timestamp: string;
  requestContext: { requestId: string; functionArn: string; condition: "RetriesExhausted"; approximateInvokeCount: number };
  requestPayload: unknown;
  responseContext: { statusCode: number; executedVersion: string; functionError: "Unhandled" };
  responsePayload: { errorType: string; errorMessage: string; trace: string[] };
}

export interface AttemptReport {
  functionName: string;
  attempt: number;
  maxAttempts: number;
  result: InvokeResult;
}

export interface AsyncInvokerOptions {
  targets: Map<string, AsyncTarget>;
  /** Delivers the record to the function's on-failure destination, as Lambda does with the function's role. */
  sendFailureRecord(declared: DeclaredFunction, record: FailureRecord): Promise<void>;
  retryDelayMs: number;
  onAttempt(report: AttemptReport): void;
  /** An error of the harness itself (not of a function), e.g. the destination could not be reached. */
  onHarnessError(error: Error): void;
}

export class AsyncInvoker {
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: AsyncInvokerOptions) {}

  /** Accepts the event (as Lambda answers 202) and runs it in the background. */
  invoke(functionName: string, event: unknown): void {
    const target = this.options.targets.get(functionName);
    if (!target) throw new Error(`asynchronous invoke of ${functionName}: no such function in the program`);
    this.inFlight += 1;
    this.run(target, event)
      .catch((error: unknown) => this.options.onHarnessError(error instanceof Error ? error : new Error(String(error))))
      .finally(() => {
        this.inFlight -= 1;
        if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
      });
  }

  /** Resolves once every accepted event, and every event those caused, has finished. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(target: AsyncTarget, event: unknown): Promise<void> {
    const { declared, runtime } = target;
    const requestId = randomUUID();
    const maxAttempts = 1 + declared.maximumRetryAttempts;
    let last: InvokeResult | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs * (attempt - 1)));
      last = await runtime.invoke(event, requestId);
      this.options.onAttempt({ functionName: declared.name, attempt, maxAttempts, result: last });
      if (last.ok) return;
    }
    if (declared.onFailureDestinationArn === undefined || last === undefined) return;
    await this.options.sendFailureRecord(declared, {
      version: "1.0",
      timestamp: new Date().toISOString(),
      requestContext: { requestId, functionArn: `${declared.arn}:$LATEST`, condition: "RetriesExhausted", approximateInvokeCount: maxAttempts },
      requestPayload: event,
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      responsePayload: last.error ?? { errorType: "Unknown", errorMessage: "the invocation failed without an error", trace: [] },
    });
  }
}
