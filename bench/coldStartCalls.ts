/**
 * What a function's first invocation called, as it went through the fault proxies (which pass
 * everything through), turned into the plan its floor replays (coldStartFloor.ts): the same
 * operations in the same order, the same objects read, the same body sizes written, calls that
 * overlapped grouped to overlap again. Derived from each run, so the floor follows the function
 * whatever it starts calling.
 *
 * The floor runs after the function on the same stand-ins, so what the function created must not
 * change the floor's answers, and the floor must not touch the function's data: writes go to keys
 * of the floor's own (`cold-start-floor/<id>/…` objects, tracking items whose key values start
 * with `cold-start-floor-<id>-`), and a read the function found missing reads a floor key, missing
 * too; a conditional write keeps its condition, made to decide as the function's did. The floor
 * checks each answer's status against the function's and reports those that differ.
 */
import { gunzipSync } from "zlib";
import type { FaultProxy, ProxiedExchange } from "../emulators";
import type { FloorCall, FloorPlan } from "./coldStartFloor";

/** The proxies a function's calls go through, by the service behind them. */
export type RecordedService = "s3" | "dynamodb" | "cloudwatch" | "snsSqs" | "secretsManager" | "opensky";

export interface RecordedExchange {
  service: RecordedService;
  exchange: ProxiedExchange;
  settledAtMs: number;
}

export interface CallRecorder {
  /** The exchanges settled since the last `take`, in the order they arrived. */
  take(): RecordedExchange[];
  stop(): void;
}

export function recordCalls(proxies: Partial<Record<RecordedService, FaultProxy>>): CallRecorder {
  let recorded: RecordedExchange[] = [];
  const unsubscribe = Object.entries(proxies).map(([service, proxy]) =>
    proxy!.observe((exchange) => recorded.push({ service: service as RecordedService, exchange, settledAtMs: performance.now() })),
  );
  return {
    take() {
      const taken = recorded.sort((a, b) => (a.exchange.receivedAtMs ?? 0) - (b.exchange.receivedAtMs ?? 0));
      recorded = [];
      return taken;
    },
    stop: () => unsubscribe.forEach((stop) => stop()),
  };
}

export interface KeySchema {
  table: string;
  keys: readonly string[];
}

export interface FloorPlanOptions {
  /** Makes the floor's own keys unique to one floor run. */
  floorId: string;
  clientOptions: Record<string, unknown>;
  tables: readonly KeySchema[];
}

export class UnplannedCallError extends Error {}

function jsonBody(exchange: ProxiedExchange): Record<string, any> {
  const { headers, body } = exchange.request;
  const raw = String(headers["content-encoding"] ?? "").includes("gzip") ? gunzipSync(body) : body;
  return raw.length === 0 ? {} : (JSON.parse(raw.toString("utf8")) as Record<string, any>);
}

const header = (exchange: ProxiedExchange, name: string): string | undefined => {
  const value = exchange.request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function s3Call(exchange: ProxiedExchange, floorKey: (key: string) => string): FloorCall {
  const { operation, url } = exchange.request;
  const parsed = new URL(url, "http://127.0.0.1");
  const match = /^\/([^/]+)(?:\/(.*))?$/.exec(parsed.pathname);
  if (!match) throw new UnplannedCallError(`S3 ${operation} ${url}: not a path-style request`);
  const Bucket = decodeURIComponent(match[1]!);
  const Key = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
  const status = exchange.status ?? 0;
  switch (operation) {
    case "GetObject":
    case "HeadObject": {
      const input: Record<string, unknown> = { Bucket, Key: status === 404 ? floorKey(Key!) : Key };
      if (header(exchange, "range") !== undefined) input.Range = header(exchange, "range");
      return { client: "s3", operation, input, status };
    }
    case "PutObject": {
      const metadata = Object.fromEntries(
        Object.entries(exchange.request.headers)
          .filter(([name]) => name.startsWith("x-amz-meta-"))
          .map(([name, value]) => [name.slice("x-amz-meta-".length), String(value)]),
      );
      const contentType = header(exchange, "content-type");
      const input: Record<string, unknown> = { Bucket, Key: floorKey(Key!), Metadata: metadata };
      if (contentType !== undefined) input.ContentType = contentType;
      if (header(exchange, "if-none-match") !== undefined) input.IfNoneMatch = header(exchange, "if-none-match");
      // With a streamed checksum the request carries the payload's length apart from the framing's.
      const bodyBytes = Number(header(exchange, "x-amz-decoded-content-length") ?? exchange.request.body.length);
      return { client: "s3", operation, input, bodyBytes, status };
    }
    case "ListObjectsV2": {
      const input: Record<string, unknown> = { Bucket };
      const query: Record<string, string> = {
        prefix: "Prefix",
        delimiter: "Delimiter",
        "continuation-token": "ContinuationToken",
        "start-after": "StartAfter",
      };
      for (const [name, field] of Object.entries(query)) {
        const value = parsed.searchParams.get(name);
        if (value !== null) input[field] = value;
      }
      const maxKeys = parsed.searchParams.get("max-keys");
      if (maxKeys !== null) input.MaxKeys = Number(maxKeys);
      return { client: "s3", operation, input, status };
    }
    default:
      throw new UnplannedCallError(`S3 ${operation}: bench/coldStartCalls.ts has no rule for it`);
  }
}

function dynamoDbCall(exchange: ProxiedExchange, options: FloorPlanOptions): FloorCall {
  const { operation } = exchange.request;
  const input = jsonBody(exchange);
  const status = exchange.status ?? 0;
  if (operation === "GetItem") return { client: "dynamodb", operation, input, status };
  if (!["PutItem", "UpdateItem", "DeleteItem"].includes(operation))
    throw new UnplannedCallError(`DynamoDB ${operation}: bench/coldStartCalls.ts has no rule for it`);
  const schema = options.tables.find((table) => table.table === input.TableName);
  if (schema === undefined) throw new UnplannedCallError(`DynamoDB ${operation} on ${input.TableName}, a table the bench was not told the keys of`);
  const item = (operation === "PutItem" ? input.Item : input.Key) as Record<string, Record<string, unknown>>;
  const floorItem = { ...item };
  for (const key of schema.keys) {
    const value = item[key];
    if (value?.S === undefined) throw new UnplannedCallError(`DynamoDB ${operation}: key attribute ${key} is not a string`);
    floorItem[key] = { S: `cold-start-floor-${options.floorId}-${String(value.S)}` };
  }
  const floorInput: Record<string, unknown> = { ...input, [operation === "PutItem" ? "Item" : "Key"]: floorItem };
  if (typeof input.ConditionExpression === "string") {
    // The floor's item is new, so the function's condition would not be decided as it was: it is
    // still sent and evaluated, made always true (or false, where the function's was refused).
    const refused = status === 400;
    floorInput.ConditionExpression = `${refused ? "attribute_exists" : "attribute_not_exists"}(#coldStartFloorAbsent) ${refused ? "AND" : "OR"} (${input.ConditionExpression})`;
    floorInput.ExpressionAttributeNames = {
      ...(input.ExpressionAttributeNames as Record<string, string> | undefined),
      "#coldStartFloorAbsent": "coldStartFloorAbsent",
    };
  }
  return { client: "dynamodb", operation, input: floorInput, status };
}

function cloudWatchCall(exchange: ProxiedExchange): FloorCall {
  const { operation } = exchange.request;
  if (operation !== "PutMetricData") throw new UnplannedCallError(`CloudWatch ${operation}: bench/coldStartCalls.ts has no rule for it`);
  const input = jsonBody(exchange);
  // AWS JSON sends timestamps as epoch seconds; the command takes Dates (the floor makes them from ISO text).
  const metricData = (input.MetricData as Array<Record<string, unknown>>).map((datum) =>
    typeof datum.Timestamp === "number" ? { ...datum, Timestamp: new Date(datum.Timestamp * 1000).toISOString() } : datum,
  );
  return { client: "cloudwatch", operation, input: { ...input, MetricData: metricData }, status: exchange.status ?? 0 };
}

function snsCall(exchange: ProxiedExchange): FloorCall {
  const { operation } = exchange.request;
  if (operation !== "Publish") throw new UnplannedCallError(`SNS/SQS ${operation}: bench/coldStartCalls.ts has no rule for it`);
  const form = new URLSearchParams(exchange.request.body.toString("utf8"));
  const input: Record<string, unknown> = { TopicArn: form.get("TopicArn"), Message: form.get("Message") };
  if (form.get("Subject") !== null) input.Subject = form.get("Subject");
  const attributes: Record<string, { DataType: string; StringValue: string }> = {};
  for (let entry = 1; form.has(`MessageAttributes.entry.${entry}.Name`); entry++) {
    attributes[form.get(`MessageAttributes.entry.${entry}.Name`)!] = {
      DataType: form.get(`MessageAttributes.entry.${entry}.Value.DataType`) ?? "String",
      StringValue: form.get(`MessageAttributes.entry.${entry}.Value.StringValue`) ?? "",
    };
  }
  if (Object.keys(attributes).length > 0) input.MessageAttributes = attributes;
  return { client: "sns", operation, input, status: exchange.status ?? 0 };
}

function secretsManagerCall(exchange: ProxiedExchange): FloorCall {
  const { operation } = exchange.request;
  if (operation !== "GetSecretValue") throw new UnplannedCallError(`Secrets Manager ${operation}: bench/coldStartCalls.ts has no rule for it`);
  return { client: "secretsManager", operation, input: jsonBody(exchange), status: exchange.status ?? 0 };
}

/** OpenSky is called with fetch: the same request, through the same proxy. */
function httpCall(exchange: ProxiedExchange, proxyEndpoint: string): FloorCall {
  const { method, url, body } = exchange.request;
  const headers: Record<string, string> = {};
  for (const name of ["authorization", "content-type", "accept"]) {
    const value = header(exchange, name);
    if (value !== undefined) headers[name] = value;
  }
  return {
    client: "http",
    operation: `${method} ${new URL(url, proxyEndpoint).pathname}`,
    method,
    url: new URL(url, proxyEndpoint).toString(),
    headers,
    ...(body.length > 0 ? { body: body.toString("utf8") } : {}),
    status: exchange.status ?? 0,
  };
}

/** The floor call one recorded request stands for. */
export function floorCallOf(recorded: RecordedExchange, options: FloorPlanOptions, openSkyEndpoint = "http://127.0.0.1"): FloorCall {
  const floorKey = (key: string) => `cold-start-floor/${options.floorId}/${key}`;
  switch (recorded.service) {
    case "s3":
      return s3Call(recorded.exchange, floorKey);
    case "dynamodb":
      return dynamoDbCall(recorded.exchange, options);
    case "cloudwatch":
      return cloudWatchCall(recorded.exchange);
    case "snsSqs":
      return snsCall(recorded.exchange);
    case "secretsManager":
      return secretsManagerCall(recorded.exchange);
    case "opensky":
      return httpCall(recorded.exchange, openSkyEndpoint);
  }
}

/**
 * The plan: recorded requests in arrival order, a request joining the wave before it when it
 * arrived before the last of that wave's answers (so the floor is never less concurrent than the
 * function was).
 */
export function floorPlanOf(recorded: readonly RecordedExchange[], options: FloorPlanOptions, openSkyEndpoint?: string): FloorPlan {
  const waves: FloorCall[][] = [];
  let waveSettlesAt = Number.NEGATIVE_INFINITY;
  for (const call of recorded) {
    const receivedAt = call.exchange.receivedAtMs ?? Number.POSITIVE_INFINITY;
    const floorCall = floorCallOf(call, options, openSkyEndpoint);
    if (receivedAt < waveSettlesAt && waves.length > 0) waves[waves.length - 1]!.push(floorCall);
    else waves.push([floorCall]);
    waveSettlesAt = Math.max(receivedAt < waveSettlesAt ? waveSettlesAt : Number.NEGATIVE_INFINITY, call.settledAtMs);
  }
  return { clientOptions: options.clientOptions, waves };
}

/** `client operation` of each call, in plan order: what a floor and its function are compared by. */
export const operationsOf = (plan: FloorPlan): string[] => plan.waves.flat().map((call) => `${call.client} ${call.operation}`);
