/**
 * CloudWatch PutMetricData on loopback, speaking what @aws-sdk/client-cloudwatch 3.11xx sends:
 * AWS JSON 1.0 (`X-Amz-Target: GraniteServiceVersion20100801.PutMetricData`), gzip above 10 KB,
 * timestamps as epoch seconds. It records every datum and rejects what CloudWatch rejects, with the
 * error shape of a query-compatible JSON service (`x-amzn-query-error` header + `__type` body).
 */
import type * as http from "http";
import { type LoopbackServer, readBody, sendJson, startLoopbackServer } from "./loopbackServer";

export const PUT_METRIC_DATA_TARGET = "GraniteServiceVersion20100801.PutMetricData";

/** CloudWatch's documented PutMetricData limits. */
export const CLOUDWATCH_LIMITS = {
  requestBytes: 1_000_000,
  dataPerRequest: 1_000,
  dimensionsPerDatum: 30,
  valuesPerDatum: 150,
  nameLength: 255,
  maxMagnitude: 2 ** 360,
  maxAgeSeconds: 14 * 86_400,
  maxFutureSeconds: 2 * 3_600,
} as const;

const STANDARD_UNITS = new Set([
  "Seconds",
  "Microseconds",
  "Milliseconds",
  "Bytes",
  "Kilobytes",
  "Megabytes",
  "Gigabytes",
  "Terabytes",
  "Bits",
  "Kilobits",
  "Megabits",
  "Gigabits",
  "Terabits",
  "Percent",
  "Count",
  "Bytes/Second",
  "Kilobytes/Second",
  "Megabytes/Second",
  "Gigabytes/Second",
  "Terabytes/Second",
  "Bits/Second",
  "Kilobits/Second",
  "Megabits/Second",
  "Gigabits/Second",
  "Terabits/Second",
  "Count/Second",
  "None",
]);

/** One datum as CloudWatch stored it. */
export interface RecordedMetric {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  value?: number;
  values?: number[];
  counts?: number[];
  statisticValues?: { SampleCount: number; Sum: number; Minimum: number; Maximum: number };
  unit: string;
  timestamp: Date;
  storageResolution: number;
}

export interface RejectedRequest {
  code: string;
  message: string;
}

export interface CloudWatchEmulator extends LoopbackServer {
  readonly metrics: readonly RecordedMetric[];
  /** Requests answered with an error, in order. */
  readonly rejected: readonly RejectedRequest[];
  /** PutMetricData calls accepted. */
  readonly acceptedRequests: number;
  /** Of those, the ones that arrived gzip-compressed. */
  readonly gzippedRequests: number;
  /** The recorded data with this name (and these dimensions, when given). */
  find(name: string, dimensions?: Record<string, string>): RecordedMetric[];
  clear(): void;
}

export interface CloudWatchEmulatorOptions {
  /** Judges timestamps' age; tests with a fixed clock pass theirs. */
  clock?: () => Date;
}

interface WireDatum {
  MetricName?: unknown;
  Dimensions?: unknown;
  Timestamp?: unknown;
  Value?: unknown;
  Values?: unknown;
  Counts?: unknown;
  StatisticValues?: unknown;
  Unit?: unknown;
  StorageResolution?: unknown;
}

class CloudWatchError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** The error shape's name in the service model, which the SDK maps to its exception class. */
    readonly shape = `${code}Exception`,
  ) {
    super(message);
  }
}

const invalid = (parameter: string, value: unknown, why: string): CloudWatchError =>
  new CloudWatchError("InvalidParameterValue", `The value ${JSON.stringify(value)} for parameter ${parameter} is invalid: ${why}`);

const missing = (parameter: string): CloudWatchError =>
  new CloudWatchError("MissingParameter", `The parameter ${parameter} is required.`, 400, "MissingRequiredParameterException");

function checkName(parameter: string, value: unknown): string {
  if (value === undefined) throw missing(parameter);
  if (typeof value !== "string" || value.length < 1 || value.length > CLOUDWATCH_LIMITS.nameLength) {
    throw invalid(parameter, value, `must be a string of 1 to ${CLOUDWATCH_LIMITS.nameLength} characters`);
  }
  return value;
}

function checkNumber(parameter: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || Math.abs(value) > CLOUDWATCH_LIMITS.maxMagnitude) {
    throw invalid(parameter, value, "must be a finite number between -2^360 and 2^360");
  }
  return value;
}

function checkNumbers(parameter: string, value: unknown): number[] {
  if (!Array.isArray(value)) throw invalid(parameter, value, "must be a list of numbers");
  if (value.length > CLOUDWATCH_LIMITS.valuesPerDatum) {
    throw invalid(parameter, value.length, `holds at most ${CLOUDWATCH_LIMITS.valuesPerDatum} values`);
  }
  return value.map((item, index) => checkNumber(`${parameter}.member.${index + 1}`, item));
}

function decodeDatum(datum: WireDatum, namespace: string, position: number, now: Date): RecordedMetric {
  const at = `MetricData.member.${position}`;
  const name = checkName(`${at}.MetricName`, datum.MetricName);

  const dimensions: Record<string, string> = {};
  if (datum.Dimensions !== undefined) {
    if (!Array.isArray(datum.Dimensions)) throw invalid(`${at}.Dimensions`, datum.Dimensions, "must be a list");
    if (datum.Dimensions.length > CLOUDWATCH_LIMITS.dimensionsPerDatum) {
      throw invalid(`${at}.Dimensions`, datum.Dimensions.length, `holds at most ${CLOUDWATCH_LIMITS.dimensionsPerDatum} dimensions`);
    }
    datum.Dimensions.forEach((dimension: { Name?: unknown; Value?: unknown }, index: number) => {
      const dimensionName = checkName(`${at}.Dimensions.member.${index + 1}.Name`, dimension.Name);
      if (dimensionName in dimensions) {
        throw invalid(`${at}.Dimensions`, dimensionName, "has the same dimension name twice");
      }
      dimensions[dimensionName] = checkName(`${at}.Dimensions.member.${index + 1}.Value`, dimension.Value);
    });
  }

  const valueForms = [datum.Value, datum.Values, datum.StatisticValues].filter((form) => form !== undefined).length;
  if (valueForms > 1) {
    throw new CloudWatchError("InvalidParameterCombination", `${at}: at most one of Value, Values and StatisticValues may be given`);
  }
  const recorded: RecordedMetric = {
    namespace,
    name,
    dimensions,
    unit: "None",
    timestamp: now,
    storageResolution: 60,
  };
  if (datum.Value !== undefined) recorded.value = checkNumber(`${at}.Value`, datum.Value);
  if (datum.Values !== undefined) {
    recorded.values = checkNumbers(`${at}.Values`, datum.Values);
    if (datum.Counts !== undefined) {
      recorded.counts = checkNumbers(`${at}.Counts`, datum.Counts);
      if (recorded.counts.length !== recorded.values.length) {
        throw new CloudWatchError("InvalidParameterCombination", `${at}: Counts must have as many members as Values`);
      }
    }
  }
  if (datum.StatisticValues !== undefined) {
    const statistics = datum.StatisticValues as Record<string, unknown>;
    recorded.statisticValues = {
      SampleCount: checkNumber(`${at}.StatisticValues.SampleCount`, statistics.SampleCount),
      Sum: checkNumber(`${at}.StatisticValues.Sum`, statistics.Sum),
      Minimum: checkNumber(`${at}.StatisticValues.Minimum`, statistics.Minimum),
      Maximum: checkNumber(`${at}.StatisticValues.Maximum`, statistics.Maximum),
    };
  }
  if (valueForms === 0) recorded.value = 0;

  if (datum.Unit !== undefined) {
    if (typeof datum.Unit !== "string" || !STANDARD_UNITS.has(datum.Unit)) {
      throw invalid(`${at}.Unit`, datum.Unit, "must be one of CloudWatch's standard units");
    }
    recorded.unit = datum.Unit;
  }
  if (datum.StorageResolution !== undefined) {
    if (datum.StorageResolution !== 1 && datum.StorageResolution !== 60) {
      throw invalid(`${at}.StorageResolution`, datum.StorageResolution, "must be 1 or 60");
    }
    recorded.storageResolution = datum.StorageResolution;
  }
  if (datum.Timestamp !== undefined) {
    if (typeof datum.Timestamp !== "number" || !Number.isFinite(datum.Timestamp)) {
      throw invalid(`${at}.Timestamp`, datum.Timestamp, "must be epoch seconds");
    }
    const ageSeconds = now.getTime() / 1000 - datum.Timestamp;
    if (ageSeconds > CLOUDWATCH_LIMITS.maxAgeSeconds || -ageSeconds > CLOUDWATCH_LIMITS.maxFutureSeconds) {
      throw invalid(`${at}.Timestamp`, new Date(datum.Timestamp * 1000).toISOString(), "must be within the past two weeks and the next two hours");
    }
    recorded.timestamp = new Date(datum.Timestamp * 1000);
  }
  return recorded;
}

/** Checks a whole request before recording any of it: CloudWatch accepts or rejects a call as a unit. */
export function decodePutMetricData(body: Buffer, now: Date): RecordedMetric[] {
  if (body.length > CLOUDWATCH_LIMITS.requestBytes) {
    throw new CloudWatchError(
      "RequestEntityTooLarge",
      `Request size ${body.length} exceeded ${CLOUDWATCH_LIMITS.requestBytes} bytes`,
      413,
      "RequestEntityTooLarge",
    );
  }
  let input: { Namespace?: unknown; MetricData?: unknown };
  try {
    input = JSON.parse(body.toString("utf8")) as typeof input;
  } catch {
    throw new CloudWatchError("SerializationException", "Request body is not valid JSON", 400, "SerializationException");
  }
  const namespace = checkName("Namespace", input.Namespace);
  if (namespace.startsWith("AWS/") || namespace.startsWith(":")) {
    throw invalid("Namespace", namespace, "must not start with AWS/ or a colon");
  }
  if (input.MetricData === undefined) throw missing("MetricData");
  if (!Array.isArray(input.MetricData) || input.MetricData.length === 0) {
    throw invalid("MetricData", input.MetricData, "must be a non-empty list");
  }
  if (input.MetricData.length > CLOUDWATCH_LIMITS.dataPerRequest) {
    throw invalid("MetricData", input.MetricData.length, `The collection MetricData must not have a size greater than ${CLOUDWATCH_LIMITS.dataPerRequest}.`);
  }
  return (input.MetricData as WireDatum[]).map((datum, index) => decodeDatum(datum, namespace, index + 1, now));
}

export async function startCloudWatchEmulator(options: CloudWatchEmulatorOptions = {}): Promise<CloudWatchEmulator> {
  const clock = options.clock ?? (() => new Date());
  const metrics: RecordedMetric[] = [];
  const rejected: RejectedRequest[] = [];
  let acceptedRequests = 0;
  let gzippedRequests = 0;

  const reject = (response: http.ServerResponse, error: CloudWatchError): void => {
    rejected.push({ code: error.code, message: error.message });
    const sender = error.status < 500 ? "Sender" : "Receiver";
    sendJson(
      response,
      error.status,
      { __type: `com.amazonaws.cloudwatch#${error.shape}`, message: error.message },
      { "x-amzn-query-error": `${error.code};${sender}` },
      "application/x-amz-json-1.0",
    );
  };

  const server = await startLoopbackServer(async (request, response) => {
    const body = await readBody(request);
    try {
      if (!String(request.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256 ")) {
        throw new CloudWatchError("MissingAuthenticationToken", "Request is missing Authentication Token", 403, "MissingAuthenticationToken");
      }
      const target = request.headers["x-amz-target"];
      if (request.method !== "POST" || target !== PUT_METRIC_DATA_TARGET) {
        throw new CloudWatchError(
          "UnknownOperation",
          `This stand-in only serves ${PUT_METRIC_DATA_TARGET}, not ${String(target)}`,
          400,
          "UnknownOperationException",
        );
      }
      if (!String(request.headers["content-type"]).startsWith("application/x-amz-json-1.0")) {
        throw new CloudWatchError(
          "UnsupportedMediaType",
          `Content-Type ${String(request.headers["content-type"])} is not AWS JSON 1.0`,
          415,
          "UnsupportedMediaTypeException",
        );
      }
      const decoded = decodePutMetricData(body, clock());
      metrics.push(...decoded);
      acceptedRequests += 1;
      if (request.headers["content-encoding"] === "gzip") gzippedRequests += 1;
      sendJson(response, 200, {}, {}, "application/x-amz-json-1.0");
    } catch (error) {
      if (!(error instanceof CloudWatchError)) throw error;
      reject(response, error);
    }
  });

  return {
    ...server,
    metrics,
    rejected,
    get acceptedRequests() {
      return acceptedRequests;
    },
    get gzippedRequests() {
      return gzippedRequests;
    },
    find(name, dimensions = {}) {
      return metrics.filter(
        (metric) => metric.name === name && Object.entries(dimensions).every(([dimension, value]) => metric.dimensions[dimension] === value),
      );
    },
    clear() {
      metrics.length = 0;
      rejected.length = 0;
      acceptedRequests = 0;
      gzippedRequests = 0;
    },
  };
}
