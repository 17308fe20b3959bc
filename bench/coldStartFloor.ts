/**
 * The floor a function's cold start is measured against: a bare handler that creates the AWS SDK
 * v3 clients the function's first invocation called, with the function's client options, and
 * makes the same calls in the same order (calls that overlapped in the function overlap here),
 * reading every answer's body, and does nothing else. What the function takes beyond this is its
 * own: its modules, its settings, its work on the data, its way of making the calls.
 *
 * Written into a package folder of its own as `__index.js` beside `plan.json` (the calls, derived
 * from the function's recorded requests by coldStartCalls.ts) and cold-started by
 * coldStartProcess.ts exactly as the function's package is. It imports nothing of the project's:
 * only the SDK, from the module path Lambda's runtime provides.
 */
import * as fs from "fs";
import * as path from "path";

export type FloorClient = "s3" | "dynamodb" | "cloudwatch" | "sns" | "secretsManager";

/** One call of the plan: an SDK command, or an HTTP request made with fetch (OpenSky). */
export type FloorCall =
  | {
      client: FloorClient;
      /** The API operation; the command is `<operation>Command`. */
      operation: string;
      input: Record<string, unknown>;
      /** PutObject: the body's length in bytes. */
      bodyBytes?: number;
      /** The status the function got, which the floor's call should get too. */
      status: number;
    }
  | { client: "http"; operation: string; method: string; url: string; headers: Record<string, string>; body?: string; status: number };

export interface FloorPlan {
  /** The options the function gives every SDK client. */
  clientOptions: Record<string, unknown>;
  /** Calls in order; the calls of one wave are made together, waves one after another. */
  waves: FloorCall[][];
}

/** What the floor's invocation returns: how many calls it made, and those answered otherwise than the function's were. */
export interface FloorResult {
  calls: number;
  mismatches: string[];
}

const CLIENT_PACKAGES: Record<FloorClient, { module: string; constructor: string }> = {
  s3: { module: "@aws-sdk/client-s3", constructor: "S3Client" },
  dynamodb: { module: "@aws-sdk/client-dynamodb", constructor: "DynamoDBClient" },
  cloudwatch: { module: "@aws-sdk/client-cloudwatch", constructor: "CloudWatchClient" },
  sns: { module: "@aws-sdk/client-sns", constructor: "SNSClient" },
  secretsManager: { module: "@aws-sdk/client-secrets-manager", constructor: "SecretsManagerClient" },
};

interface SdkClient {
  send(command: unknown): Promise<Record<string, any>>;
}

const plan = JSON.parse(fs.readFileSync(path.join(__dirname, "plan.json"), "utf8")) as FloorPlan;
const used = [...new Set(plan.waves.flat().map((call) => call.client))].filter((client): client is FloorClient => client !== "http");
const sdk = Object.fromEntries(used.map((client) => [client, require(CLIENT_PACKAGES[client].module) as Record<string, any>]));
const clients = Object.fromEntries(
  used.map((client) => [client, new (sdk[client]![CLIENT_PACKAGES[client].constructor] as new (options: unknown) => SdkClient)(plan.clientOptions)]),
) as Record<FloorClient, SdkClient>;

function commandInput(call: Extract<FloorCall, { client: FloorClient }>): Record<string, unknown> {
  if (call.client === "s3" && call.operation === "PutObject") return { ...call.input, Body: new Uint8Array(call.bodyBytes ?? 0).fill(0x7b) };
  if (call.client === "cloudwatch" && Array.isArray(call.input.MetricData)) {
    const metricData = call.input.MetricData as Array<Record<string, unknown>>;
    return {
      ...call.input,
      MetricData: metricData.map((datum) => (typeof datum.Timestamp === "string" ? { ...datum, Timestamp: new Date(datum.Timestamp) } : datum)),
    };
  }
  return call.input;
}

async function make(call: FloorCall): Promise<number> {
  if (call.client === "http") {
    const response = await fetch(call.url, { method: call.method, headers: call.headers, ...(call.body === undefined ? {} : { body: call.body }) });
    await response.arrayBuffer();
    return response.status;
  }
  const Command = sdk[call.client]![`${call.operation}Command`] as new (input: unknown) => unknown;
  try {
    const output = await clients[call.client].send(new Command(commandInput(call)));
    if (output.Body !== undefined && typeof output.Body.transformToByteArray === "function") await output.Body.transformToByteArray();
    return output.$metadata?.httpStatusCode ?? 200;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === undefined) throw error;
    return status;
  }
}

export async function handler(): Promise<FloorResult> {
  const mismatches: string[] = [];
  let calls = 0;
  for (const wave of plan.waves) {
    const statuses = await Promise.all(wave.map(make));
    wave.forEach((call, index) => {
      if (statuses[index] !== call.status) mismatches.push(`${call.client} ${call.operation}: function ${call.status}, floor ${statuses[index]}`);
    });
    calls += wave.length;
  }
  return { calls, mismatches };
}
