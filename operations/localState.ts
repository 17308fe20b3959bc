/**
 * What `npm start` leaves in .local/<stack>/ (the objects at their keys, tracking.json,
 * dead-letters.json), loaded into a fresh local pipeline's stand-ins so `--local` tools operate on
 * the last local run, and written back afterwards, so the next command sees what this one did.
 * Objects are restored with S3 notifications held back: restoring must not run the stages.
 */
import { type AttributeValue, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import * as fs from "fs";
import * as path from "path";
import { KEY_KINDS } from "../handlers/shared/s3Keys";
import type { LocalPipeline } from "../local/pipeline/localPipeline";
import { collectRunResults } from "../local/pipeline/runResults";
import type { PipelineTarget } from "./stackOutputs";

/** The folders of .local/<stack>/ that hold objects, and their bucket. */
function objectFolders(target: PipelineTarget): Array<{ prefix: string; bucket: string }> {
  return Object.entries(KEY_KINDS).map(([kind, { prefix }]) => ({ prefix, bucket: kind === "raw" ? target.rawBucket : target.processedBucket }));
}

function* filesUnder(dir: string): Generator<string> {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(full);
    else if (entry.isFile()) yield full;
  }
}

/** A tracking item as tracking.json holds it (plain JSON) back in DynamoDB's form. */
export function attributeValue(value: unknown): AttributeValue {
  if (typeof value === "string") return { S: value };
  if (typeof value === "number") return { N: String(value) };
  if (typeof value === "boolean") return { BOOL: value };
  if (value === null || value === undefined) return { NULL: true };
  if (Array.isArray(value)) return { L: value.map(attributeValue) };
  return { M: Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, inner]) => [name, attributeValue(inner)])) };
}

export interface RestoredState {
  objects: number;
  trackingItems: number;
  deadLetters: number;
}

export async function restoreLocalState(pipeline: LocalPipeline, target: PipelineTarget): Promise<RestoredState> {
  const { s3, dynamodb, sqs } = pipeline.emulators.clients;
  const dir = pipeline.stackDir;
  let objects = 0;
  await pipeline.withoutS3Events(async () => {
    for (const { prefix, bucket } of objectFolders(target)) {
      for (const file of filesUnder(path.join(dir, prefix))) {
        const key = path.relative(dir, file).split(path.sep).join("/");
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: fs.readFileSync(file) }));
        objects += 1;
      }
    }
  });

  let trackingItems = 0;
  const trackingFile = path.join(dir, "tracking.json");
  if (fs.existsSync(trackingFile)) {
    for (const item of JSON.parse(fs.readFileSync(trackingFile, "utf8")) as Array<Record<string, unknown>>) {
      const attributes = attributeValue(item).M as Record<string, AttributeValue>;
      await dynamodb.send(new PutItemCommand({ TableName: target.trackingTable, Item: attributes }));
      trackingItems += 1;
    }
  }

  let deadLetters = 0;
  const lettersFile = path.join(dir, "dead-letters.json");
  if (fs.existsSync(lettersFile)) {
    const byQueue = JSON.parse(fs.readFileSync(lettersFile, "utf8")) as Record<string, unknown[]>;
    for (const [queueName, letters] of Object.entries(byQueue)) {
      const queue = pipeline.topology.queues.find((candidate) => candidate.name === queueName);
      const url = queue === undefined ? undefined : pipeline.provisioned.queueUrls.get(queue.arn);
      if (url === undefined) continue;
      for (const letter of letters) {
        await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(letter) }));
        deadLetters += 1;
      }
    }
  }
  return { objects, trackingItems, deadLetters };
}

/** Writes the objects, tracking.json and dead-letters.json back; metrics, alerts and logs of the run stay as they were. */
export async function saveLocalState(pipeline: LocalPipeline, target: PipelineTarget): Promise<void> {
  await pipeline.idle();
  const results = await collectRunResults(pipeline);
  const { s3 } = pipeline.emulators.clients;
  const dir = pipeline.stackDir;
  for (const { prefix, bucket } of objectFolders(target)) {
    fs.rmSync(path.join(dir, prefix), { recursive: true, force: true });
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
        const file = path.join(dir, ...(object.Key ?? "").split("/"));
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, await (response.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }
  fs.writeFileSync(path.join(dir, "tracking.json"), `${JSON.stringify(results.tracking, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, "dead-letters.json"), `${JSON.stringify(results.deadLetters, null, 2)}\n`);
}
