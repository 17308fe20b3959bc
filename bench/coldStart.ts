/**
 * Cold start of each function's real deployment package, built by the Pulumi program under mocks:
 * its zipped size, then in a fresh process per function the time to load the package and the
 * first invocation. The invocations are real ones against the loopback emulators, in pipeline
 * order: ingestion fetches a generated global snapshot from the OpenSky stand-in and stores it,
 * processing converts that object, validation checks the Parquet processing wrote, compaction
 * merges the day's processed files.
 *
 * Each function starts with the node flags Lambda's runtime derives from its memory size and in
 * the environment Lambda gives it (execution environment, task root,
 * initialization type, a sampled trace header, the X-Ray daemon's address: a stand-in that
 * collects the segments), twice per round: with the stack's tracing instrumentation off and on
 * (TRACING_INSTRUMENTATION), so the difference is what tracing costs. Rounds alternate which goes
 * first and use a new snapshot each, so every run does the same work; the figures are medians.
 *
 * Each function's run is followed by its floor's (coldStartFloor.ts): a bare handler that makes the
 * calls the function was just seen making, through the fault proxies every AWS call of both goes
 * through (they pass everything on and record it). The ratio of the two, per round then the
 * median, is what the function's own code adds to the least its first invocation could cost.
 */
import * as fs from "fs";
import * as path from "path";
import { startEmulators, startFaultProxy, startXRayDaemon } from "../emulators";
import { s3ObjectCreatedEvent } from "../operations/s3Event";
import { generateSnapshot } from "../fixtures/snapshotGenerator";
import { writeFunctionPackage } from "../mocked-program/functionPackage";
import { buildMockedProgram } from "../mocked-program/mockedProgram";
import { HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { processedKeyForSnapshot, rawKeyForSnapshot, utcDayOfTime } from "../handlers/shared/s3Keys";
import { awsClientOptions, SDK_REQUEST_TIMEOUT_MS } from "../handlers/shared/invocationDeadline";
import { floorPlanOf, operationsOf, recordCalls } from "./coldStartCalls";
import type { FloorResult } from "./coldStartFloor";
import { runChild, transpiled } from "./childProcess";
import type { ColdStartSpec, ColdStartTiming } from "./coldStartProcess";
import type { ColdStartResult, TracingMode } from "./results";
import { median } from "./statistics";
import { ENV } from "../contract/environment";
import { provision } from "../local/pipeline/provisioning";
import { openSkyClientsOf, topologyOf } from "../local/pipeline/topology";
import { prepareSdkModulePath } from "../local/function-runner/sdkModulePath";
import { lambdaNodeFlags } from "../local/function-runner/lambdaNodeFlags";
import { newTraceHeader } from "../local/function-runner/traceHeader";
import { processedParquet } from "./validationRun";

const STAGE_ORDER = ["ingestion", "processing", "validation", "compaction"] as const;
type StageName = (typeof STAGE_ORDER)[number];
const GLOBAL_SNAPSHOT_STATES = 6_500;

/** The notification S3 sends for `key`, as a backfill builds it (no ETag: the stage reads what is there). */
const s3Event = (bucket: string, key: string) => s3ObjectCreatedEvent({ region: "us-east-1", bucket, key, eTag: "", size: 0 }, { force: false });

async function exists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}

function stageOf(functionName: string): StageName {
  const stage = STAGE_ORDER.find((candidate) => functionName.endsWith(`-${candidate}`));
  if (stage === undefined) throw new Error(`function ${functionName} is none of ${STAGE_ORDER.join(", ")}`);
  return stage;
}

export interface ColdStartOptions {
  /** Rounds per function and tracing mode; the figures are their medians. */
  rounds: number;
}

interface Run {
  timing: ColdStartTiming;
  segments: number;
  invocation: string;
  floor: ColdStartTiming;
  /** The floor's calls, `client operation`, in order. */
  floorCalls: string[];
  /** Where the floor's answers differed from the function's, or the floor made other calls. */
  floorDrift: string[];
}

const rounded = (value: number, decimals = 2): number => Number(value.toFixed(decimals));
const total = (timing: ColdStartTiming): number => timing.init_ms + timing.first_invoke_ms;
const totalCpu = (timing: ColdStartTiming): number => timing.init_cpu_ms + timing.first_invoke_cpu_ms;
const mainThreadCpu = (timing: ColdStartTiming): number | undefined =>
  timing.init_main_cpu_ms === undefined || timing.first_invoke_main_cpu_ms === undefined
    ? undefined
    : timing.init_main_cpu_ms + timing.first_invoke_main_cpu_ms;

/** The main-thread figures of `runs`, when every run of the function and its floor has them. */
function mainThreadFigures(runs: readonly Run[]): Pick<ColdStartResult, "main_thread_cpu_ms" | "floor_main_thread_cpu_ms" | "floor_main_thread_cpu_ratio"> {
  const pairs = runs.map((run) => [mainThreadCpu(run.timing), mainThreadCpu(run.floor)] as const);
  const known = pairs.filter((pair): pair is readonly [number, number] => pair[0] !== undefined && pair[1] !== undefined);
  if (known.length === 0 || known.length !== pairs.length) return {};
  return {
    main_thread_cpu_ms: rounded(median(known.map(([fn]) => fn))),
    floor_main_thread_cpu_ms: rounded(median(known.map(([, floor]) => floor))),
    floor_main_thread_cpu_ratio: rounded(median(known.map(([fn, floor]) => fn / floor)), 3),
  };
}

/** With COLD_START_CPU_PROFILE_DIR set, each cold start (function and floor) writes a V8 CPU profile there, for finding where the time goes. */
function cpuProfile(name: string): Record<string, string> {
  const dir = process.env.COLD_START_CPU_PROFILE_DIR;
  return dir === undefined ? {} : { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${path.resolve(dir)} --cpu-prof-name=${name}.cpuprofile` };
}

export async function measureColdStarts(stack: string, workDir: string, options: ColdStartOptions): Promise<ColdStartResult[]> {
  const program = await buildMockedProgram({ stack });
  const functions = Object.entries(program.functionPackages).sort(([a], [b]) => STAGE_ORDER.indexOf(stageOf(a)) - STAGE_ORDER.indexOf(stageOf(b)));
  const sdkDir = prepareSdkModulePath(workDir);
  // The stand-ins hold what the program declares, as the local run provisions them: buckets,
  // table, queues, topic, and the OpenSky credentials secret a stack with an account has.
  const topology = topologyOf(program);
  const emulators = await startEmulators({
    services: ["s3", "dynamodb", "cloudwatch", "snsSqs", "secretsManager", "opensky"],
    opensky: { clients: openSkyClientsOf(topology) },
    faultInjection: true,
  });
  const openSkyProxy = await startFaultProxy(emulators.opensky.endpoint);
  const recorder = recordCalls({ ...emulators.faults, opensky: openSkyProxy });
  const daemon = await startXRayDaemon();
  try {
    const provisioned = await provision(topology, {
      s3: emulators.s3,
      secretsManager: emulators.secretsManager,
      clients: { dynamodb: emulators.clients.dynamodb, sqs: emulators.clients.sqs, sns: emulators.clients.sns },
    });
    const translation = new Map(provisioned.arnTranslation);
    const ingestionEnvironment = topology.functions.ingestion.pkg.environment;
    const throughProxy = (url: string) => url.replace(emulators.opensky.endpoint, openSkyProxy.endpoint);
    if (ingestionEnvironment.OPENSKY_API_URL) translation.set(ingestionEnvironment.OPENSKY_API_URL, throughProxy(emulators.opensky.apiUrl));
    if (ingestionEnvironment.OPENSKY_TOKEN_URL) translation.set(ingestionEnvironment.OPENSKY_TOKEN_URL, throughProxy(emulators.opensky.tokenUrl));
    const tables = topology.tables.map((table) => ({ table: table.name, keys: [table.hashKey, ...(table.rangeKey === undefined ? [] : [table.rangeKey])] }));
    const clientOptions = awsClientOptions(SDK_REQUEST_TIMEOUT_MS);
    let floorRuns = 0;
    for (const [functionName, pkg] of functions) writeFunctionPackage(pkg, path.join(workDir, "functions", functionName));

    /** One cold start of one function on its own snapshot. */
    const coldStart = async (functionName: string, snapshotTime: number, tracing: TracingMode): Promise<Run> => {
      const pkg = program.functionPackages[functionName]!;
      const stage = stageOf(functionName);
      const packageDir = path.join(workDir, "functions", functionName);
      const environment: Record<string, string> = {
        PATH: process.env.PATH ?? "",
        NODE_PATH: sdkDir,
        ...Object.fromEntries(Object.entries(pkg.environment).map(([name, value]) => [name, translation.get(value) ?? value])),
        ...emulators.awsEnvironment(),
        AWS_EXECUTION_ENV: `AWS_Lambda_${pkg.runtime}`,
        AWS_LAMBDA_FUNCTION_NAME: functionName,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(pkg.memorySize),
        AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
        LAMBDA_TASK_ROOT: packageDir,
        _X_AMZN_TRACE_ID: newTraceHeader(true),
        AWS_XRAY_DAEMON_ADDRESS: daemon.address,
        [ENV.tracingInstrumentation]: String(tracing === "on"),
      };
      const events: Record<StageName, unknown> = {
        ingestion: { "detail-type": "Scheduled Event", source: "aws.events", time: new Date(snapshotTime * 1000).toISOString() },
        processing: s3Event(pkg.environment.RAW_BUCKET ?? "", rawKeyForSnapshot(snapshotTime)),
        validation: s3Event(pkg.environment.PROCESSED_BUCKET ?? "", processedKeyForSnapshot(snapshotTime)),
        compaction: { days: [utcDayOfTime(snapshotTime)] },
      };
      let invocation =
        stage === "compaction"
          ? "compaction: real run over the snapshot's day, every processed file the bench's runs wrote so far"
          : `${stage}: real run against the loopback emulators (${GLOBAL_SNAPSHOT_STATES.toLocaleString("en-US")} states)`;
      const processedBucket = pkg.environment.PROCESSED_BUCKET ?? "";
      const processedKey = processedKeyForSnapshot(snapshotTime);
      // Validation still gets a real file to check when the processing run did not write one.
      if (stage === "validation" && !(await exists(emulators.clients.s3, processedBucket, processedKey))) {
        const { snapshot } = generateSnapshot({ seed: snapshotTime, stateCount: GLOBAL_SNAPSHOT_STATES, time: snapshotTime });
        const body = processedParquet(JSON.stringify(snapshot), snapshotTime);
        await emulators.clients.s3.send(new PutObjectCommand({ Bucket: processedBucket, Key: processedKey, Body: body }));
        invocation += "; its input file was written by the bench, not by the processing run";
      }
      const received = daemon.documents.length;
      const spec: ColdStartSpec = { packageDir, event: events[stage], timeoutSeconds: pkg.timeout };
      recorder.take();
      const timing = await runChild<ColdStartTiming>("coldStartProcess.ts", spec, {
        nodeFlags: lambdaNodeFlags(pkg.memorySize),
        environment: { ...environment, ...cpuProfile(`${stage}-${tracing}-${floorRuns}`) },
        transpileTo: path.join(workDir, "cold-start"),
      });
      // The SDK sends each subsegment as it closes; give the last datagrams a moment to land.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const segments = daemon.documents.length - received;

      // The floor, next, in the same environment: the calls the function just made, and nothing else.
      const floorDir = path.join(workDir, "floors", `${floorRuns}`);
      const plan = floorPlanOf(recorder.take(), { floorId: `${snapshotTime}-${tracing}-${floorRuns++}`, clientOptions, tables }, openSkyProxy.endpoint);
      transpiled("coldStartFloor.ts", floorDir, "__index.js");
      fs.writeFileSync(path.join(floorDir, "plan.json"), JSON.stringify(plan));
      const floorSpec: ColdStartSpec = { packageDir: floorDir, event: {}, timeoutSeconds: pkg.timeout };
      const floor = await runChild<ColdStartTiming>("coldStartProcess.ts", floorSpec, {
        nodeFlags: lambdaNodeFlags(pkg.memorySize),
        environment: { ...environment, LAMBDA_TASK_ROOT: floorDir, ...cpuProfile(`${stage}-${tracing}-${floorRuns - 1}-floor`) },
        transpileTo: path.join(workDir, "cold-start"),
      });
      const floorCalls = operationsOf(plan);
      const floorDrift: string[] = [];
      const made = recorder.take().length;
      if (made !== floorCalls.length) floorDrift.push(`the floor made ${made} calls, its plan ${floorCalls.length}`);
      try {
        if (!floor.outcome.startsWith("ok ")) throw new Error(floor.outcome);
        floorDrift.push(...(JSON.parse(floor.outcome.slice(3)) as FloorResult).mismatches);
      } catch (error) {
        floorDrift.push(`floor: ${error instanceof Error ? error.message : String(error)}`);
      }
      fs.rmSync(floorDir, { recursive: true, force: true });
      return { timing, segments, invocation, floor, floorCalls, floorDrift };
    };

    const runs = new Map<string, Run[]>();
    const modes: TracingMode[] = ["off", "on"];
    // Recent, so CloudWatch (and its emulator) accepts metrics stamped with the snapshot's time;
    // one snapshot per round and mode, so no run finds its work already done.
    let snapshotTime = Math.floor(Date.now() / 1000) - 120;
    for (let round = 0; round < options.rounds; round++) {
      for (const tracing of round % 2 === 0 ? modes : [...modes].reverse()) {
        snapshotTime -= 300;
        emulators.opensky.setSnapshot(generateSnapshot({ seed: snapshotTime, stateCount: GLOBAL_SNAPSHOT_STATES, time: snapshotTime }).snapshot);
        for (const [functionName] of functions) {
          const key = `${functionName} ${tracing}`;
          runs.set(key, [...(runs.get(key) ?? []), await coldStart(functionName, snapshotTime, tracing)]);
        }
      }
    }

    return functions.flatMap(([functionName, pkg]) =>
      modes.map((tracing): ColdStartResult => {
        const done = runs.get(`${functionName} ${tracing}`) ?? [];
        const failed = done.find((run) => !run.timing.outcome.startsWith("ok"));
        return {
          function: functionName,
          tracing,
          zip_bytes: pkg.zipBytes,
          runs: done.length,
          init_ms: Number(median(done.map((run) => run.timing.init_ms)).toFixed(2)),
          first_invoke_ms: Number(median(done.map((run) => run.timing.first_invoke_ms)).toFixed(2)),
          init_cpu_ms: Number(median(done.map((run) => run.timing.init_cpu_ms)).toFixed(2)),
          first_invoke_cpu_ms: Number(median(done.map((run) => run.timing.first_invoke_cpu_ms)).toFixed(2)),
          segments: median(done.map((run) => run.segments)),
          floor_init_ms: rounded(median(done.map((run) => run.floor.init_ms))),
          floor_first_invoke_ms: rounded(median(done.map((run) => run.floor.first_invoke_ms))),
          floor_init_cpu_ms: rounded(median(done.map((run) => run.floor.init_cpu_ms))),
          floor_first_invoke_cpu_ms: rounded(median(done.map((run) => run.floor.first_invoke_cpu_ms))),
          floor_ratio: rounded(median(done.map((run) => total(run.timing) / total(run.floor))), 3),
          floor_cpu_ratio: rounded(median(done.map((run) => totalCpu(run.timing) / totalCpu(run.floor))), 3),
          ...mainThreadFigures(done),
          floor_calls: done[done.length - 1]?.floorCalls ?? [],
          floor_drift: [...new Set(done.flatMap((run) => run.floorDrift))],
          invocation: done[0]?.invocation ?? "",
          outcome: (failed ?? done[0])?.timing.outcome ?? "not run",
        };
      }),
    );
  } finally {
    recorder.stop();
    await daemon.stop();
    await openSkyProxy.stop();
    await emulators.stop();
    fs.rmSync(path.join(workDir, "functions"), { recursive: true, force: true });
  }
}
