/**
 * The command lines of `npm run backfill` and `npm run redrive`, checked before anything connects
 * to the pipeline; a mistake is reported with the usage text.
 */
import * as path from "path";
import { parseArgs, type ParseArgsConfig } from "util";
import { BACKFILL_STAGES, type BackfillStage, isBackfillStage } from "./backfill";
import { isRedriveStage, REDRIVE_STAGES, type RedriveStage } from "./redrive";
import type { SessionOptions } from "./session";
import { type SnapshotRange, snapshotRange } from "./snapshotRange";

export class UsageError extends Error {}

const CONNECTION_USAGE = `  --stack <name>        the stack to work on (required)
  --outputs <file>      the stack's outputs as \`pulumi stack output --json --stack <name>\` prints them,
                        where the Pulumi CLI is not installed (otherwise the tool runs it)
  --region <region>     overrides the region read from the outputs' ARNs
  --local               work on the local pipeline instead: its stand-ins loaded with what the last
                        \`npm start -- --stack <name>\` left in .local/<name>/, written back afterwards
  --local-root <dir>    with --local: where the local run keeps its state (default .local)
  --help                this text

AWS credentials come from the SDK's default chain (AWS_PROFILE, SSO, environment variables).`;

export const BACKFILL_USAGE = `Usage: npm run backfill -- --stack <name> --from <UTC date or hour> --to <UTC date or hour> [options]

Runs a stage again over the snapshots of a time range: lists its input objects (raw JSON for
processing, Parquet for validation), skips those the tracking table marks as finished for the
object they hold, and invokes the stage synchronously for the others with an S3 event for the
object. Dates are UTC and inclusive: --from 2026-11-26 --to 2026-11-26T22 is midnight to 22:59:59.

  --from <date|hour>    first day (2026-11-26) or hour (2026-11-26T22) of the range
  --to <date|hour>      last day or hour of the range, inclusive
  --stage <stage>       ${BACKFILL_STAGES.join(" or ")} (default processing); a processing backfill
                        that changes a Parquet file starts validation for it
  --force               redo snapshots the stage already finished (the event carries "force": true)
  --dry-run             list what would be invoked and skipped; invoke nothing
  --concurrency <n>     invocations at a time (default 2); keep it below the stage's reserved
                        concurrency, which live traffic shares
${CONNECTION_USAGE}

Exits 1 when any snapshot failed.`;

export const REDRIVE_USAGE = `Usage: npm run redrive -- --stack <name> --stage <stage> [options]

Replays a stage's dead-letter queue once the cause is fixed. processing and validation: each
failure record is shown (error, age, snapshots), invoked again with its original event, and
deleted only after that invocation succeeded; compaction and compaction-schedule likewise, for the
days each message names. ingestion and schedule hold missed ticks, whose snapshots OpenSky can no
longer serve: they are listed, ingestion runs once now to check the path, and they are deleted
when it succeeded.

  --stage <stage>       ${REDRIVE_STAGES.join(", ")}
                        (schedule, compaction-schedule: that schedule's own DLQ)
  --max <n>             at most n messages (default: all)
  --force               add "force": true to each replayed event, so the stage redoes a snapshot
                        it already finished
  --dry-run             show the messages; invoke and delete nothing
${CONNECTION_USAGE}

Exits 1 when any replay (or the ingestion check) failed.`;

const CONNECTION_OPTIONS = {
  stack: { type: "string" },
  outputs: { type: "string" },
  region: { type: "string" },
  local: { type: "boolean", default: false },
  "local-root": { type: "string" },
  help: { type: "boolean", default: false },
} as const satisfies NonNullable<ParseArgsConfig["options"]>;

function parse<O extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function positiveInteger(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${flag} ${value}: expected a positive whole number`);
  return Number(value);
}

function session(values: { stack?: string; outputs?: string; region?: string; local?: boolean; "local-root"?: string }): SessionOptions {
  if (values.stack === undefined) throw new UsageError("--stack <name> is required: say which stack to work on");
  if (values.local && values.outputs !== undefined) throw new UsageError("--local and --outputs exclude each other: the local pipeline has no Pulumi outputs");
  if (!values.local && values["local-root"] !== undefined) throw new UsageError("--local-root goes with --local");
  return {
    stack: values.stack,
    local: values.local === true,
    ...(values.outputs === undefined ? {} : { outputsFile: path.resolve(values.outputs) }),
    ...(values.region === undefined ? {} : { region: values.region }),
    ...(values["local-root"] === undefined ? {} : { localRoot: path.resolve(values["local-root"]) }),
  };
}

export interface BackfillCommand {
  help: boolean;
  session: SessionOptions;
  stage: BackfillStage;
  range: SnapshotRange;
  force: boolean;
  dryRun: boolean;
  concurrency: number;
}

export function parseBackfillCommand(args: string[]): BackfillCommand | { help: true } {
  const values = parse(args, {
    ...CONNECTION_OPTIONS,
    from: { type: "string" },
    to: { type: "string" },
    stage: { type: "string", default: "processing" },
    force: { type: "boolean", default: false },
    "dry-run": { type: "boolean", default: false },
    concurrency: { type: "string" },
  });
  if (values.help) return { help: true };
  if (!isBackfillStage(values.stage)) throw new UsageError(`--stage ${values.stage}: must be ${BACKFILL_STAGES.join(" or ")}`);
  if (values.from === undefined || values.to === undefined) throw new UsageError("--from and --to are required: the UTC days or hours to backfill");
  let range: SnapshotRange;
  try {
    range = snapshotRange(values.from, values.to);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    help: false,
    session: session(values),
    stage: values.stage,
    range,
    force: values.force,
    dryRun: values["dry-run"],
    concurrency: positiveInteger("concurrency", values.concurrency, 2),
  };
}

export interface RedriveCommand {
  help: boolean;
  session: SessionOptions;
  stage: RedriveStage;
  max: number;
  force: boolean;
  dryRun: boolean;
}

export function parseRedriveCommand(args: string[]): RedriveCommand | { help: true } {
  const values = parse(args, {
    ...CONNECTION_OPTIONS,
    stage: { type: "string" },
    max: { type: "string" },
    force: { type: "boolean", default: false },
    "dry-run": { type: "boolean", default: false },
  });
  if (values.help) return { help: true };
  if (values.stage === undefined || !isRedriveStage(values.stage)) {
    throw new UsageError(`--stage ${values.stage ?? "<stage>"}: must be one of ${REDRIVE_STAGES.join(", ")}`);
  }
  return {
    help: false,
    session: session(values),
    stage: values.stage,
    max: positiveInteger("max", values.max, Number.MAX_SAFE_INTEGER),
    force: values.force,
    dryRun: values["dry-run"],
  };
}
