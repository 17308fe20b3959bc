/**
 * The operator tools against the local pipeline (local/pipeline/localPipeline.ts): its stand-ins
 * answer S3, DynamoDB and SQS as AWS does, so the tools use the same SDK calls on them; a stage is
 * invoked through the local Lambda harness, synchronously, as Lambda's RequestResponse invoke runs.
 */
import { ENV } from "../contract/environment";
import type { LocalPipeline } from "../local/pipeline/localPipeline";
import { createPipelineAccess, type InvokeOutcome, type PipelineAccess } from "./pipelineAccess";
import { OPERATED_STAGES, type OperatedStage, type PipelineTarget } from "./stackOutputs";

export function localPipelineTarget(pipeline: LocalPipeline): PipelineTarget {
  const { topology, provisioned } = pipeline;
  const queueUrl = (arn: string | undefined, what: string): string => {
    const url = arn === undefined ? undefined : provisioned.queueUrls.get(arn);
    if (url === undefined) throw new Error(`the local ${topology.stack} pipeline has no queue for ${what}`);
    return url;
  };
  const deadLetterQueueUrls = {} as Record<OperatedStage, string>;
  for (const stage of OPERATED_STAGES)
    deadLetterQueueUrls[stage] = queueUrl(topology.functions[stage].onFailureDestinationArn, `${stage}'s failed invocations`);
  const table = topology.tables[0];
  const rawBucket = topology.functions.processing.pkg.environment[ENV.rawBucket];
  const processedBucket = topology.functions.processing.pkg.environment[ENV.processedBucket];
  if (table === undefined || rawBucket === undefined || processedBucket === undefined) {
    throw new Error(`the local ${topology.stack} pipeline lacks its tracking table or buckets`);
  }
  const scheduleQueue = topology.schedule?.deadLetterArn;
  const compactionScheduleQueue = topology.schedules.find((schedule) => schedule.functionName === topology.functions.compaction.name)?.deadLetterArn;
  return {
    stack: topology.stack,
    region: topology.region,
    rawBucket,
    processedBucket,
    trackingTable: table.name,
    invokeTargets: Object.fromEntries(OPERATED_STAGES.map((stage) => [stage, topology.functions[stage].name])) as Record<OperatedStage, string>,
    deadLetterQueueUrls,
    ...(scheduleQueue === undefined ? {} : { scheduleDeadLetterQueueUrl: queueUrl(scheduleQueue, "the schedule's undelivered events") }),
    ...(compactionScheduleQueue === undefined
      ? {}
      : { compactionScheduleDeadLetterQueueUrl: queueUrl(compactionScheduleQueue, "the compaction schedule's undelivered events") }),
  };
}

export function localPipelineAccess(pipeline: LocalPipeline): PipelineAccess {
  const { clients } = pipeline.emulators;
  return createPipelineAccess({
    s3: clients.s3,
    dynamodb: clients.dynamodb,
    sqs: clients.sqs,
    trackingTable: localPipelineTarget(pipeline).trackingTable,
    async invoke(stage, event): Promise<InvokeOutcome> {
      const result = await pipeline.functions[stage].invoke(event);
      return result.ok
        ? { ok: true, result: result.value }
        : { ok: false, errorType: result.error?.errorType ?? "Error", errorMessage: result.error?.errorMessage ?? "the invocation failed" };
    },
  });
}
