/** Messages between the harness and the runtime bootstrap in a function's container, over Node IPC. */

export interface InvokeMessage {
  type: "invoke";
  requestId: string;
  /** The ARN the caller invoked, qualifier included: the context's invokedFunctionArn. */
  invokedFunctionArn: string;
  event: unknown;
  /** Epoch ms at which the configured timeout ends. */
  deadlineMs: number;
  /** The invocation's X-Ray trace header, which the runtime puts in `_X_AMZN_TRACE_ID`. */
  traceHeader: string;
}

export interface SerializedError {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

export type ContainerMessage =
  | { type: "ready" }
  | { type: "initError"; error: SerializedError }
  | { type: "result"; requestId: string; value: unknown; maxRssBytes: number }
  | { type: "error"; requestId: string; error: SerializedError; maxRssBytes: number };
