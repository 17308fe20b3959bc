/**
 * `npm run invoke -- <ingestion|processing|validation> --event <file> [--stack dev]`: runs one
 * function's deployment package once, synchronously, with the event in the file, against fresh
 * stand-ins, and prints its log lines and result: the local counterpart of `sam local invoke`.
 */
import * as fs from "fs";
import { generateSnapshot } from "../fixtures/snapshotGenerator";
import { INVOKE_USAGE, parseInvokeOptions, UsageError } from "./cli/options";
import { type LocalPipeline, PROJECT_DIR, startLocalPipeline } from "./pipeline/localPipeline";
import { eventPlaceholders, fillPlaceholders, isS3Event, seedS3EventObjects } from "./pipeline/eventSeeding";
import { GENERATED_STATE_COUNT } from "./pipeline/snapshotSource";
import { PrerequisiteError } from "./function-runner/prerequisiteError";

async function main(): Promise<number> {
  const options = parseInvokeOptions(process.argv.slice(2), PROJECT_DIR);
  if (options.help) {
    console.log(INVOKE_USAGE);
    return 0;
  }
  let pipeline: LocalPipeline | undefined;
  const stop = () => void (pipeline?.stop() ?? Promise.resolve()).then(() => process.exit(130));
  process.on("SIGINT", stop).on("SIGTERM", stop);
  try {
    pipeline = await startLocalPipeline({
      stack: options.stack,
      openSky: "stand-in",
      routeS3Events: false,
      onLog: (_, line) => console.log(line),
    });
    const text = fillPlaceholders(fs.readFileSync(options.eventFile, "utf8"), eventPlaceholders(pipeline));
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`--event ${options.eventFile} is not JSON: ${(error as Error).message}`);
    }
    if (isS3Event(event)) for (const line of await seedS3EventObjects(pipeline, event)) console.log(line);
    const time = Math.floor(Date.now() / 1000) - 60;
    pipeline.emulators.opensky.setSnapshot(generateSnapshot({ seed: time, stateCount: GENERATED_STATE_COUNT, time }).snapshot);

    const declared = pipeline.topology.functions[options.stage];
    console.log(`Invoking ${declared.name} (${declared.pkg.runtime}, ${declared.pkg.memorySize} MB, ${declared.pkg.timeout} s) with ${options.eventFile}`);
    const result = await pipeline.functions[options.stage].invoke(event);
    console.log(result.ok ? "\nResult:" : "\nError:");
    console.log(JSON.stringify(result.ok ? result.value : result.error, null, 2));
    return result.ok ? 0 : 1;
  } finally {
    await pipeline?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) console.error(`npm run invoke: ${error.message}\n\n${INVOKE_USAGE}`);
    else if (error instanceof PrerequisiteError) console.error(`npm run invoke: ${error.message}`);
    else console.error(`npm run invoke failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
