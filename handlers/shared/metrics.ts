/**
 * Publishes the pipeline's CloudWatch metrics: namespace FlightDataPipeline, every datum carrying
 * the Environment dimension, sent in as few PutMetricData calls as the API's limits allow.
 * Data is checked when it is added, so a bad value fails where it was produced, naming the metric,
 * rather than as a batch-wide InvalidParameterValue from AWS.
 */
import { type CloudWatchClient, type MetricDatum, PutMetricDataCommand, type StandardUnit } from "@aws-sdk/client-cloudwatch";
import { ENVIRONMENT_DIMENSION, METRICS_NAMESPACE } from "../../contract/dataLayout";

export type MetricUnit = StandardUnit;

export interface Metric {
  name: string;
  value: number;
  unit: MetricUnit;
  /** Added to the Environment dimension. */
  dimensions?: Readonly<Record<string, string>>;
  /** Defaults to the time the metric was added. */
  timestamp?: Date;
}

/** PutMetricData's documented limits. */
export const PUT_METRIC_DATA_LIMITS = {
  dataPerRequest: 1_000,
  /** The API allows 1 MB per request; leave room for the envelope and the SDK's encoding. */
  bytesPerRequest: 900_000,
  dimensionsPerDatum: 30,
  nameLength: 255,
  /** Values outside ±2^360 are rejected. */
  maxMagnitude: 2 ** 360,
} as const;

export interface MetricsPublisher {
  /** Queues a datum; nothing is sent until `flush`. Throws if CloudWatch would reject it. */
  add(metric: Metric): void;
  /** Sends everything queued, in batches within the API's limits. Returns the data sent. */
  flush(): Promise<number>;
  /** `add` each, then `flush`. */
  publish(metrics: readonly Metric[]): Promise<number>;
}

export interface MetricsPublisherOptions {
  cloudwatch: CloudWatchClient;
  /** The stack name: the Environment dimension's value. */
  environment: string;
  namespace?: string;
  clock?: () => Date;
}

function checkName(what: string, name: string, metric: string): void {
  if (name.length === 0 || name.length > PUT_METRIC_DATA_LIMITS.nameLength) {
    throw new Error(`metric ${JSON.stringify(metric)}: ${what} ${JSON.stringify(name)} must be 1 to ${PUT_METRIC_DATA_LIMITS.nameLength} characters`);
  }
}

export function toMetricDatum(metric: Metric, environment: string, now: Date): MetricDatum {
  checkName("name", metric.name, metric.name);
  if (!Number.isFinite(metric.value) || Math.abs(metric.value) > PUT_METRIC_DATA_LIMITS.maxMagnitude) {
    throw new Error(`metric ${JSON.stringify(metric.name)}: value ${metric.value} is not a finite number within ±2^360, which CloudWatch rejects`);
  }
  const dimensions = [{ Name: ENVIRONMENT_DIMENSION, Value: environment }];
  for (const [name, value] of Object.entries(metric.dimensions ?? {})) {
    if (name === ENVIRONMENT_DIMENSION) {
      throw new Error(`metric ${JSON.stringify(metric.name)}: the ${ENVIRONMENT_DIMENSION} dimension is set by the publisher`);
    }
    checkName("dimension name", name, metric.name);
    checkName("dimension value", value, metric.name);
    dimensions.push({ Name: name, Value: value });
  }
  if (dimensions.length > PUT_METRIC_DATA_LIMITS.dimensionsPerDatum) {
    throw new Error(`metric ${JSON.stringify(metric.name)}: ${dimensions.length} dimensions, CloudWatch allows ${PUT_METRIC_DATA_LIMITS.dimensionsPerDatum}`);
  }
  return {
    MetricName: metric.name,
    Value: metric.value,
    Unit: metric.unit,
    Dimensions: dimensions,
    Timestamp: metric.timestamp ?? now,
  };
}

/** Splits data into requests of at most 1,000 data and well under the 1 MB request limit. */
export function batchMetricData(data: readonly MetricDatum[]): MetricDatum[][] {
  const batches: MetricDatum[][] = [];
  let current: MetricDatum[] = [];
  let currentBytes = 0;
  for (const datum of data) {
    const bytes = Buffer.byteLength(JSON.stringify(datum));
    const full = current.length === PUT_METRIC_DATA_LIMITS.dataPerRequest || currentBytes + bytes > PUT_METRIC_DATA_LIMITS.bytesPerRequest;
    if (full && current.length > 0) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(datum);
    currentBytes += bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export function createMetricsPublisher(options: MetricsPublisherOptions): MetricsPublisher {
  const namespace = options.namespace ?? METRICS_NAMESPACE;
  const clock = options.clock ?? (() => new Date());
  let queued: MetricDatum[] = [];

  const publisher: MetricsPublisher = {
    add(metric) {
      queued.push(toMetricDatum(metric, options.environment, clock()));
    },

    async flush() {
      const sending = queued;
      queued = [];
      for (const batch of batchMetricData(sending)) {
        await options.cloudwatch.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: batch }));
      }
      return sending.length;
    },

    publish(metrics) {
      for (const metric of metrics) publisher.add(metric);
      return publisher.flush();
    },
  };
  return publisher;
}
