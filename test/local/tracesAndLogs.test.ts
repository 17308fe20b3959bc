/**
 * What an operator reads from the deployed packages, run in the local harness with traces
 * collected: every log line of an invocation carries its stage, snapshot, request and trace ids,
 * errors carry their name; the X-Ray daemon stand-in receives, per invocation, a `## <stage>`
 * subsegment with the SDK calls and the OpenSky request under it, and the snapshot id as an
 * annotation; the trace ids in the logs are those of the traces.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { expect } from "chai";
import type { SegmentDocument } from "../../emulators";
import { keyForSnapshot } from "../../handlers/shared/s3Keys";
import { type LocalPipeline, startLocalPipeline } from "../../local/pipeline/localPipeline";
import { generatedSnapshots } from "../../local/pipeline/snapshotSource";
import { removeScratch, scratchLocalRoot } from "../support/pipelineOutputs";

type Line = Record<string, any>;

describe("local run with traces: structured logs and X-Ray subsegments", function () {
  this.timeout(300_000);
  const localRoot = scratchLocalRoot();
  const [tick] = generatedSnapshots(1, 41);
  const snapshotId = String(tick!.snapshot.time);
  const poisonId = String(tick!.snapshot.time + 60);
  const lines: Array<{ stage: string; line: Line }> = [];
  let pipeline: LocalPipeline;
  let documents: readonly SegmentDocument[];

  before(async () => {
    pipeline = await startLocalPipeline({
      stack: "dev",
      openSky: "stand-in",
      localRoot,
      retryDelayMs: 10,
      traces: true,
      onLog: (name, line) => lines.push({ stage: name.replace(/^.*-/, ""), line: JSON.parse(line) as Line }),
    });
    pipeline.emulators.opensky.setSnapshot(tick!.snapshot);
    pipeline.fireScheduledEvent(new Date(tick!.snapshot.time * 1000));
    await pipeline.idle();
    // A raw object processing cannot read: its failures must say so in the logs.
    await pipeline.emulators.clients.s3.send(
      new PutObjectCommand({
        Bucket: pipeline.topology.functions.processing.pkg.environment.RAW_BUCKET,
        Key: keyForSnapshot("raw", Number(poisonId)),
        Body: "{not json",
      }),
    );
    await pipeline.idle();
    // The SDK sends each subsegment as it closes; the last datagrams need a moment.
    await new Promise((resolve) => setTimeout(resolve, 200));
    documents = pipeline.traces!.documents;
  });

  after(async () => {
    await pipeline?.stop();
    removeScratch(localRoot);
  });

  const applicationLines = () => lines.filter(({ line }) => line.level !== undefined);
  /** requestId → the Roots of the trace headers Lambda reported for its attempts (a retry keeps the request id). */
  const reportedTraces = () => {
    const roots = new Map<string, string[]>();
    for (const { line } of lines.filter((entry) => entry.line.type === "platform.report")) {
      const root = /Root=([^;]+)/.exec(line.record.tracing?.value ?? "")?.[1];
      if (root !== undefined) roots.set(line.record.requestId, [...(roots.get(line.record.requestId) ?? []), root]);
    }
    return roots;
  };

  it("puts stage, snapshot id, request id and trace id on every line the handlers write", () => {
    const reported = reportedTraces();
    expect(applicationLines()).to.have.length.greaterThan(5);
    for (const { stage, line } of applicationLines()) {
      expect(line.stage, JSON.stringify(line)).to.equal(stage);
      expect(line.snapshotId, JSON.stringify(line)).to.be.oneOf([snapshotId, poisonId]);
      expect(line.traceId, JSON.stringify(line)).to.be.oneOf(reported.get(line.requestId) ?? []);
    }
  });

  it("logs a failure with the error's name and the snapshot it concerns", () => {
    const failures = applicationLines().filter(({ line }) => line.level === "ERROR" && line.stage === "processing");
    expect(failures).to.have.length(3);
    for (const { line } of failures) {
      expect(line.snapshotId).to.equal(poisonId);
      expect(line.error).to.include({ name: "UnreadableSnapshotError" });
    }
  });

  /** The subsegments under the invocation subsegment of a stage, by trace. */
  const invocation = (stage: string, id: string) => {
    const root = documents.find(
      (document) =>
        document.name === `## ${stage}` &&
        (document.annotations?.snapshotId === id || documents.some((child) => child.parent_id === document.id && child.annotations?.snapshotId === id)),
    );
    expect(root, `## ${stage} of ${id}`).to.not.equal(undefined);
    const below = (parent: SegmentDocument): SegmentDocument[] =>
      documents.filter((document) => document.parent_id === parent.id).flatMap((child) => [child, ...below(child)]);
    return { root: root!, calls: below(root!) };
  };
  const operations = (calls: SegmentDocument[], service: string) =>
    calls.filter((call) => call.name === service).map((call) => (call.aws as { operation?: string }).operation);

  it("traces ingestion: the OpenSky request and each AWS call under `## ingestion`, annotated with the snapshot", () => {
    const { root, calls } = invocation("ingestion", snapshotId);
    expect(root.annotations).to.include({ snapshotId, Service: "flight-data-pipeline", ColdStart: true });
    const openSky = calls.find((call) => call.namespace === "remote");
    expect(openSky?.http?.request?.url).to.match(/\/api\/states\/all$/);
    expect(openSky?.http?.response?.status).to.equal(200);
    expect(operations(calls, "S3")).to.include("PutObject");
    expect(operations(calls, "DynamoDB")).to.include("UpdateItem");
    expect(operations(calls, "CloudWatch")).to.include("PutMetricData");
    for (const call of calls.filter((candidate) => candidate.namespace === "aws")) expect(call.aws).to.include({ region: pipeline.topology.region });
  });

  it("traces processing and validation under a `snapshot` subsegment per snapshot, the alert included", () => {
    const processing = invocation("processing", snapshotId);
    const snapshot = processing.calls.find((call) => call.name === "snapshot");
    expect(snapshot?.annotations).to.deep.equal({ snapshotId });
    expect(operations(processing.calls, "S3")).to.include.members(["GetObject", "PutObject"]);
    const validation = invocation("validation", snapshotId);
    expect(operations(validation.calls, "SNS")).to.deep.equal(["Publish"]);
    expect(operations(validation.calls, "S3")).to.include.members(["GetObject", "PutObject"]);
  });

  it("marks a failed invocation's subsegment with its error, and the log lines name the same trace", () => {
    const { root } = invocation("processing", poisonId);
    expect(root.fault || root.error, JSON.stringify(root)).to.equal(true);
    const traced = new Set(documents.map((document) => document.trace_id));
    for (const { line } of applicationLines()) expect(traced.has(line.traceId), line.traceId).to.equal(true);
    expect(pipeline.traces!.malformed).to.equal(0);
  });
});
