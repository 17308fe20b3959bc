/**
 * X-Ray traces of what an invocation calls: every AWS SDK call as a subsegment named after its
 * service (S3, DynamoDB, CloudWatch, SNS, Secrets Manager), every `fetch` (OpenSky's API and token
 * endpoint) as a subsegment named after its host, under a `## <stage>` subsegment per invocation
 * and a `snapshot` subsegment per snapshot, annotated with the snapshot id, so the X-Ray console
 * finds a snapshot's traces with `annotation.snapshotId = "…"`.
 *
 * Powertools Tracer does the recording (manual instrumentation through plain function calls; its
 * classes stay in node_modules, which serialization leaves alone). It is loaded only when
 * the stack asks for instrumentation and POWERTOOLS_TRACE_ENABLED does not switch it off (the
 * local run does, unless it collects traces), so a container that does not trace pays nothing at
 * init; outside Lambda Powertools switches itself off and hands clients back untouched.
 */
import type { Tracer } from "@aws-lambda-powertools/tracer";
import type { Environment } from "./settings";

export interface Tracing {
  readonly enabled: boolean;
  /** The client itself, its calls recorded. Trace the real client before `withDeadline` views it. */
  client<C>(client: C): C;
  /** Runs one invocation under `## <stage>`, a subsegment of the segment Lambda opened for it. */
  invocation<T>(work: () => Promise<T>): Promise<T>;
  /** Runs one snapshot's work under a `snapshot` subsegment annotated with its id. */
  snapshot<T>(snapshotId: string, work: () => Promise<T>): Promise<T>;
  /** Annotates the subsegment open now (ingestion learns its snapshot id half-way). */
  annotate(name: string, value: string | number | boolean): void;
}

export const SNAPSHOT_ANNOTATION = "snapshotId";

export const NO_TRACING: Tracing = {
  enabled: false,
  client: (client) => client,
  invocation: (work) => work(),
  snapshot: (_snapshotId, work) => work(),
  annotate: () => undefined,
};

export interface TracingOptions {
  /** The stack asks for instrumentation (TRACING_INSTRUMENTATION). */
  instrument: boolean;
  stage: string;
  serviceName: string;
  /** Where POWERTOOLS_TRACE_ENABLED is read before loading the tracer (which then reads process.env itself). */
  env?: Environment;
}

export function createTracing(options: TracingOptions): Tracing {
  const env = options.env ?? process.env;
  if (!options.instrument || env.POWERTOOLS_TRACE_ENABLED?.trim().toLowerCase() === "false") return NO_TRACING;
  // Required here, not imported at the top: a container that does not trace never loads it.
  const powertools = require("@aws-lambda-powertools/tracer") as typeof import("@aws-lambda-powertools/tracer");
  const tracer: Tracer = new powertools.Tracer({ serviceName: options.serviceName });
  if (!tracer.isTracingEnabled()) return NO_TRACING;

  /** Runs `work` in a new subsegment of the current one, annotated, which is current again afterwards. */
  const within = async <T>(name: string, annotate: () => void, work: () => Promise<T>): Promise<T> => {
    const parent = tracer.getSegment();
    if (parent === undefined) return work();
    const subsegment = parent.addNewSubsegment(name);
    tracer.setSegment(subsegment);
    annotate();
    try {
      return await work();
    } catch (error) {
      // The error reaches here already redacted (failureRecorded and deadlineBoundHandler).
      tracer.addErrorAsMetadata(error as Error);
      throw error;
    } finally {
      subsegment.close();
      tracer.setSegment(parent);
    }
  };

  return {
    enabled: true,
    client: (client) => tracer.captureAWSv3Client(client),
    invocation: (work) =>
      within(
        `## ${options.stage}`,
        () => {
          tracer.annotateColdStart();
          tracer.addServiceNameAnnotation();
        },
        work,
      ),
    snapshot: (snapshotId, work) => within("snapshot", () => tracer.putAnnotation(SNAPSHOT_ANNOTATION, snapshotId), work),
    annotate: (name, value) => tracer.putAnnotation(name, value),
  };
}
