import * as pulumi from "@pulumi/pulumi";
import { STAGES, type StageName } from "../contract/dataLayout";
import { commonEnvironment } from "../contract/stageEnvironment";
import type { StackConfig } from "../config/stackConfig";
import { AlertTopic } from "./alertTopic";
import { AnalyticsCatalog, type CatalogColumn, type CatalogQuery } from "./analyticsCatalog";
import { CompactionStage } from "./compactionStage";
import { DataLake } from "./dataLake";
import { ExecutionTracking } from "./executionTracking";
import { IngestionStage } from "./ingestionStage";
import { Monitoring } from "./monitoring";
import { Network } from "./network";
import { OPERATOR_QUERIES } from "./support/operatorQueries";
import type { PipelineFunction } from "./pipelineFunction";
import { ProcessingStage } from "./processingStage";
import { processedBucketRetentionRules } from "./support/retentionRules";
import { SavedLogQueries } from "./savedLogQueries";
import { SharedDependenciesLayer } from "./sharedDependenciesLayer";
import type { StageFunctionArgs, StageHandler } from "./pipelineFunction";
import { ValidationStage } from "./validationStage";

export interface FlightDataPipelineArgs {
  /** The stack name: the Environment dimension of every metric and part of physical names. */
  environment: string;
  config: StackConfig;
  /** Each stage's code; index.ts passes the real handlers, tests may pass their own. */
  handlers: Record<StageName, StageHandler>;
  /** The Parquet files' columns, for the Glue tables. */
  catalogColumns: CatalogColumn[];
  /** The daily quality lines' columns. */
  qualityColumns: CatalogColumn[];
  /** Saved as Athena named queries. */
  catalogQueries: CatalogQuery[];
  openskyClientSecret?: pulumi.Input<string>;
}

/**
 * The whole pipeline, in the order data flows: the lake and its key, the catalog over it, the
 * tracking table, the alert topic, the network, then ingestion → processing → validation, the
 * daily compaction, and the monitoring over all of them, with the runbook's saved Logs Insights
 * queries.
 */
export class FlightDataPipeline extends pulumi.ComponentResource {
  readonly lake: DataLake;
  readonly catalog: AnalyticsCatalog;
  readonly tracking: ExecutionTracking;
  readonly alertTopic?: AlertTopic;
  readonly ingestion: IngestionStage;
  readonly processing: ProcessingStage;
  readonly validation: ValidationStage;
  readonly compaction: CompactionStage;
  readonly monitoring: Monitoring;
  readonly logQueries: SavedLogQueries;
  readonly functions: Record<StageName, PipelineFunction>;

  constructor(name: string, args: FlightDataPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flightdata:pipeline:FlightDataPipeline", name, {}, opts);
    const c = args.config;
    if (!/^[a-z0-9-]+$/.test(name) || name.length > 40) {
      throw new Error(`FlightDataPipeline "${name}": the name must be lowercase letters, digits and - (at most 40), as it prefixes bucket and function names`);
    }
    const parent = { parent: this };

    this.lake = new DataLake(
      `${name}-lake`,
      {
        rawTransitionDays: c.dataLake.rawTransitionDays,
        rawExpirationDays: c.dataLake.rawExpirationDays,
        processedTransitionDays: c.dataLake.processedTransitionDays,
        athenaResultsExpirationDays: c.dataLake.athenaResultsExpirationDays,
        forceDestroy: c.dataLake.forceDestroy,
        keyDeletionWindowDays: c.dataLake.forceDestroy ? 7 : 30,
        existingBuckets: c.dataLake.existingBuckets,
        processedRetentionRules: processedBucketRetentionRules(c.dataLake),
      },
      parent,
    );
    const keyArn = this.lake.keyArn;

    this.catalog = new AnalyticsCatalog(
      `${name}-catalog`,
      {
        processedBucketName: this.lake.processed.name,
        athenaResultsBucketName: this.lake.athenaResults.name,
        kmsKeyArn: keyArn,
        columns: args.catalogColumns,
        qualityColumns: args.qualityColumns,
        firstYear: c.catalog.firstYear,
        queries: args.catalogQueries,
      },
      parent,
    );

    this.tracking = new ExecutionTracking(`${name}-tracking`, { kmsKeyArn: keyArn, deletionProtection: !c.dataLake.forceDestroy }, parent);

    if (c.createErrorNotificationTopic) {
      this.alertTopic = new AlertTopic(`${name}-alerts`, { kmsKeyArn: keyArn, email: c.errorNotificationEmail }, parent);
    }
    const topicArn = this.alertTopic?.topicArn;

    const network = c.vpc ? new Network(`${name}-network`, c.vpc, parent) : undefined;

    // The tracer ships only to functions that load it: those of a stack that instruments tracing.
    const instrumented = c.enableXrayTracing && c.enableXrayInstrumentation;
    const handlerOf = (stage: StageName): StageHandler => {
      const { callbackFactory, runtimePackages, tracingPackages = [] } = args.handlers[stage];
      return { callbackFactory, runtimePackages: instrumented ? [...runtimePackages, ...tracingPackages] : runtimePackages };
    };
    const sharedLayer = c.sharedDependenciesLayer
      ? new SharedDependenciesLayer(
          `${name}-shared-dependencies`,
          {
            packages: [...new Set(STAGES.flatMap((stage) => handlerOf(stage).runtimePackages))],
            runtime: c.lambdaRuntime,
            architecture: c.lambdaArchitecture,
          },
          parent,
        )
      : undefined;

    const functionArgs = (stage: StageName): StageFunctionArgs => {
      const settings = c.lambda[stage];
      return {
        functionName: `${name}-${stage}`,
        handler: handlerOf(stage),
        environment: {
          ...settings.environmentVariables,
          ...commonEnvironment({
            environment: args.environment,
            logLevel: c.logLevel,
            trackingTable: this.tracking.tableName,
            trackingTtlDays: c.trackingTtlDays,
            tracing: instrumented,
          }),
        },
        memorySize: settings.memorySize,
        timeout: settings.timeout,
        reservedConcurrency: settings.reservedConcurrency,
        runtime: c.lambdaRuntime,
        architecture: c.lambdaArchitecture,
        kmsKeyArn: keyArn,
        logRetentionDays: c.logRetentionDays,
        logLevels: { application: c.logLevel, system: c.systemLogLevel },
        dlqRetentionSeconds: c.dlqRetentionSeconds,
        maximumRetryAttempts: c.maximumRetryAttempts,
        maximumEventAgeSeconds: c.maximumEventAgeSeconds,
        tracing: c.enableXrayTracing,
        insights: c.enableLambdaInsights ? { layerArn: c.lambdaInsightsLayerArn } : false,
        sharedDependenciesLayerArn: sharedLayer?.arn,
        vpc: network ? { subnetIds: network.subnetIds, securityGroupIds: network.securityGroupIds } : undefined,
        versioning: c.enableLambdaVersioning
          ? {
              provisionedConcurrency: c.enableProvisionedConcurrency ? settings.provisionedConcurrency : 0,
              gradualDeploymentWeight: c.enableGradualDeployment ? c.gradualDeploymentWeight : undefined,
            }
          : undefined,
        alarms: c.enableCloudwatchAlarms ? { topicArn } : undefined,
      };
    };

    this.ingestion = new IngestionStage(
      `${name}-ingestion`,
      {
        function: functionArgs("ingestion"),
        rawBucketName: this.lake.raw.name,
        rawBucketArn: this.lake.raw.arn,
        trackingTableArn: this.tracking.tableArn,
        opensky: {
          apiUrl: c.opensky.apiUrl,
          tokenUrl: c.opensky.tokenUrl,
          clientId: c.opensky.clientId,
          clientSecret: c.opensky.clientId !== undefined ? args.openskyClientSecret : undefined,
          boundingBox: c.opensky.boundingBox,
          extended: c.opensky.extended,
          requestTimeoutMs: c.opensky.requestTimeoutMs,
        },
        scheduleExpression: c.enableScheduledIngestion ? c.ingestionScheduleExpression : undefined,
        dlqRetentionSeconds: c.dlqRetentionSeconds,
      },
      parent,
    );
    this.processing = new ProcessingStage(
      `${name}-processing`,
      {
        function: functionArgs("processing"),
        rawBucketName: this.lake.raw.name,
        rawBucketArn: this.lake.raw.arn,
        processedBucketName: this.lake.processed.name,
        processedBucketArn: this.lake.processed.arn,
        trackingTableArn: this.tracking.tableArn,
        parquet: c.parquet,
      },
      parent,
    );
    this.validation = new ValidationStage(
      `${name}-validation`,
      {
        function: functionArgs("validation"),
        processedBucketName: this.lake.processed.name,
        processedBucketArn: this.lake.processed.arn,
        trackingTableArn: this.tracking.tableArn,
        alertTopicArn: topicArn,
        quality: c.dataQuality,
      },
      parent,
    );
    this.compaction = new CompactionStage(
      `${name}-compaction`,
      {
        function: functionArgs("compaction"),
        processedBucketName: this.lake.processed.name,
        processedBucketArn: this.lake.processed.arn,
        trackingTableArn: this.tracking.tableArn,
        scheduleExpression: c.compaction.scheduleExpression,
        lookbackDays: c.compaction.lookbackDays,
        rowGroupSize: c.compaction.rowGroupSize,
        parquet: c.parquet,
        dlqRetentionSeconds: c.dlqRetentionSeconds,
      },
      parent,
    );
    this.functions = {
      ingestion: this.ingestion.function,
      processing: this.processing.function,
      validation: this.validation.function,
      compaction: this.compaction.function,
    };

    const logGroupNames = {
      ingestion: this.ingestion.function.logGroupName,
      processing: this.processing.function.logGroupName,
      validation: this.validation.function.logGroupName,
      compaction: this.compaction.function.logGroupName,
    };
    this.monitoring = new Monitoring(
      name,
      {
        environment: args.environment,
        functionNames: {
          ingestion: this.ingestion.function.functionName,
          processing: this.processing.function.functionName,
          validation: this.validation.function.functionName,
          compaction: this.compaction.function.functionName,
        },
        logGroupNames,
        topicArn,
        qualityThreshold: c.dataQuality.qualityThreshold,
        staleFeedPeriods: c.staleFeedPeriods,
        createDashboard: c.createLambdaDashboard,
        createAlarms: c.enableCloudwatchAlarms,
      },
      parent,
    );

    this.logQueries = new SavedLogQueries(`${name}-queries`, { folder: name, logGroupNames, queries: OPERATOR_QUERIES }, parent);

    this.registerOutputs({
      rawBucket: this.lake.raw.name,
      processedBucket: this.lake.processed.name,
      trackingTable: this.tracking.tableName,
      alertTopicArn: topicArn,
      dashboardUrl: this.monitoring.dashboardUrl,
    });
  }
}
