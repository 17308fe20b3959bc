/**
 * A fault-injection layer in front of a stand-in: an HTTP proxy on loopback that passes every
 * request through, except those a test has asked to fail, and records each request's operation.
 * Point a client (or a function's AWS_ENDPOINT_URL_<SERVICE>) at the proxy instead of the
 * stand-in and script what goes wrong:
 *
 *   proxy.inject({ operation: "PutMetricData", fault: { kind: "status", ...awsErrors.serviceUnavailable() } });
 *   proxy.inject({ operation: "PutObject", times: 1, fault: { kind: "drop-response" } });
 *
 * Faults, as the pipeline meets them in AWS:
 * - `status`: an error answer instead of the stand-in's (5xx, throttling), with the body the
 *   service's protocol uses, so the SDK names it as AWS would;
 * - `hang`: no answer at all, until the client gives up or the proxy stops;
 * - `delay`: the stand-in's answer, late;
 * - `drop-response`: the stand-in acts on the request, the client never hears back (the
 *   connection is cut): the "lost response" after which a retried write finds its own work done;
 * - `reset`: the connection is cut before the stand-in sees the request.
 */
import * as http from "http";
import { type LoopbackServer, listenOnLoopback } from "./loopbackServer";

export type Fault =
  | { kind: "status"; status: number; body: string; headers?: Record<string, string> }
  | { kind: "hang" }
  | { kind: "delay"; ms: number }
  | { kind: "drop-response" }
  | { kind: "reset" };

export interface ProxiedRequest {
  /** The operation's name as the service's API spells it: PutObject, UpdateItem, PutMetricData, Publish… */
  operation: string;
  method: string;
  /** Path and query. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface FaultRule {
  /** Operations the rule applies to; every operation when absent. */
  operation?: string | readonly string[];
  /** A further test on the request, e.g. on the key of a PutObject. */
  when?: (request: ProxiedRequest) => boolean;
  fault: Fault;
  /** How many matching requests get the fault; every one when absent. */
  times?: number;
}

export interface RecordedCall {
  operation: string;
  method: string;
  url: string;
  /** The access key id the request was signed with: who made the call. */
  accessKeyId?: string;
  /** The fault applied, if any. */
  fault?: Fault["kind"];
}

/** A request that went through the proxy, with how it was answered. */
export interface ProxiedExchange {
  request: ProxiedRequest;
  accessKeyId?: string;
  /** The status the stand-in (or a `status` fault) answered with; absent when no answer came back. */
  status?: number;
  fault?: Fault["kind"];
  /** When the whole request had arrived (performance.now()): with the time it settled, which calls overlapped. */
  receivedAtMs?: number;
}

export interface FaultProxy extends LoopbackServer {
  readonly target: string;
  readonly calls: readonly RecordedCall[];
  inject(rule: FaultRule): void;
  /** Removes every rule not yet used up. */
  clear(): void;
  /** Calls `listener` with each request once its outcome is known; returns the unsubscribe. */
  observe(listener: (exchange: ProxiedExchange) => void): () => void;
}

/** Error answers in each protocol's shape, for `{ kind: "status", ...awsErrors.x() }`. */
export const awsErrors = {
  /** S3's REST-XML error. */
  s3: (status: number, code: string, message = code): Omit<Extract<Fault, { kind: "status" }>, "kind"> => ({
    status,
    headers: { "content-type": "application/xml" },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`,
  }),
  /** The AWS JSON protocols' error (DynamoDB, CloudWatch, SQS, Secrets Manager). */
  json: (status: number, type: string, message = type): Omit<Extract<Fault, { kind: "status" }>, "kind"> => ({
    status,
    headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-errortype": type },
    body: JSON.stringify({ __type: type, message }),
  }),
  /** The AWS query protocol's error (SNS). */
  query: (status: number, code: string, message = code): Omit<Extract<Fault, { kind: "status" }>, "kind"> => ({
    status,
    headers: { "content-type": "text/xml" },
    body: `<ErrorResponse><Error><Type>${status >= 500 ? "Receiver" : "Sender"}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`,
  }),
} as const;

/** The S3 operation a REST request is, from its method, path and query. */
function s3Operation(method: string, url: URL, headers: http.IncomingHttpHeaders): string {
  const hasKey = /^\/[^/]+\/.+/.test(url.pathname);
  const query = url.searchParams;
  if (!hasKey) {
    if (method === "GET") return query.get("list-type") === "2" ? "ListObjectsV2" : query.has("location") ? "GetBucketLocation" : "ListObjects";
    if (method === "PUT") return "CreateBucket";
    if (method === "HEAD") return "HeadBucket";
    if (method === "DELETE") return "DeleteBucket";
    if (method === "POST" && query.has("delete")) return "DeleteObjects";
    return `${method} bucket`;
  }
  if (method === "PUT") return headers["x-amz-copy-source"] ? "CopyObject" : query.has("partNumber") ? "UploadPart" : "PutObject";
  if (method === "GET") return "GetObject";
  if (method === "HEAD") return "HeadObject";
  if (method === "DELETE") return "DeleteObject";
  if (method === "POST") return query.has("uploads") ? "CreateMultipartUpload" : "CompleteMultipartUpload";
  return `${method} object`;
}

/** The operation of any AWS request: X-Amz-Target (JSON protocols), Action (query protocol), else S3's REST. */
export function operationOf(method: string, rawUrl: string, headers: http.IncomingHttpHeaders, body: Buffer): string {
  const target = headers["x-amz-target"];
  if (typeof target === "string") return target.slice(target.lastIndexOf(".") + 1);
  const url = new URL(rawUrl, "http://127.0.0.1");
  const contentType = String(headers["content-type"] ?? "");
  if (contentType.startsWith("application/x-www-form-urlencoded")) {
    const action = new URLSearchParams(body.toString("utf8")).get("Action");
    if (action) return action;
  }
  const queryAction = url.searchParams.get("Action");
  if (queryAction) return queryAction;
  return s3Operation(method, url, headers);
}

/**
 * The access key id of a SigV4-signed request, from its Authorization header or, for a presigned
 * URL, its X-Amz-Credential parameter.
 */
export function accessKeyIdOf(rawUrl: string, headers: http.IncomingHttpHeaders): string | undefined {
  const fromHeader = /Credential=([^/,\s]+)\//.exec(String(headers.authorization ?? ""))?.[1];
  if (fromHeader !== undefined) return fromHeader;
  return new URL(rawUrl, "http://127.0.0.1").searchParams.get("X-Amz-Credential")?.split("/")[0] || undefined;
}

function matches(rule: FaultRule, request: ProxiedRequest): boolean {
  if (rule.operation !== undefined) {
    const operations = typeof rule.operation === "string" ? [rule.operation] : rule.operation;
    if (!operations.includes(request.operation)) return false;
  }
  return rule.when === undefined || rule.when(request);
}

async function readAll(request: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Headers that belong to one hop, or that the buffered body makes wrong. */
const HOP_HEADERS = ["connection", "keep-alive", "transfer-encoding", "expect", "host"];

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const targetUrl = new URL(target);
  const rules: FaultRule[] = [];
  const calls: RecordedCall[] = [];
  const observers = new Set<(exchange: ProxiedExchange) => void>();
  const agent = new http.Agent({ keepAlive: true });

  const forward = (request: ProxiedRequest): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (!HOP_HEADERS.includes(name) && value !== undefined) headers[name] = value;
      }
      // The SDK signed the host it called (the proxy); stand-ins that check signatures are told that host.
      headers.host = request.headers.host ?? targetUrl.host;
      headers["content-length"] = String(request.body.length);
      const upstream = http.request(
        { host: targetUrl.hostname, port: targetUrl.port, method: request.method, path: request.url, headers, agent },
        (response) => {
          readAll(response).then((body) => resolve({ status: response.statusCode ?? 502, headers: response.headers, body }), reject);
        },
      );
      upstream.on("error", reject);
      upstream.end(request.body);
    });

  const server = http.createServer((incoming, response) => {
    void (async () => {
      const body = await readAll(incoming);
      const receivedAtMs = performance.now();
      const method = incoming.method ?? "GET";
      const url = incoming.url ?? "/";
      const request: ProxiedRequest = { operation: operationOf(method, url, incoming.headers, body), method, url, headers: incoming.headers, body };
      const index = rules.findIndex((rule) => matches(rule, request));
      const rule = index === -1 ? undefined : rules[index];
      if (rule?.times !== undefined && --rule.times <= 0) rules.splice(index, 1);
      const fault = rule?.fault;
      const accessKeyId = accessKeyIdOf(url, incoming.headers);
      calls.push({ operation: request.operation, method, url, ...(accessKeyId ? { accessKeyId } : {}), ...(fault ? { fault: fault.kind } : {}) });
      const settled = (status?: number) => {
        const exchange: ProxiedExchange = {
          request,
          ...(accessKeyId ? { accessKeyId } : {}),
          ...(status === undefined ? {} : { status }),
          ...(fault ? { fault: fault.kind } : {}),
          receivedAtMs,
        };
        for (const observer of observers) observer(exchange);
      };

      if (fault?.kind === "reset" || fault?.kind === "hang") {
        settled();
        if (fault.kind === "reset") incoming.socket.destroy();
        return;
      }
      if (fault?.kind === "status") {
        settled(fault.status);
        response.writeHead(fault.status, { "content-length": Buffer.byteLength(fault.body), ...fault.headers });
        response.end(fault.body);
        return;
      }
      if (fault?.kind === "delay") await new Promise((resolve) => setTimeout(resolve, fault.ms));
      const answer = await forward(request);
      settled(answer.status);
      if (fault?.kind === "drop-response") {
        incoming.socket.destroy();
        return;
      }
      const headers: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (!HOP_HEADERS.includes(name) && value !== undefined) headers[name] = value;
      }
      // A HEAD answer states the object's length without a body; anything else is sent whole.
      if (method !== "HEAD") headers["content-length"] = String(answer.body.length);
      response.writeHead(answer.status, headers);
      response.end(answer.body);
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502, { "content-type": "text/plain" });
      response.end(`fault proxy could not reach ${target}: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  const loopback = await listenOnLoopback(server);
  return {
    ...loopback,
    target,
    calls,
    inject(rule) {
      rules.push({ ...rule });
    },
    clear() {
      rules.length = 0;
    },
    observe(listener) {
      observers.add(listener);
      return () => observers.delete(listener);
    },
    async stop() {
      await loopback.stop();
      agent.destroy();
    },
  };
}
