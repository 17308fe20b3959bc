/**
 * Everything a run produced, read back out of the stand-ins: the objects in every bucket, the
 * tracking items, the metrics CloudWatch received, the alerts on the topic's subscribed queue and
 * what the dead-letter queues hold. `exportRunResults` also writes them under .local/<stack>/,
 * objects at their keys (Hive-style folders DuckDB reads as partitions).
 */
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { type AttributeValue, ScanCommand } from "@aws-sdk/client-dynamodb";
import * as fs from "fs";
import * as path from "path";
import { drainQueue, parseSnsEnvelope, type RecordedMetric } from "../../emulators";
import type { LocalPipeline } from "./localPipeline";

export interface StoredObject {
  bucket: string;
  key: string;
  size: number;
}

export interface PublishedAlert {
  topicName: string;
  subject?: string;
  message: string;
}

export interface RunResults {
  objects: StoredObject[];
  /** Validation reports by processed key. */
  reports: Map<string, Record<string, any>>;
  tracking: Array<Record<string, any>>;
  metrics: readonly RecordedMetric[];
  alerts: PublishedAlert[];
  /** Queue name → failure records (parsed). */
  deadLetters: Record<string, unknown[]>;
}

/** Output folders and files of a run, cleared when the next run starts. */
export const RUN_OUTPUTS = [
  "raw",
  "processed",
  "reports",
  "quarantine",
  "compacted",
  "metrics.json",
  "alerts.json",
  "tracking.json",
  "dead-letters.json",
  "traces.json",
] as const;

export function clearRunOutputs(stackDir: string): void {
  for (const name of RUN_OUTPUTS) fs.rmSync(path.join(stackDir, name), { recursive: true, force: true });
}

/** Reads the run's results; receiving drains the alert and dead-letter queues. */
export async function collectRunResults(pipeline: LocalPipeline): Promise<RunResults> {
  const { s3, sqs } = pipeline.emulators.clients;
  const objects: StoredObject[] = [];
  for (const bucket of pipeline.topology.buckets) {
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      for (const object of page.Contents ?? []) objects.push({ bucket, key: object.Key ?? "", size: object.Size ?? 0 });
      token = page.NextContinuationToken;
    } while (token);
  }

  const reports = new Map<string, Record<string, any>>();
  for (const object of objects.filter((candidate) => candidate.key.startsWith("reports/"))) {
    const report = JSON.parse(await readText(pipeline, object)) as Record<string, any>;
    reports.set(report.objects?.processed ?? object.key, report);
  }

  const tracking = await scanTracking(pipeline);

  const alerts: PublishedAlert[] = [];
  for (const subscriber of pipeline.provisioned.topicSubscribers) {
    for (const body of await drainQueue(sqs, subscriber.queueUrl)) {
      const envelope = parseSnsEnvelope(body);
      alerts.push({ topicName: subscriber.topicName, ...(envelope.Subject ? { subject: envelope.Subject } : {}), message: envelope.Message });
    }
  }

  const deadLetters: Record<string, unknown[]> = {};
  for (const queue of pipeline.topology.queues) {
    const url = pipeline.provisioned.queueUrls.get(queue.arn);
    if (url) deadLetters[queue.name] = (await drainQueue(sqs, url)).map((body) => JSON.parse(body) as unknown);
  }

  return { objects, reports, tracking, metrics: pipeline.emulators.cloudwatch.metrics, alerts, deadLetters };
}

/** Every item of the program's tables (the tracking table), as plain JSON. */
export async function scanTracking(pipeline: LocalPipeline): Promise<Array<Record<string, any>>> {
  const items: Array<Record<string, any>> = [];
  for (const table of pipeline.topology.tables) {
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await pipeline.emulators.clients.dynamodb.send(new ScanCommand({ TableName: table.name, ExclusiveStartKey: startKey }));
      items.push(...(page.Items ?? []).map((item) => plainItem(item)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  return items;
}

export async function exportRunResults(pipeline: LocalPipeline, results: RunResults): Promise<void> {
  const { stackDir } = pipeline;
  clearRunOutputs(stackDir);
  for (const object of results.objects) {
    const target = path.join(stackDir, ...object.key.split("/"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, await readBytes(pipeline, object));
  }
  const writeJson = (name: string, value: unknown) => fs.writeFileSync(path.join(stackDir, name), `${JSON.stringify(value, null, 2)}\n`);
  writeJson("metrics.json", results.metrics);
  writeJson(
    "alerts.json",
    results.alerts.map((alert) => ({ ...alert, message: parseIfJson(alert.message) })),
  );
  writeJson("tracking.json", results.tracking);
  writeJson("dead-letters.json", results.deadLetters);
}

async function readBytes(pipeline: LocalPipeline, object: StoredObject): Promise<Uint8Array> {
  const response = await pipeline.emulators.clients.s3.send(new GetObjectCommand({ Bucket: object.bucket, Key: object.key }));
  if (!response.Body) throw new Error(`the S3 stand-in returned no body for ${object.bucket}/${object.key}`);
  return response.Body.transformToByteArray();
}

async function readText(pipeline: LocalPipeline, object: StoredObject): Promise<string> {
  return Buffer.from(await readBytes(pipeline, object)).toString("utf8");
}

function parseIfJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A DynamoDB item as plain JSON (the project does not depend on @aws-sdk/util-dynamodb). */
function plainItem(item: Record<string, AttributeValue>): Record<string, any> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, plainValue(value)]));
}

function plainValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return plainItem(value.M);
  if (value.L !== undefined) return value.L.map(plainValue);
  if (value.SS !== undefined) return value.SS;
  if (value.NS !== undefined) return value.NS.map(Number);
  return value;
}
