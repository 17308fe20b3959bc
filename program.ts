import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { StageName } from "./contract/dataLayout";
import { FlightDataPipeline } from "./components/flightDataPipeline";
import type { StageHandler } from "./components/pipelineFunction";
import { lambdaInsightsLayerArn } from "./components/support/lambdaInsights";
import { accountConcurrencyPrerequisite } from "./config/accountConcurrency";
import { awsProviderArgs } from "./config/awsProviderSettings";
import { ConfigError } from "./config/configReader";
import { loadStackConfig } from "./config/loadStackConfig";
import { physicalNameCheck } from "./config/physicalNames";
import { compactionHandlerFromEnvironment } from "./handlers/compaction";
import { QUALITY_ROLLUP_COLUMNS } from "./handlers/compaction/qualityRollup";
import { ingestionHandlerFromEnvironment } from "./handlers/ingestion";
import { processingHandlerFromEnvironment } from "./handlers/processing";
import { validationHandlerFromEnvironment } from "./handlers/validation";
import { PARQUET_COLUMNS } from "./handlers/shared/stateVector";
import { savedQueries } from "./queries/savedQueries";

/** Loaded by every stage when the stack instruments tracing (handlers/shared/tracing.ts). */
const TRACING_PACKAGES = ["@aws-lambda-powertools/tracer"];

/** The real handlers, each with the npm packages its code loads in Lambda. */
export const PIPELINE_HANDLERS: Record<StageName, StageHandler> = {
  ingestion: { callbackFactory: ingestionHandlerFromEnvironment, runtimePackages: ["p-retry"], tracingPackages: TRACING_PACKAGES },
  processing: { callbackFactory: processingHandlerFromEnvironment, runtimePackages: ["hyparquet-writer"], tracingPackages: TRACING_PACKAGES },
  validation: { callbackFactory: validationHandlerFromEnvironment, runtimePackages: ["hyparquet"], tracingPackages: TRACING_PACKAGES },
  compaction: { callbackFactory: compactionHandlerFromEnvironment, runtimePackages: ["hyparquet-writer"], tracingPackages: TRACING_PACKAGES },
};

/**
 * Builds the pipeline for the running stack from its configuration. index.ts calls it for
 * `pulumi up`; the mocked builds of tests, the policy check and the local run call it too.
 */
export function createPipeline(handlers: Record<StageName, StageHandler> = PIPELINE_HANDLERS) {
  const { stack, config, openskyClientSecret } = loadStackConfig();
  const project = pulumi.getProject();
  const name = `${project}-${stack}`;
  // One provider for the whole pipeline so that every taggable resource carries the tags. An
  // explicit provider reads none of the stack's aws:* settings by itself: all of them are passed on.
  const providerArgs = awsProviderArgs(pulumi.runtime.allConfig(), { project, environment: stack, "managed-by": "pulumi", ...config.tags });
  const region = providerArgs.region as string;
  // Resolved here, where the region is known before anything runs, so that a region without a
  // known layer fails the preview at once with the key to set.
  const insightsLayerArn = config.enableLambdaInsights
    ? (config.lambdaInsightsLayerArn ?? lambdaInsightsLayerArn(region, config.lambdaArchitecture))
    : undefined;
  const provider = new aws.Provider(`${name}-aws`, providerArgs);
  const nameProblems: string[] = [];
  const pipeline = new FlightDataPipeline(
    name,
    {
      environment: stack,
      config: { ...config, lambdaInsightsLayerArn: insightsLayerArn },
      handlers,
      catalogColumns: PARQUET_COLUMNS.map(({ name: column, type }) => ({ name: column, type })),
      qualityColumns: QUALITY_ROLLUP_COLUMNS.map(({ name: column, type }) => ({ name: column, type })),
      catalogQueries: savedQueries().map(({ name: query, description, sql }) => ({ name: query, description, sql })),
      openskyClientSecret,
    },
    { providers: { aws: provider }, transformations: [physicalNameCheck(name, nameProblems)] },
  );
  if (nameProblems.length > 0) throw new ConfigError(nameProblems);
  pulumi.log.warn(accountConcurrencyPrerequisite(config, region).message);
  const fn = pipeline.functions;
  return {
    rawBucket: pipeline.lake.raw.name,
    processedBucket: pipeline.lake.processed.name,
    athenaResultsBucket: pipeline.lake.athenaResults.name,
    kmsKeyArn: pipeline.lake.keyArn,
    trackingTable: pipeline.tracking.tableName,
    alertTopicArn: pipeline.alertTopic?.topicArn,
    glueDatabase: pipeline.catalog.databaseName,
    glueTable: pipeline.catalog.tableName,
    glueDailyTable: pipeline.catalog.dailyTableName,
    glueQualityTable: pipeline.catalog.qualityTableName,
    athenaWorkgroup: pipeline.catalog.workgroupName,
    dashboardUrl: pipeline.monitoring.dashboardUrl,
    functionNames: {
      ingestion: fn.ingestion.functionName,
      processing: fn.processing.functionName,
      validation: fn.validation.functionName,
      compaction: fn.compaction.functionName,
    },
    invokeArns: {
      ingestion: fn.ingestion.invokeTarget.arn,
      processing: fn.processing.invokeTarget.arn,
      validation: fn.validation.invokeTarget.arn,
      compaction: fn.compaction.invokeTarget.arn,
    },
    deadLetterQueueUrls: {
      ingestion: fn.ingestion.deadLetterQueueUrl,
      processing: fn.processing.deadLetterQueueUrl,
      validation: fn.validation.deadLetterQueueUrl,
      compaction: fn.compaction.deadLetterQueueUrl,
    },
    scheduleDeadLetterQueueUrl: pipeline.ingestion.scheduleDeadLetterQueueUrl,
    compactionScheduleDeadLetterQueueUrl: pipeline.compaction.scheduleDeadLetterQueueUrl,
    packageSizes: {
      ingestion: fn.ingestion.packageSize,
      processing: fn.processing.packageSize,
      validation: fn.validation.packageSize,
      compaction: fn.compaction.packageSize,
    },
  };
}
