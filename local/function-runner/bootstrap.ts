/**
 * The runtime inside a function's container, standing in for the Lambda Node.js runtime's
 * bootstrap: loads the handler named by _HANDLER from LAMBDA_TASK_ROOT (the init phase), then
 * runs one invocation per message from the harness with a Lambda-shaped context and the
 * invocation's trace header in `_X_AMZN_TRACE_ID`. With the JSON log format
 * (AWS_LAMBDA_LOG_FORMAT) the console methods write JSON records with the request id and drop
 * what is below AWS_LAMBDA_LOG_LEVEL, as Lambda's runtime patches them. It runs on the Lambda
 * runtime's Node, transpiled to JavaScript by the harness, and requires only Node built-ins.
 */
import * as path from "path";
import { format } from "util";
import type { ContainerMessage, InvokeMessage, SerializedError } from "./protocol";

type Handler = (event: unknown, context: object) => unknown;

function send(message: ContainerMessage): void {
  (process.send as (message: ContainerMessage) => boolean)(message);
}

function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? "").split("\n") };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

/** Peak resident set size of this process so far, as Lambda's "Max Memory Used" reports it. */
const maxRssBytes = (): number => process.resourceUsage().maxRSS * 1024;

function loadHandler(): Handler {
  const handlerSetting = process.env._HANDLER ?? "";
  const taskRoot = process.env.LAMBDA_TASK_ROOT ?? "";
  const dot = handlerSetting.lastIndexOf(".");
  if (dot <= 0) throw Object.assign(new Error(`Bad handler ${handlerSetting}: expected <module>.<export>`), { name: "Runtime.MalformedHandlerName" });
  const modulePath = path.join(taskRoot, handlerSetting.slice(0, dot));
  const exported = (require(modulePath) as Record<string, unknown>)[handlerSetting.slice(dot + 1)];
  if (typeof exported !== "function") {
    throw Object.assign(new Error(`${handlerSetting} is undefined or not exported`), { name: "Runtime.HandlerNotFound" });
  }
  return exported as Handler;
}

function contextFor(message: InvokeMessage): object {
  const env = process.env;
  return {
    awsRequestId: message.requestId,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: message.invokedFunctionArn,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, message.deadlineMs - Date.now()),
  };
}

let currentRequestId: string | undefined;

function writeConsoleAsJson(): void {
  const levels = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
  const minimum = Math.max(0, levels.indexOf((process.env.AWS_LAMBDA_LOG_LEVEL ?? "TRACE").toUpperCase()));
  const methods: Array<[keyof Console, string]> = [
    ["trace", "TRACE"],
    ["debug", "DEBUG"],
    ["log", "INFO"],
    ["info", "INFO"],
    ["warn", "WARN"],
    ["error", "ERROR"],
  ];
  for (const [method, level] of methods) {
    const write =
      levels.indexOf(level) < minimum
        ? () => undefined
        : (...args: unknown[]) => {
            const only = args.length === 1 ? args[0] : undefined;
            const message = args.length !== 1 ? format(...args) : only instanceof Error ? serializeError(only) : only;
            const record = { timestamp: new Date().toISOString(), level, requestId: currentRequestId, message };
            process.stdout.write(`${JSON.stringify(record)}\n`);
          };
    (console as unknown as Record<string, unknown>)[method] = write;
  }
}

if (process.env.AWS_LAMBDA_LOG_FORMAT === "JSON") writeConsoleAsJson();

let handler: Handler;
try {
  handler = loadHandler();
} catch (error) {
  // Lambda names a module that cannot be found at init Runtime.ImportModuleError.
  const missingModule = (error as { code?: unknown }).code === "MODULE_NOT_FOUND";
  send({ type: "initError", error: { ...serializeError(error), ...(missingModule ? { errorType: "Runtime.ImportModuleError" } : {}) } });
  process.exit(1);
}

// A harness that dies without stopping its containers must not leave them running.
process.on("disconnect", () => process.exit(0));

process.on("message", (message: InvokeMessage) => {
  currentRequestId = message.requestId;
  process.env._X_AMZN_TRACE_ID = message.traceHeader;
  Promise.resolve()
    .then(() => handler(message.event, contextFor(message)))
    .then(
      (value) => send({ type: "result", requestId: message.requestId, value: value ?? null, maxRssBytes: maxRssBytes() }),
      (error: unknown) => send({ type: "error", requestId: message.requestId, error: serializeError(error), maxRssBytes: maxRssBytes() }),
    );
});
send({ type: "ready" });
