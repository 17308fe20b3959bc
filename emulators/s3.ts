/**
 * S3 on loopback: s3rver behind a thin front that adds what s3rver 3.7 lacks and the pipeline
 * relies on, S3's conditional write (`If-None-Match: *` answers 412 when the key exists), and
 * that turns s3rver's event records into what a Lambda receives (keys URL-encoded as S3 sends them).
 * The front also lets any credentials in, as the other stand-ins do: s3rver does not verify SigV4
 * signatures, it only refuses an access key id other than its one built-in key, so the front
 * presents every request under that key (the local run gives each function keys of its own).
 */
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import type { S3Event, S3EventRecord } from "aws-lambda";
import S3rver = require("s3rver");
import { EMULATOR_CREDENTIALS } from "./clients";
import { type LoopbackServer, listenOnLoopback } from "./loopbackServer";
import { encodeKeyLikeS3Events } from "../handlers/shared/s3Keys";

export interface S3Emulator extends LoopbackServer {
  /** Every ObjectCreated/ObjectRemoved record so far, in order, keys encoded as S3 encodes them. */
  readonly events: readonly S3EventRecord[];
  /** Called with each event as the object is stored (before the PutObject response is sent). */
  onEvent(listener: (event: S3Event) => void): () => void;
  createBucket(name: string): Promise<void>;
}

export interface S3EmulatorOptions {
  buckets?: readonly string[];
}

function eventAsLambdaSees(event: S3Event): S3Event {
  return {
    Records: event.Records.map((record) => ({
      ...record,
      s3: { ...record.s3, object: { ...record.s3.object, key: encodeKeyLikeS3Events(record.s3.object.key) } },
    })),
  };
}

/** Path-style only: /<bucket>/<key>. */
function objectAddress(request: http.IncomingMessage): { bucket: string; key: string } | undefined {
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  const match = /^\/([^/]+)\/(.+)$/.exec(url.pathname);
  if (!match || url.searchParams.has("uploadId") || url.searchParams.has("partNumber")) return undefined;
  return { bucket: decodeURIComponent(match[1] as string), key: decodeURIComponent(match[2] as string) };
}

function s3ErrorXml(code: string, message: string, key: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><Key>${key}</Key><Condition>If-None-Match</Condition></Error>`;
}

export async function startS3Emulator(options: S3EmulatorOptions = {}): Promise<S3Emulator> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "s3-emulator-"));
  const s3rver = new S3rver({
    silent: true,
    directory,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name, configs: [] })),
  });
  await s3rver.configureBuckets();

  const events: S3EventRecord[] = [];
  const listeners = new Set<(event: S3Event) => void>();
  s3rver.on("event", (event: S3Event) => {
    const received = eventAsLambdaSees(event);
    events.push(...received.Records);
    for (const listener of listeners) listener(received);
  });

  const s3rverHandler = s3rver.callback();
  // Keys with a conditional PUT in flight: S3 answers a second concurrent one with 409.
  const conditionalWrites = new Set<string>();

  const server = http.createServer((request, response) => {
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      request.headers.authorization = authorization.replace(/Credential=[^/,\s]+\//, `Credential=${EMULATOR_CREDENTIALS.accessKeyId}/`);
    }
    const address = request.method === "PUT" ? objectAddress(request) : undefined;
    if (address === undefined || request.headers["if-none-match"] !== "*" || request.headers["x-amz-copy-source"]) {
      s3rverHandler(request, response);
      return;
    }
    const slot = `${address.bucket}/${address.key}`;
    if (conditionalWrites.has(slot)) {
      request.resume();
      response.writeHead(409, { "content-type": "application/xml" });
      response.end(
        s3ErrorXml("ConditionalRequestConflict", "A conflicting conditional operation is currently in progress against this resource.", address.key),
      );
      return;
    }
    conditionalWrites.add(slot);
    response.on("close", () => conditionalWrites.delete(slot));
    s3rver.store.existsObject(address.bucket, address.key).then(
      (exists: boolean) => {
        if (!exists) {
          s3rverHandler(request, response);
          return;
        }
        request.resume();
        response.writeHead(412, { "content-type": "application/xml" });
        response.end(s3ErrorXml("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", address.key));
      },
      (error: unknown) => {
        response.writeHead(500, { "content-type": "text/plain" });
        response.end(`S3 emulator could not check ${slot}: ${String(error)}`);
      },
    );
  });
  const loopback = await listenOnLoopback(server);

  return {
    ...loopback,
    events,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async createBucket(name) {
      await s3rver.store.putBucket(name);
    },
    async stop() {
      await loopback.stop();
      s3rver.logger.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
