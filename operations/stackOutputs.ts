/**
 * Where a stack's pipeline is, from its Pulumi outputs (index.ts exports them): the buckets, the
 * tracking table, what to invoke for each stage (the `live` alias ARN when the stack publishes
 * versions) and the dead-letter queues. Read with `pulumi stack output --json --stack <stack>`,
 * or from that command's output saved in a file (`--outputs`) where the CLI is not installed.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
/**
 * The stages the tools operate: each has a function the outputs name and a DLQ. A stage added to
 * the pipeline later is not required of a stack's outputs until the tools learn it.
 */
export const OPERATED_STAGES = ["ingestion", "processing", "validation", "compaction"] as const;
export type OperatedStage = (typeof OPERATED_STAGES)[number];

export interface PipelineTarget {
  stack: string;
  region: string;
  rawBucket: string;
  processedBucket: string;
  trackingTable: string;
  /** Function name or ARN to invoke per stage: the `live` alias with versioning. */
  invokeTargets: Record<OperatedStage, string>;
  deadLetterQueueUrls: Record<OperatedStage, string>;
  /** Absent when the stack has no ingestion schedule. */
  scheduleDeadLetterQueueUrl?: string;
  /** The compaction schedule's DLQ. */
  compactionScheduleDeadLetterQueueUrl?: string;
}

/** A problem with the outputs: what is missing or malformed, and where it came from. */
export class OutputsError extends Error {}

function text(outputs: Record<string, unknown>, name: string, source: string): string {
  const value = outputs[name];
  if (typeof value !== "string" || value === "") throw new OutputsError(`${source} has no ${name} output (a string); is the stack deployed with this program?`);
  return value;
}

function perStage(outputs: Record<string, unknown>, name: string, source: string): Record<OperatedStage, string> {
  const value = outputs[name] as Record<string, unknown> | undefined;
  const result = {} as Record<OperatedStage, string>;
  for (const stage of OPERATED_STAGES) {
    const entry = value?.[stage];
    if (typeof entry !== "string" || entry === "") throw new OutputsError(`${source} has no ${name}.${stage} output; is the stack deployed with this program?`);
    result[stage] = entry;
  }
  return result;
}

/** The region of an ARN (arn:aws:lambda:<region>:…) or an SQS queue URL (https://sqs.<region>.amazonaws.com/…). */
export function regionOf(arnOrUrl: string): string | undefined {
  const arn = /^arn:aws[\w-]*:[\w-]+:([a-z0-9-]+):/.exec(arnOrUrl);
  if (arn) return arn[1];
  return /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(arnOrUrl)?.[1];
}

/** The target from `pulumi stack output --json`'s object; `region` overrides what the ARNs say. */
export function targetFromOutputs(stack: string, outputs: Record<string, unknown>, source: string, region?: string): PipelineTarget {
  const invokeTargets = perStage(outputs, "invokeArns", source);
  const deadLetterQueueUrls = perStage(outputs, "deadLetterQueueUrls", source);
  const resolvedRegion = region ?? regionOf(invokeTargets.processing) ?? regionOf(deadLetterQueueUrls.processing);
  if (resolvedRegion === undefined) throw new OutputsError(`${source}: cannot tell the region from ${invokeTargets.processing}; pass --region`);
  const schedule = outputs.scheduleDeadLetterQueueUrl;
  const compactionSchedule = outputs.compactionScheduleDeadLetterQueueUrl;
  return {
    stack,
    region: resolvedRegion,
    rawBucket: text(outputs, "rawBucket", source),
    processedBucket: text(outputs, "processedBucket", source),
    trackingTable: text(outputs, "trackingTable", source),
    invokeTargets,
    deadLetterQueueUrls,
    ...(typeof schedule === "string" && schedule !== "" ? { scheduleDeadLetterQueueUrl: schedule } : {}),
    ...(typeof compactionSchedule === "string" && compactionSchedule !== "" ? { compactionScheduleDeadLetterQueueUrl: compactionSchedule } : {}),
  };
}

/** Runs `pulumi stack output --json --stack <stack>`; `run` stands in for the CLI in tests. */
export function readStackOutputs(
  stack: string,
  run: (command: string, args: string[]) => string = (command, args) => execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }),
): Record<string, unknown> {
  let stdout: string;
  try {
    stdout = run("pulumi", ["stack", "output", "--json", "--stack", stack]);
  } catch (error) {
    const { code, stderr } = error as { code?: string; stderr?: string };
    if (code === "ENOENT") {
      throw new OutputsError(
        `the Pulumi CLI is not installed here: save \`pulumi stack output --json --stack ${stack}\` from a machine that has it and pass the file with --outputs <file>`,
      );
    }
    throw new OutputsError(`pulumi stack output --json --stack ${stack} failed: ${String(stderr ?? (error as Error).message).trim()}`);
  }
  return parseOutputs(stdout, `pulumi stack output --json --stack ${stack}`);
}

export function readOutputsFile(file: string): Record<string, unknown> {
  if (!fs.existsSync(file)) throw new OutputsError(`--outputs ${file}: no such file`);
  return parseOutputs(fs.readFileSync(file, "utf8"), file);
}

function parseOutputs(json: string, source: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(json) as unknown;
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new OutputsError(`${source} is not the JSON object \`pulumi stack output --json\` prints`);
}
