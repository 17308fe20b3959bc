/**
 * Command-line options of `npm start` (local/runPipeline.ts) and `npm run invoke`
 * (local/invoke.ts), checked up front so a mistake is reported before anything starts.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs, type ParseArgsConfig } from "util";
import { STAGES, type StageName } from "../../contract/dataLayout";

/** A mistake in the command line: reported with the usage text. */
export class UsageError extends Error {}

export interface RunOptions {
  stack: string;
  ticks: number;
  intervalMs: number;
  seed: number;
  snapshotsDir?: string;
  live: boolean;
  /** Compact the ticks' day afterwards, as the daily schedule does once the day has ended. */
  compact: boolean;
  keep: boolean;
  verbose: boolean;
  traces: boolean;
  help: boolean;
}

export const RUN_USAGE = `Usage: npm start -- [options]

Runs the pipeline on local AWS stand-ins: the program built under mocks for the stack, each
function's deployment package on the Lambda runtime's Node, N scheduled ingestion ticks.

  --stack <name>        stack whose Pulumi.<name>.yaml to build (default dev)
  --ticks <n>           scheduled ticks to fire (default 3)
  --interval-ms <ms>    time between ticks (default 3000)
  --fast                no wait between ticks (same as --interval-ms 0)
  --seed <n>            seed of the generated snapshots (default 1)
  --snapshots <dir>     replay OpenSky /api/states/all responses from the .json files in <dir>
  --live                call the real OpenSky API (OPENSKY_CLIENT_ID / OPENSKY_CLIENT_SECRET
                        from the environment, anonymous without them)
  --compact             then run the daily compaction over the ticks' UTC day, as its schedule
                        does at 00:15 the next day; generated ticks are placed at the end of
                        yesterday (UTC), five minutes apart, aircraft staying from tick to tick
  --keep                leave the stand-ins running after the summary, until Ctrl-C
  --verbose             print the functions' log lines (always written to .local/<stack>/logs/)
  --traces              collect the functions' X-Ray segments (an X-Ray daemon stand-in) into
                        .local/<stack>/traces.json; without it the functions do not trace
  --help                this text`;

export const INVOKE_USAGE = `Usage: npm run invoke -- <${STAGES.join("|")}> --event <file> [--stack <name>]

Runs one function's deployment package once with the event in <file>, against fresh stand-ins,
and prints its result and log lines. Objects an S3 event names that are missing are seeded first.`;

const positiveInteger = (option: string, value: string, allowZero = false): number => {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || (!allowZero && parsed === 0))
    throw new UsageError(`--${option} ${value}: expected a ${allowZero ? "non-negative" : "positive"} whole number`);
  return parsed;
};

function parse(args: string[], options: NonNullable<ParseArgsConfig["options"]>, allowPositionals: boolean) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function checkStackFile(stack: string, projectDir: string): void {
  if (fs.existsSync(path.join(projectDir, `Pulumi.${stack}.yaml`))) return;
  const stacks = fs.readdirSync(projectDir).flatMap((name) => /^Pulumi\.(.+)\.yaml$/.exec(name)?.[1] ?? []);
  throw new UsageError(`--stack ${stack}: there is no Pulumi.${stack}.yaml in ${projectDir} (stacks: ${stacks.join(", ")})`);
}

export function parseRunOptions(args: string[], projectDir: string): RunOptions {
  const { values } = parse(
    args,
    {
      stack: { type: "string", default: "dev" },
      ticks: { type: "string", default: "3" },
      "interval-ms": { type: "string", default: "3000" },
      fast: { type: "boolean", default: false },
      seed: { type: "string", default: "1" },
      snapshots: { type: "string" },
      live: { type: "boolean", default: false },
      compact: { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
      traces: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    false,
  );
  const options: RunOptions = {
    stack: values.stack as string,
    ticks: positiveInteger("ticks", values.ticks as string),
    intervalMs: values.fast ? 0 : positiveInteger("interval-ms", values["interval-ms"] as string, true),
    seed: positiveInteger("seed", values.seed as string, true),
    live: values.live as boolean,
    compact: values.compact as boolean,
    keep: values.keep as boolean,
    verbose: values.verbose as boolean,
    traces: values.traces as boolean,
    help: values.help as boolean,
  };
  if (values.snapshots !== undefined) options.snapshotsDir = path.resolve(values.snapshots as string);
  if (options.live && options.snapshotsDir)
    throw new UsageError("--live and --snapshots exclude each other: the snapshots come either from the real API or from the folder");
  if (!options.help) checkStackFile(options.stack, projectDir);
  return options;
}

export interface InvokeOptions {
  stage: StageName;
  eventFile: string;
  stack: string;
  help: boolean;
}

export function parseInvokeOptions(args: string[], projectDir: string): InvokeOptions {
  const { values, positionals } = parse(
    args,
    { event: { type: "string" }, stack: { type: "string", default: "dev" }, help: { type: "boolean", default: false } },
    true,
  );
  if (values.help) return { stage: "ingestion", eventFile: "", stack: "dev", help: true };
  const [stage, ...extra] = positionals;
  if (stage === undefined || !(STAGES as readonly string[]).includes(stage)) {
    throw new UsageError(`expected the function to invoke, one of ${STAGES.join(", ")}${stage === undefined ? "" : `, not "${stage}"`}`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument(s): ${extra.join(" ")}`);
  if (values.event === undefined) throw new UsageError("--event <file> is required: a JSON event, e.g. events/scheduled-event.json");
  const eventFile = path.resolve(values.event as string);
  if (!fs.existsSync(eventFile)) throw new UsageError(`--event ${values.event}: no such file`);
  checkStackFile(values.stack as string, projectDir);
  return { stage: stage as StageName, eventFile, stack: values.stack as string, help: false };
}
