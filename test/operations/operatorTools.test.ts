/**
 * The operator tools' pieces that need no pipeline: the command lines, the time range, the S3
 * event a backfill sends, how dead letters are read, progress and ETA, and reading the stack
 * outputs (test/program/components.test.ts reads the program's own outputs with it).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { decodeS3EventKey } from "../../handlers/shared/s3Keys";
import { forcedReplay } from "../../handlers/shared/s3EventRecords";
import { parseBackfillCommand, parseRedriveCommand, UsageError } from "../../operations/commandLine";
import { eventETag } from "../../operations/pipelineAccess";
import { duration, progressLine, progressOf } from "../../operations/progress";
import { readDeadLetter } from "../../operations/redrive";
import { s3ObjectCreatedEvent } from "../../operations/s3Event";
import { dayPrefixes, parseBoundary, snapshotRange } from "../../operations/snapshotRange";
import { OutputsError, readOutputsFile, readStackOutputs, targetFromOutputs } from "../../operations/stackOutputs";

const seconds = (iso: string): number => Date.parse(iso) / 1000;

describe("operator tools", () => {
  describe("time range", () => {
    it("takes UTC days and hours, both ends inclusive", () => {
      expect(snapshotRange("2026-11-26", "2026-11-26")).to.deep.equal({ fromTime: seconds("2026-11-26T00:00:00Z"), toTime: seconds("2026-11-27T00:00:00Z") });
      expect(snapshotRange("2026-11-26T22", "2026-11-27T01")).to.deep.equal({
        fromTime: seconds("2026-11-26T22:00:00Z"),
        toTime: seconds("2026-11-27T02:00:00Z"),
      });
      expect(parseBoundary("--from", "2026-11-26T22:00:00Z").start).to.equal(seconds("2026-11-26T22:00:00Z"));
    });

    it("refuses impossible dates and a range that ends before it starts", () => {
      expect(() => parseBoundary("--from", "2026-02-30")).to.throw("--from 2026-02-30: expected a UTC date (2026-11-26) or hour (2026-11-26T22)");
      expect(() => parseBoundary("--to", "2026-11-26T24")).to.throw(RangeError);
      expect(() => parseBoundary("--to", "yesterday")).to.throw(RangeError);
      expect(() => snapshotRange("2026-11-27", "2026-11-26")).to.throw("--to 2026-11-26 is before --from 2026-11-27");
    });

    it("lists one prefix per day the range touches, across a month's end", () => {
      expect(dayPrefixes("raw/", snapshotRange("2026-11-30T23", "2026-12-01T00"))).to.deep.equal([
        "raw/year=2026/month=11/day=30/",
        "raw/year=2026/month=12/day=01/",
      ]);
    });
  });

  describe("the S3 event a backfill sends", () => {
    it("carries the key encoded as S3 encodes it, the bare ETag, and force only when asked", () => {
      const key = "raw/year=2026/month=11/day=26/hour=22/states_1795732800.json";
      const object = { region: "eu-west-1", bucket: "raw-bucket", key, eTag: eventETag('"0123456789abcdef"'), size: 42 };
      const event = s3ObjectCreatedEvent(object, { force: false });
      const record = event.Records[0]!;
      expect(record.s3.object.key).to.equal("raw/year%3D2026/month%3D11/day%3D26/hour%3D22/states_1795732800.json");
      expect(decodeS3EventKey(record.s3.object.key)).to.equal(key);
      expect(record.s3.object).to.include({ eTag: "0123456789abcdef", size: 42 });
      expect(record).to.include({ eventName: "ObjectCreated:Put", awsRegion: "eu-west-1" });
      expect(forcedReplay(event)).to.equal(false);
      expect(forcedReplay(s3ObjectCreatedEvent(object, { force: true }))).to.equal(true);
      expect(decodeS3EventKey(s3ObjectCreatedEvent({ ...object, key: "odd key+plus.json" }, { force: false }).Records[0]!.s3.object.key)).to.equal(
        "odd key+plus.json",
      );
    });
  });

  describe("dead letters", () => {
    const message = (body: unknown, attributes: Record<string, string> = {}) => ({
      messageId: "m-1",
      receiptHandle: "r-1",
      body: typeof body === "string" ? body : JSON.stringify(body),
      sentAt: new Date("2026-11-26T23:00:00Z"),
      attributes,
    });

    it("reads Lambda's failure record: error, time, attempts, snapshots of the original event", () => {
      const payload = s3ObjectCreatedEvent(
        { region: "us-east-1", bucket: "b", key: "raw/year=2026/month=11/day=26/hour=22/states_1795732800.json", eTag: "e", size: 1 },
        { force: false },
      );
      const letter = readDeadLetter(
        message({
          version: "1.0",
          timestamp: "2026-11-26T22:41:00.000Z",
          requestContext: {
            requestId: "q",
            functionArn: "arn:aws:lambda:us-east-1:1:function:f:$LATEST",
            condition: "RetriesExhausted",
            approximateInvokeCount: 3,
          },
          requestPayload: payload,
          responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
          responsePayload: { errorType: "UnreadableSnapshotError", errorMessage: "raw snapshot … is not JSON", trace: [] },
        }),
        "processing",
      );
      expect(letter).to.deep.include({
        kind: "failed-invocation",
        error: "UnreadableSnapshotError: raw snapshot … is not JSON",
        snapshots: ["1795732800"],
        attempts: 3,
        payload,
      });
      expect(letter.failedAt?.toISOString()).to.equal("2026-11-26T22:41:00.000Z");
    });

    it("reads an event EventBridge could not deliver, and ingestion's failed tick, by their fire time", () => {
      const tick = { version: "0", id: "x", "detail-type": "Scheduled Event", source: "aws.events", time: "2026-11-26T22:35:00Z", detail: {} };
      const undelivered = readDeadLetter(message(tick, { ERROR_CODE: "ThrottlingException", ERROR_MESSAGE: "Rate exceeded", RETRY_ATTEMPTS: "3" }), "schedule");
      expect(undelivered).to.deep.include({
        kind: "undelivered-event",
        error: "ThrottlingException: Rate exceeded",
        snapshots: [String(seconds("2026-11-26T22:35:00Z"))],
        attempts: 4,
      });
      const failedTick = readDeadLetter(
        message({
          timestamp: "2026-11-26T22:36:00Z",
          requestContext: { approximateInvokeCount: 3 },
          requestPayload: tick,
          responsePayload: { errorType: "SnapshotBodyError", errorMessage: "HTML" },
        }),
        "ingestion",
      );
      expect(failedTick).to.deep.include({ kind: "failed-invocation", snapshots: [String(seconds("2026-11-26T22:35:00Z"))], error: "SnapshotBodyError: HTML" });
    });

    it("keeps what it cannot read, with the time SQS received it", () => {
      expect(readDeadLetter(message("not json"), "processing")).to.deep.include({
        kind: "unreadable",
        error: "the message is not JSON",
        failedAt: new Date("2026-11-26T23:00:00Z"),
      });
      expect(readDeadLetter(message({ hello: "world" }), "validation").kind).to.equal("unreadable");
    });
  });

  describe("progress", () => {
    it("gives the rate so far and the time left at that rate", () => {
      const progress = progressOf({ done: 30, total: 120, failed: 1, skipped: 4 }, 15_000);
      expect(progress.ratePerSecond).to.equal(2);
      expect(progress.etaSeconds).to.equal(45);
      expect(progressLine(progress)).to.equal(" 30/120 ( 25%)  2.0/s  ETA 45s  skipped 4  failed 1");
      expect(progressOf({ done: 0, total: 5, failed: 0, skipped: 0 }, 0).etaSeconds).to.equal(undefined);
      expect([duration(75), duration(3 * 3600 + 120), duration(90_000)]).to.deep.equal(["1m15s", "3h02m", "1d01h"]);
    });
  });

  describe("command lines", () => {
    it("reads a backfill's options, with processing and two at a time by default", () => {
      const command = parseBackfillCommand(["--stack", "prod", "--from", "2026-11-26", "--to", "2026-11-26T22", "--force", "--outputs", "out.json"]);
      expect(command).to.deep.include({ help: false, stage: "processing", concurrency: 2, force: true, dryRun: false });
      expect((command as { session: unknown }).session).to.deep.equal({ stack: "prod", local: false, outputsFile: path.resolve("out.json") });
    });

    it("refuses what cannot work, naming the option", () => {
      const refused = (parse: () => unknown, message: string) => expect(parse).to.throw(UsageError, message);
      refused(() => parseBackfillCommand(["--from", "2026-11-26", "--to", "2026-11-26"]), "--stack <name> is required");
      refused(() => parseBackfillCommand(["--stack", "dev", "--from", "2026-11-26"]), "--from and --to are required");
      refused(
        () => parseBackfillCommand(["--stack", "dev", "--from", "2026-11-26", "--to", "2026-11-26", "--stage", "ingestion"]),
        "--stage ingestion: must be processing or validation",
      );
      refused(
        () => parseBackfillCommand(["--stack", "dev", "--from", "2026-11-26", "--to", "2026-11-26", "--concurrency", "0"]),
        "--concurrency 0: expected a positive whole number",
      );
      refused(
        () => parseRedriveCommand(["--stack", "dev"]),
        "--stage <stage>: must be one of ingestion, processing, validation, compaction, schedule, compaction-schedule",
      );
      refused(
        () => parseRedriveCommand(["--stack", "dev", "--stage", "processing", "--local", "--outputs", "x.json"]),
        "--local and --outputs exclude each other",
      );
      refused(() => parseRedriveCommand(["--stack", "dev", "--stage", "processing", "--retries", "3"]), "Unknown option '--retries'");
    });
  });

  describe("stack outputs", () => {
    it("say what to do when the Pulumi CLI is missing or the outputs are not the stack's", () => {
      const missingCli = () => {
        throw Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" });
      };
      expect(() => readStackOutputs("prod", missingCli)).to.throw(OutputsError, "pass the file with --outputs <file>");
      const failing = () => {
        throw Object.assign(new Error("exit 255"), { status: 255, stderr: "error: no stack named 'prod' found\n" });
      };
      expect(() => readStackOutputs("prod", failing)).to.throw(OutputsError, "error: no stack named 'prod' found");
      expect(readStackOutputs("prod", (command, args) => JSON.stringify({ ran: [command, ...args].join(" ") }))).to.deep.equal({
        ran: "pulumi stack output --json --stack prod",
      });
      expect(() => targetFromOutputs("prod", { rawBucket: "r" }, "saved.json")).to.throw(OutputsError, "saved.json has no invokeArns.ingestion output");
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "outputs-")), "outputs.json");
      fs.writeFileSync(file, "[]");
      expect(() => readOutputsFile(file)).to.throw(OutputsError, "is not the JSON object `pulumi stack output --json` prints");
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    });
  });
});
