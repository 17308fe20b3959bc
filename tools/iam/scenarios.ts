/**
 * Runs one stack's local pipeline through the paths its functions take in AWS and collects every
 * authorization they need: the requests each function made (seen by the fault proxy in front of
 * each stand-in, told apart by each function's own keys), what AWS asks KMS for on their behalf,
 * what S3 checks to answer 404, and what the Lambda service does with their roles.
 *
 * The paths: scheduled ticks with every S3 event delivered twice (duplicates and concurrent
 * claims), a bad snapshot (quality alert), the schedule firing again for a stored snapshot (the
 * 412 and the HeadObject after it), a lost PutObject response and a conditional write still in
 * flight (409, then a HeadObject of a missing key), enough bad snapshots in a row to open the
 * circuit breaker and a good one to close it, an OpenSky answer that is not a snapshot, a poison
 * raw object, and events for objects that are gone (each of the last three exhausting Lambda's
 * retries into the function's DLQ); then the compaction of the ticks' day, its rerun over unchanged
 * inputs, its recompaction after a late snapshot (which reads the daily file's footer first), a
 * compaction while a backfill holds the day's lease, and a request naming no day (retries into the DLQ).
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { S3EventRecord } from "aws-lambda";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { STAGES } from "../../contract/dataLayout";
import { ENV } from "../../contract/environment";
import { awsErrors, openSkyFailures, type ProxiedService } from "../../emulators";
import { encodeKeyLikeS3Events } from "../../handlers/shared/s3Keys";
import { generateSnapshot } from "../../fixtures/snapshotGenerator";
import { keyForSnapshot } from "../../handlers/shared/s3Keys";
import { createTrackingStore } from "../../handlers/shared/tracking";
import type { AttemptReport } from "../../local/pipeline/asyncInvoker";
import { type LocalPipeline, startLocalPipeline } from "../../local/pipeline/localPipeline";
import { BAD_SNAPSHOT_DEFECTS, GENERATED_STATE_COUNT } from "../../local/pipeline/snapshotSource";
import { callsOfExchange, type LocalNames, type ObservedCall } from "./observedCalls";
import { platformCalls } from "./platformCalls";
import { type StackAccess, stackAccessOf } from "./stackAccess";

export interface StackObservation {
  access: StackAccess;
  calls: ObservedCall[];
  /** The paths taken, in order. */
  scenarios: string[];
}

export interface ObserveOptions {
  /** Scratch folder for packages and outputs; a temporary one, removed afterwards, by default. */
  localRoot?: string;
  onProgress?(line: string): void;
  /** Called once the stack's program is built (the mocked build is process-wide): another stack may start building. */
  onBuilt?(): void;
}

const TICK_SECONDS = 300;

function localNamesOf(pipeline: LocalPipeline): LocalNames {
  const queueArns = new Map([...pipeline.provisioned.queueUrls].map(([declared, url]) => [url, declared]));
  const declared = new Map([...pipeline.provisioned.arnTranslation].map(([declaredArn, localArn]) => [localArn, declaredArn]));
  for (const secret of pipeline.topology.secrets) declared.set(secret.name, secret.arn);
  for (const known of [...pipeline.topology.topics, ...pipeline.topology.secrets]) declared.set(known.arn, known.arn);
  return { queueArnOfUrl: (url) => queueArns.get(url), declaredArnOf: (id) => declared.get(id) };
}

export async function observeStack(stack: string, options: ObserveOptions = {}): Promise<StackObservation> {
  const localRoot = options.localRoot ?? fs.mkdtempSync(path.join(os.tmpdir(), `iam-report-${stack}-`));
  try {
    return await observeIn(stack, localRoot, options);
  } finally {
    if (options.localRoot === undefined) fs.rmSync(localRoot, { recursive: true, force: true });
  }
}

async function observeIn(stack: string, localRoot: string, options: ObserveOptions): Promise<StackObservation> {
  const calls: ObservedCall[] = [];
  const problems: string[] = [];
  const scenarios: string[] = [];
  const attempts: AttemptReport[] = [];

  const pipeline = await startLocalPipeline({
    stack,
    openSky: "stand-in",
    localRoot,
    retryDelayMs: 10,
    faultInjection: true,
    s3EventDeliveries: 2,
    onAttempt: (report) => attempts.push(report),
    ...(options.onBuilt ? { onBuilt: options.onBuilt } : {}),
  });
  let access: StackAccess;
  try {
    const model = stackAccessOf(pipeline.program);
    access = model;
    const names = localNamesOf(pipeline);
    const stageOfKey = new Map(STAGES.map((stage) => [pipeline.credentials[stage].accessKeyId, stage] as const));
    for (const [service, proxy] of Object.entries(pipeline.emulators.faults) as Array<
      [ProxiedService, NonNullable<(typeof pipeline.emulators.faults)[ProxiedService]>]
    >) {
      proxy.observe((exchange) => {
        const stage = exchange.accessKeyId === undefined ? undefined : stageOfKey.get(exchange.accessKeyId);
        if (stage === undefined) {
          problems.push(
            `${service} ${exchange.request.operation} ${exchange.request.url} was signed with ${exchange.accessKeyId ?? "no key"}, which no function has`,
          );
          return;
        }
        try {
          calls.push(...callsOfExchange(service, exchange, model.functions[stage], model, names));
        } catch (error) {
          problems.push((error as Error).message);
        }
      });
    }
    await runScenarios(pipeline, scenarios, options.onProgress ?? (() => undefined));
  } finally {
    await pipeline.stop();
  }

  const containers = new Map<string, number>();
  for (const attempt of attempts) {
    const count = (containers.get(attempt.functionName) ?? 0) + (attempt.result.initMs !== undefined ? 1 : 0);
    containers.set(attempt.functionName, count);
    calls.push(...platformCalls(access, attempt, count));
  }
  if (problems.length > 0) throw new Error(`the local run of ${stack} made calls the IAM model cannot place:\n- ${[...new Set(problems)].join("\n- ")}`);
  return { access, calls, scenarios };
}

async function runScenarios(pipeline: LocalPipeline, scenarios: string[], progress: (line: string) => void): Promise<void> {
  const { topology, emulators, invoker } = pipeline;
  const rawBucket = topology.functions.processing.pkg.environment.RAW_BUCKET as string;
  const threshold = Number(topology.functions.validation.pkg.environment.CIRCUIT_BREAKER_THRESHOLD ?? 3);
  const s3 = emulators.faults.s3;
  if (s3 === undefined) throw new Error("the local pipeline runs without the fault proxy");
  let time = Math.floor(Date.now() / 1000 / TICK_SECONDS) * TICK_SECONDS - 40 * TICK_SECONDS;
  let seed = 101;

  const step = async (name: string, act: () => void | Promise<void>) => {
    progress(`${topology.stack}: ${name}`);
    scenarios.push(name);
    await act();
    await invoker.idle();
  };
  const tick = async (name: string, bad = false, before?: () => void) =>
    step(name, () => {
      time += TICK_SECONDS;
      seed += 1;
      const { snapshot } = generateSnapshot({ seed, stateCount: GENERATED_STATE_COUNT, time, ...(bad ? { defects: BAD_SNAPSHOT_DEFECTS } : {}) });
      emulators.opensky.setSnapshot(snapshot);
      before?.();
      pipeline.fireScheduledEvent(new Date(time * 1000));
    });
  const rawWrite = (request: { url: string }) => request.url.startsWith(`/${rawBucket}/raw/`);
  /** An ObjectCreated record for a key nobody wrote: the event outlived its object. */
  const recordForMissing = (bucket: string, key: string): S3EventRecord => {
    const model = emulators.s3.events.find((record) => record.s3.bucket.name === bucket);
    if (model === undefined) throw new Error(`no S3 event from ${bucket} to model a stale one on`);
    return { ...model, s3: { ...model.s3, object: { ...model.s3.object, key: encodeKeyLikeS3Events(key) } } };
  };

  await tick("scheduled tick, every S3 event delivered twice");
  await tick("scheduled tick with a bad snapshot: quality alert", true);
  await tick("scheduled tick");
  await step("the schedule fires again for a stored snapshot: 412, then HeadObject", () => pipeline.fireScheduledEvent(new Date(time * 1000)));
  await tick("the response to the raw PutObject is lost: the SDK's retry gets 412, HeadObject finds its own write", false, () =>
    s3.inject({ operation: "PutObject", when: rawWrite, times: 1, fault: { kind: "drop-response" } }),
  );
  await tick("another conditional write is in flight: 409, HeadObject of the missing key, write again", false, () =>
    s3.inject({ operation: "PutObject", when: rawWrite, times: 1, fault: { kind: "status", ...awsErrors.s3(409, "ConditionalRequestConflict") } }),
  );
  for (let failing = 1; failing <= threshold; failing++) {
    await tick(failing === threshold ? "bad snapshot that opens the circuit breaker" : `bad snapshot ${failing} in a row`, true);
  }
  await tick("good snapshot that closes the circuit breaker");

  const ingestionAttempts = 1 + topology.functions.ingestion.maximumRetryAttempts;
  await step("OpenSky answers something that is not a snapshot, every attempt: ingestion's DLQ", () => {
    emulators.opensky.scriptStates(...Array.from({ length: ingestionAttempts }, () => openSkyFailures.body("<html>maintenance</html>", "text/html")));
    pipeline.fireScheduledEvent(new Date((time + TICK_SECONDS) * 1000));
  });
  await step("a raw object that is not JSON: processing's retries, then its DLQ", async () => {
    await emulators.clients.s3.send(new PutObjectCommand({ Bucket: rawBucket, Key: keyForSnapshot("raw", time + 60), Body: "{not json" }));
  });
  await step("an event for a raw object that is gone: 404, then processing's DLQ", () => {
    invoker.invoke(topology.functions.processing.name, { Records: [recordForMissing(rawBucket, keyForSnapshot("raw", time + 120))] });
  });
  const processedBucket = topology.functions.validation.pkg.environment.PROCESSED_BUCKET as string;
  await step("an event for a Parquet object that is gone: 404, then validation's DLQ", () => {
    invoker.invoke(topology.functions.validation.name, { Records: [recordForMissing(processedBucket, keyForSnapshot("processed", time + 120))] });
  });

  const day = new Date(time * 1000).toISOString().slice(0, 10);
  const compact = () => invoker.invoke(topology.functions.compaction.name, { days: [day] });
  await step("compaction of the ticks' day: list the inputs, read every file and report, write the daily files", compact);
  await step("compaction again over unchanged inputs: a listing and a HEAD", compact);
  await step("a late snapshot for the compacted day", () => {
    // At the day's first minute, which no tick used, so it belongs to the day whatever the clock.
    const late = Date.parse(`${day}T00:00:30Z`) / 1000;
    emulators.opensky.setSnapshot(generateSnapshot({ seed: seed + 1, stateCount: GENERATED_STATE_COUNT, time: late }).snapshot);
    pipeline.fireScheduledEvent(new Date(late * 1000));
  });
  await step("compaction after the late snapshot: the daily file's footer, then the day again", compact);
  await step("another late snapshot for the compacted day", () => {
    const late = Date.parse(`${day}T00:01:30Z`) / 1000;
    emulators.opensky.setSnapshot(generateSnapshot({ seed: seed + 2, stateCount: GENERATED_STATE_COUNT, time: late }).snapshot);
    pipeline.fireScheduledEvent(new Date(late * 1000));
  });
  await step("a backfill elsewhere holds the day's lease: the claim is refused, the item read, nothing done", async () => {
    const dynamodb = emulators.clients.dynamodb;
    if (dynamodb === undefined) throw new Error("the local pipeline runs without DynamoDB");
    const tableName = topology.functions.compaction.pkg.environment[ENV.trackingTable] as string;
    const backfill = createTrackingStore({ dynamodb, tableName, ttlDays: 1 });
    await backfill.claim({ snapshotId: day, stage: "compaction", requestId: "backfill-elsewhere", input: "its own inputs", leaseMs: 15 * 60_000, force: true });
    compact();
  });
  await step("a compaction request that names no day: its retries, then its DLQ", () => {
    invoker.invoke(topology.functions.compaction.name, { days: [] });
  });
}
