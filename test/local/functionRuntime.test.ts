/**
 * The Lambda-like harness on hand-written packages: the Lambda runtime's Node, the SDK and only
 * the SDK on the module path, warm containers reused, the timeout enforced, a crash replaced by a
 * cold start, the context a handler gets, its trace header, and the JSON log format.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { prepareBootstrap } from "../../local/function-runner/bootstrapScript";
import type { LoggingSettings } from "../../local/function-runner/lambdaLogs";
import { LocalFunction } from "../../local/function-runner/localFunction";
import { DEFAULT_LAMBDA_RUNTIME } from "../../config/stackConfig";
import { locateNodeRuntime, nodeMajorOf } from "../../local/function-runner/nodeRuntime";
import { prepareSdkModulePath } from "../../local/function-runner/sdkModulePath";
import { removeScratch, scratchLocalRoot } from "../support/pipelineOutputs";

const HANDLERS = `
let invocations = 0;
exports.handler = async (event, context) => {
  invocations += 1;
  if (event.action === "sleep") await new Promise((resolve) => setTimeout(resolve, event.ms));
  if (event.action === "exit") process.exit(3);
  if (event.action === "throw") throw new TypeError("bad input");
  if (event.action === "grow") {
    const kept = [];
    for (let i = 0; i < 4_000_000; i++) kept.push({ i, text: "state " + i });
    return { kept: kept.length };
  }
  return {
    node: process.version,
    invocations,
    requestId: context.awsRequestId,
    remainingMs: context.getRemainingTimeInMillis(),
    sdk: typeof require("@aws-sdk/client-s3").S3Client,
    heapLimitMb: require("v8").getHeapStatistics().heap_size_limit / 2 ** 20,
    gc: typeof gc,
  };
};
`;

describe("local Lambda harness", function () {
  this.timeout(30_000);
  const localRoot = scratchLocalRoot();
  const taskParent = fs.mkdtempSync(path.join(os.tmpdir(), "harness-task-"));
  const functions: LocalFunction[] = [];

  function localFunction(name: string, indexJs: string, timeoutSeconds = 2, logging?: { settings: LoggingSettings; lines: string[] }): LocalFunction {
    const taskRoot = path.join(taskParent, name);
    fs.mkdirSync(taskRoot);
    fs.writeFileSync(path.join(taskRoot, "__index.js"), indexJs);
    const nodeBinary = locateNodeRuntime(DEFAULT_LAMBDA_RUNTIME);
    const created = new LocalFunction({
      functionName: name,
      functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
      nodeBinary,
      bootstrapJs: prepareBootstrap(localRoot),
      taskRoot,
      memorySizeMb: 128,
      timeoutSeconds,
      environment: {
        PATH: path.dirname(nodeBinary),
        _HANDLER: "__index.handler",
        LAMBDA_TASK_ROOT: taskRoot,
        NODE_PATH: prepareSdkModulePath(localRoot),
        ...(logging?.settings.format === "JSON"
          ? { AWS_LAMBDA_LOG_FORMAT: "JSON", AWS_LAMBDA_LOG_LEVEL: logging.settings.applicationLogLevel ?? "TRACE" }
          : {}),
      },
      maxConcurrency: 1,
      ...(logging ? { logging: logging.settings } : {}),
      onLog: (_name, line) => logging?.lines.push(line),
    });
    functions.push(created);
    return created;
  }

  after(async () => {
    await Promise.all(functions.map((created) => created.stop()));
    removeScratch(localRoot);
    removeScratch(taskParent);
  });

  it("runs on the Lambda runtime's Node with the SDK on the module path, reusing the warm container", async () => {
    const fn = localFunction("warm", HANDLERS);
    const first = await fn.invoke({}, "request-1");
    const second = await fn.invoke({}, "request-2");
    expect(first.value).to.include({ invocations: 1, requestId: "request-1", sdk: "function" });
    expect((first.value as { node: string }).node).to.match(new RegExp(`^v${nodeMajorOf(DEFAULT_LAMBDA_RUNTIME)}\\.`));
    expect((first.value as { remainingMs: number }).remainingMs).to.be.within(1, 2_000);
    expect(first.initMs).to.be.greaterThan(0);
    expect(second.value).to.include({ invocations: 2, requestId: "request-2" });
    expect(second.initMs).to.equal(undefined);
    expect(fn.figures).to.include({ coldStarts: 1, invocations: 2, errors: 0 });
    expect(fn.figures.peakRssBytes).to.be.greaterThan(10 * 1024 * 1024);
  });

  it("gives V8 the heap Lambda's runtime gives a function of its memory size, and fails a function that outgrows it", async () => {
    const fn = localFunction("heap", HANDLERS);
    const sized = (await fn.invoke({})).value as { heapLimitMb: number; gc: string };
    expect(sized.gc, "Lambda's runtime starts node with --expose-gc").to.equal("function");
    // 128 MB: 115 MB of old generation and 6 MB semi-spaces, where Node's own default here is gigabytes.
    expect(sized.heapLimitMb).to.be.within(115, 140);
    const grown = await fn.invoke({ action: "grow" });
    expect(grown.ok).to.equal(false);
    expect(grown.error?.errorType).to.equal("Runtime.ExitError");
    expect(grown.error?.errorMessage, "V8 aborts at its heap limit").to.contain("signal: SIGABRT");
    expect((await fn.invoke({})).value).to.include({ invocations: 1 });
    expect(fn.figures.coldStarts).to.equal(2);
  });

  it("fails init with Runtime.ImportModuleError for a package the archive lacks, though the project has it", async () => {
    const fn = localFunction("missing-module", `const pRetry = require("p-retry");\nexports.handler = async () => pRetry;`);
    const result = await fn.invoke({});
    expect(result.ok).to.equal(false);
    expect(result.error?.errorType).to.equal("Runtime.ImportModuleError");
    expect(result.error?.errorMessage).to.contain("p-retry");
  });

  it("reports a thrown error and keeps the container", async () => {
    const fn = localFunction("throws", HANDLERS);
    const failed = await fn.invoke({ action: "throw" });
    expect(failed.error).to.include({ errorType: "TypeError", errorMessage: "bad input" });
    expect((await fn.invoke({})).value).to.include({ invocations: 2 });
    expect(fn.figures.coldStarts).to.equal(1);
  });

  it("kills a container past its timeout and cold-starts the next invocation", async () => {
    const fn = localFunction("slow", HANDLERS, 1);
    const timedOut = await fn.invoke({ action: "sleep", ms: 5_000 }, "slow-request");
    expect(timedOut.error?.errorType).to.equal("Sandbox.Timedout");
    expect(timedOut.error?.errorMessage).to.equal("RequestId: slow-request Error: Task timed out after 1.00 seconds");
    expect(timedOut.durationMs).to.be.within(950, 2_000);
    expect((await fn.invoke({})).value).to.include({ invocations: 1 });
    expect(fn.figures.coldStarts).to.equal(2);
  });

  it("replaces a container whose runtime exited mid-invocation", async () => {
    const fn = localFunction("crash", HANDLERS);
    const crashed = await fn.invoke({ action: "exit" });
    expect(crashed.error?.errorType).to.equal("Runtime.ExitError");
    expect(crashed.error?.errorMessage).to.contain("exit status 3");
    expect((await fn.invoke({})).value).to.include({ invocations: 1 });
    expect(fn.figures.coldStarts).to.equal(2);
  });

  it("gives each invocation its own trace header, and writes JSON logs filtered by the function's levels", async () => {
    const logging = { settings: { format: "JSON", applicationLogLevel: "INFO", systemLogLevel: "INFO" } as LoggingSettings, lines: [] as string[] };
    const fn = localFunction(
      "json-logs",
      `exports.handler = async () => {
        console.log("hello", 42);
        console.debug("too detailed");
        process.stdout.write(JSON.stringify({ level: "DEBUG", message: "dropped" }) + "\\n");
        process.stdout.write(JSON.stringify({ level: "WARN", message: "kept", stage: "test" }) + "\\n");
        return process.env._X_AMZN_TRACE_ID;
      };`,
      2,
      logging,
    );
    const first = await fn.invoke({}, "request-a");
    const second = await fn.invoke({}, "request-b");
    expect(first.value).to.equal(first.traceHeader);
    expect(first.traceHeader).to.match(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    expect(second.traceHeader).to.not.equal(first.traceHeader);
    const records = logging.lines.map((line) => JSON.parse(line) as Record<string, any>);
    const ofFirst = records.filter((record) => record.requestId === "request-a" || record.record?.requestId === "request-a");
    expect(ofFirst.map((record) => record.type ?? record.message)).to.deep.equal(["platform.start", "hello 42", "platform.report"]);
    expect(ofFirst[1]).to.include({ level: "INFO", requestId: "request-a" });
    expect(ofFirst[2].record).to.deep.include({ requestId: "request-a", status: "success" });
    expect(ofFirst[2].record.metrics).to.include.keys("durationMs", "billedDurationMs", "memorySizeMB", "maxMemoryUsedMB", "initDurationMs");
    expect(records.filter((record) => record.message === "kept")).to.have.length(2);
    expect(records.some((record) => record.message === "dropped" || record.message === "too detailed")).to.equal(false);

    const quiet = { settings: { format: "JSON", applicationLogLevel: "INFO", systemLogLevel: "WARN" } as LoggingSettings, lines: [] as string[] };
    await localFunction("json-quiet", `exports.handler = async () => { console.warn("careful"); };`, 2, quiet).invoke({});
    expect(quiet.lines.map((line) => JSON.parse(line).message)).to.deep.equal(["careful"]);
  });
});
