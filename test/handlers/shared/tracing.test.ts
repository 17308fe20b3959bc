/**
 * Tracing and the invocation scope outside Lambda: nothing is traced or loaded unless the stack
 * asks for it, Powertools' own switch is obeyed, and the ids every log line carries come from the
 * invocation (test/local/tracesAndLogs.test.ts covers tracing in Lambda's environment).
 */
import { expect } from "chai";
import { createInvocationScope, traceIdOf } from "../../../handlers/shared/invocationScope";
import { createLogger } from "../../../handlers/shared/logger";
import { createTracing, NO_TRACING } from "../../../handlers/shared/tracing";

describe("tracing and the invocation scope", () => {
  it("traces nothing when the stack does not instrument, when Powertools is switched off, or outside Lambda", async () => {
    const client = { send: async () => "answer" };
    expect(createTracing({ instrument: false, stage: "processing", serviceName: "s", env: { AWS_EXECUTION_ENV: "AWS_Lambda_nodejs24.x" } })).to.equal(
      NO_TRACING,
    );
    expect(createTracing({ instrument: true, stage: "processing", serviceName: "s", env: { POWERTOOLS_TRACE_ENABLED: "False" } })).to.equal(NO_TRACING);
    const outside = createTracing({ instrument: true, stage: "processing", serviceName: "s", env: {} });
    expect(outside.enabled).to.equal(false);
    expect(outside.client(client)).to.equal(client);
    expect(await outside.snapshot("1795732800", () => Promise.resolve(42))).to.equal(42);
  });

  it("takes the trace id from the header Lambda sets, and puts the invocation's ids on every line", () => {
    expect(traceIdOf("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")).to.equal("1-5759e988-bd862e3fe1be46a994272793");
    expect(traceIdOf("Parent=53995c3f42cd8ad8;Sampled=0")).to.equal(undefined);
    expect(traceIdOf(undefined)).to.equal(undefined);

    const scope = createInvocationScope();
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({ level: "INFO", fields: { stage: "validation" }, write: (line) => lines.push(JSON.parse(line)) }).withContext(scope.fields);
    scope.begin("request-1", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1");
    logger.info("before the snapshot is known");
    scope.focus("1795732800");
    logger.child({ key: "processed/x.parquet" }).warn("about the snapshot");
    logger.info("explicit fields win", { snapshotId: "other" });
    scope.end();
    logger.info("between invocations");
    expect(lines.map(({ requestId, traceId, snapshotId, stage }) => ({ requestId, traceId, snapshotId, stage }))).to.deep.equal([
      { requestId: "request-1", traceId: "1-5759e988-bd862e3fe1be46a994272793", snapshotId: undefined, stage: "validation" },
      { requestId: "request-1", traceId: "1-5759e988-bd862e3fe1be46a994272793", snapshotId: "1795732800", stage: "validation" },
      { requestId: "request-1", traceId: "1-5759e988-bd862e3fe1be46a994272793", snapshotId: "other", stage: "validation" },
      { requestId: undefined, traceId: undefined, snapshotId: undefined, stage: "validation" },
    ]);
  });
});
