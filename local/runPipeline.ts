/**
 * `npm start`: the whole pipeline on local stand-ins, N scheduled ticks, then a summary. Every
 * object, metric, alert and tracking item it produced is copied to .local/<stack>/.
 */
import * as fs from "fs";
import * as path from "path";
import { STAGES, type StageName } from "../contract/dataLayout";
import { stackConfiguration } from "../mocked-program/mockedProgram";
import { parseRunOptions, RUN_USAGE, type RunOptions, UsageError } from "./cli/options";
import { progressLine } from "./cli/progress";
import { type LocalPipeline, PROJECT_DIR, startLocalPipeline } from "./pipeline/localPipeline";
import { PrerequisiteError } from "./function-runner/prerequisiteError";
import { clearRunOutputs, collectRunResults, exportRunResults } from "./pipeline/runResults";
import { renderSummary } from "./cli/runSummary";
import { generatedDay, generatedSnapshots, replayedSnapshots, type TickSnapshot } from "./pipeline/snapshotSource";
import { addDays, utcDayOfTime } from "../handlers/shared/s3Keys";

const LIVE_CREDENTIAL_VARIABLES = { clientId: "OPENSKY_CLIENT_ID", clientSecret: "OPENSKY_CLIENT_SECRET" } as const;
const REACHABILITY_TIMEOUT_MS = 5_000;

async function main(): Promise<void> {
  const options = parseRunOptions(process.argv.slice(2), PROJECT_DIR);
  if (options.help) {
    console.log(RUN_USAGE);
    return;
  }
  const yesterday = addDays(utcDayOfTime(Math.floor(Date.now() / 1000)), -1);
  const ticks: TickSnapshot[] | undefined = options.snapshotsDir
    ? replayedSnapshots(options.ticks, options.snapshotsDir)
    : options.live
      ? undefined
      : options.compact
        ? generatedDay(options.ticks, options.seed, yesterday)
        : generatedSnapshots(options.ticks, options.seed);

  const stackDir = path.join(PROJECT_DIR, ".local", options.stack);
  const logDir = path.join(stackDir, "logs");
  // A run that stops halfway must not leave the previous run's outputs looking like its own.
  clearRunOutputs(stackDir);
  fs.rmSync(logDir, { recursive: true, force: true });
  fs.mkdirSync(logDir, { recursive: true });
  const logFiles = new Map<string, number>();
  const writeLog = (functionName: string, line: string) => {
    let fd = logFiles.get(functionName);
    if (fd === undefined) {
      fd = fs.openSync(path.join(logDir, `${functionName}.log`), "a");
      logFiles.set(functionName, fd);
    }
    fs.writeSync(fd, `${line}\n`);
    if (options.verbose) console.log(`    ${functionName.split("-").pop()} | ${line}`);
  };

  console.log(`Building the ${options.stack} stack's Pulumi program under mocks and writing the function packages…`);
  const startedAt = performance.now();
  const stageOf = new Map<string, StageName>();
  let pipeline: LocalPipeline | undefined;
  let stopping = false;
  const shutDown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the stand-ins and function containers…`);
    await pipeline?.stop();
    process.exit(128 + (signal === "SIGINT" ? 2 : 15));
  };
  process.on("SIGINT", shutDown).on("SIGTERM", shutDown);

  try {
    pipeline = await startLocalPipeline({
      stack: options.stack,
      ...(options.live ? { config: liveCredentialsConfig(options) } : {}),
      openSky: options.live ? "live" : "stand-in",
      traces: options.traces,
      onLog: writeLog,
      onAttempt: (report) => console.log(progressLine(stageOf.get(report.functionName) as StageName, report, startedAt)),
    });
    for (const stage of STAGES) stageOf.set(pipeline.topology.functions[stage].name, stage);
    if (options.live) await checkReachable(pipeline.topology.functions.ingestion.pkg.environment.OPENSKY_API_URL ?? "");
    describeSetup(pipeline, options);

    for (let tick = 1; tick <= options.ticks; tick++) {
      const snapshot = ticks?.[tick - 1];
      if (snapshot) pipeline.emulators.opensky.setSnapshot(snapshot.snapshot);
      const about = snapshot
        ? `snapshot time ${snapshot.snapshot.time} (${new Date(snapshot.snapshot.time * 1000).toISOString()}), ${snapshot.snapshot.states?.length ?? 0} global states, ${snapshot.label}`
        : "the real OpenSky API";
      console.log(`Tick ${tick}/${options.ticks}: scheduled event → ingestion; ${about}`);
      pipeline.fireScheduledEvent();
      await pipeline.idle();
      if (tick < options.ticks && options.intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
    }

    if (options.compact) {
      const lastTime = ticks?.at(-1)?.snapshot.time ?? Math.floor(Date.now() / 1000);
      // The schedule fires at 00:15 UTC and compacts the day that has just ended.
      const firesAt = new Date(`${addDays(utcDayOfTime(lastTime), 1)}T00:15:00Z`);
      console.log(`Compaction: the daily schedule's event for ${firesAt.toISOString()} → compaction of ${utcDayOfTime(lastTime)} and the days before it`);
      pipeline.fireSchedule("compaction", firesAt);
      await pipeline.idle();
    }

    const results = await collectRunResults(pipeline);
    await exportRunResults(pipeline, results);
    if (pipeline.traces) {
      // The SDK sends each subsegment as it closes; the last datagrams need a moment.
      await new Promise((resolve) => setTimeout(resolve, 200));
      fs.writeFileSync(path.join(pipeline.stackDir, "traces.json"), `${JSON.stringify(pipeline.traces.documents, null, 2)}\n`);
    }
    console.log(`\n${renderSummary(pipeline.topology, pipeline.functions, results)}\n`);
    const relative = path.relative(process.cwd(), pipeline.stackDir) || ".";
    console.log(
      `Outputs in ${relative}/: raw/, processed/ (Parquet), reports/, quarantine/${options.compact ? ", compacted/ (daily files)" : ""}, metrics.json, alerts.json, tracking.json, dead-letters.json, logs/ (JSON lines), packages/` +
        (pipeline.traces ? `, traces.json (${pipeline.traces.documents.length} X-Ray segment documents)` : ""),
    );
    console.log(
      `Query the Parquet: duckdb -c "select count(*), count(distinct icao24) from '${relative}/${options.compact ? "compacted/states" : "processed"}/**/*.parquet'"`,
    );

    if (options.keep) {
      console.log("\n--keep: the stand-ins stay up until Ctrl-C; point the AWS CLI or an SDK at them with (dummy credentials):");
      for (const [name, value] of Object.entries(pipeline.emulators.awsEnvironment())) console.log(`  export ${name}=${value}`);
      await new Promise(() => undefined);
    }
  } finally {
    for (const fd of logFiles.values()) fs.closeSync(fd);
    if (!stopping) await pipeline?.stop();
  }
}

/** With --live: the stack's OpenSky settings plus the client credentials from the environment, if set. */
function liveCredentialsConfig(options: RunOptions): Record<string, unknown> {
  const clientId = process.env[LIVE_CREDENTIAL_VARIABLES.clientId];
  const clientSecret = process.env[LIVE_CREDENTIAL_VARIABLES.clientSecret];
  if ((clientId === undefined) !== (clientSecret === undefined)) {
    throw new UsageError(
      `--live: set both ${LIVE_CREDENTIAL_VARIABLES.clientId} and ${LIVE_CREDENTIAL_VARIABLES.clientSecret}, or neither for anonymous access`,
    );
  }
  if (clientId === undefined || clientSecret === undefined) return {};
  const { projectName, config } = stackConfiguration(options.stack, PROJECT_DIR);
  const declared = config[`${projectName}:opensky`];
  return { opensky: { ...(declared ? (JSON.parse(declared) as object) : {}), clientId }, openskyClientSecret: clientSecret };
}

async function checkReachable(apiUrl: string): Promise<void> {
  try {
    await fetch(apiUrl, { method: "HEAD", signal: AbortSignal.timeout(REACHABILITY_TIMEOUT_MS) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new PrerequisiteError(
      `--live: the OpenSky API at ${apiUrl} is unreachable (${cause?.code ?? cause?.message ?? (error as Error).message}); run without --live to use the local stand-in`,
    );
  }
}

function describeSetup(pipeline: LocalPipeline, options: RunOptions): void {
  const { topology } = pipeline;
  console.log(
    `Stand-ins on 127.0.0.1: S3, DynamoDB, SNS+SQS, CloudWatch, Secrets Manager${options.live ? "" : `, OpenSky (${pipeline.emulators.opensky.apiUrl})`}`,
  );
  console.log(
    `Created: ${topology.buckets.length} buckets, ${topology.tables.length} table, ${topology.queues.length} queues, ${topology.topics.length} topic(s) with a subscribed queue${topology.secrets.length ? `, ${topology.secrets.length} secret(s)` : ""}`,
  );
  for (const stage of STAGES) {
    const declared = topology.functions[stage];
    console.log(
      `Function ${declared.name}: ${declared.pkg.runtime}, ${declared.pkg.memorySize} MB, ${declared.pkg.timeout} s, ` +
        `${declared.maximumRetryAttempts} retries, package ${(declared.pkg.zipBytes / 1024).toFixed(1)} KiB (${declared.pkg.packages.join(", ") || "no npm packages"})`,
    );
  }
  console.log(
    `Function logs: ${path.relative(process.cwd(), path.join(pipeline.stackDir, "logs"))}/<function>.log${options.verbose ? "" : " (--verbose prints them here)"}`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) console.error(`npm start: ${error.message}\n\n${RUN_USAGE}`);
  else if (error instanceof PrerequisiteError) console.error(`npm start: ${error.message}`);
  else if ((error as NodeJS.ErrnoException).code === "EADDRINUSE" || (error as NodeJS.ErrnoException).code === "EACCES") {
    console.error(`npm start: a stand-in could not listen on 127.0.0.1: ${(error as Error).message}`);
  } else console.error(`npm start failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
