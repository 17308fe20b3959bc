import * as pulumi from "@pulumi/pulumi";
import { PROCESSED_PREFIX, PROCESSED_SUFFIX, REPORTS_PREFIX } from "../contract/dataLayout";
import { validationEnvironment } from "../contract/stageEnvironment";
import { awsContext } from "./support/awsContext";
import { PipelineFunction, type KeyUse } from "./pipelineFunction";
import type { PolicyStatement } from "./support/iamStatements";
import { s3Trigger } from "./support/s3Trigger";
import { keepCircuitBreakerState, listPrefixes, PUBLISH_PIPELINE_METRICS, readObjects, trackSnapshotItems, writeObjects } from "./support/stagePermissions";
import type { StageFunctionArgs } from "./pipelineFunction";

export interface ValidationStageArgs {
  function: StageFunctionArgs;
  processedBucketName: pulumi.Input<string>;
  processedBucketArn: pulumi.Input<string>;
  trackingTableArn: pulumi.Input<string>;
  /** Where data-quality alerts go; without a topic they are logged and counted only. */
  alertTopicArn?: pulumi.Input<string>;
  quality: {
    qualityThreshold: number;
    minCompletenessScore: number;
    maxErrorRate: number;
    strictMode: boolean;
    circuitBreakerThreshold: number;
  };
}

/**
 * Checks each Parquet snapshot's data quality: invoked by the processed bucket for every
 * `.parquet` object under `processed/`, publishes metrics, writes a report under `reports/`, and
 * alerts when the snapshot falls below the stack's thresholds.
 */
export class ValidationStage extends pulumi.ComponentResource {
  readonly function: PipelineFunction;

  constructor(name: string, args: ValidationStageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flightdata:pipeline:ValidationStage", name, {}, opts);
    const q = args.quality;
    for (const [key, value] of Object.entries({
      qualityThreshold: q.qualityThreshold,
      minCompletenessScore: q.minCompletenessScore,
      maxErrorRate: q.maxErrorRate,
    })) {
      if (!(value >= 0 && value <= 1)) throw new Error(`ValidationStage ${name}: ${key} must be in [0, 1], got ${value}`);
    }
    const ctx = awsContext(this);
    const { handler, ...functionArgs } = args.function;

    // ListBucket lets a Parquet object that is gone fail as NoSuchKey rather than AccessDenied.
    // The claim is a conditional UpdateItem and a refused claim reads the item; the circuit
    // breaker's item is the only one validation reads and writes whole.
    const statements: PolicyStatement[] = [
      readObjects("ReadParquetSnapshots", args.processedBucketArn, [PROCESSED_PREFIX]),
      listPrefixes("TellMissingParquetFromForbidden", args.processedBucketArn, [PROCESSED_PREFIX]),
      writeObjects("WriteValidationReports", args.processedBucketArn, [REPORTS_PREFIX]),
      trackSnapshotItems(args.trackingTableArn, ["dynamodb:UpdateItem", "dynamodb:GetItem"]),
      keepCircuitBreakerState(args.trackingTableArn),
      PUBLISH_PIPELINE_METRICS,
    ];
    const keyUse: KeyUse = { decrypt: ["s3", "dynamodb"], generateDataKeys: ["s3"] };
    if (args.alertTopicArn) {
      statements.push({ Sid: "PublishQualityAlerts", Effect: "Allow", Action: "sns:Publish", Resource: args.alertTopicArn });
      keyUse.decrypt.push("sns");
      keyUse.generateDataKeys.push("sns");
    }
    const environment = {
      ...args.function.environment,
      ...validationEnvironment({ processedBucket: args.processedBucketName, alertTopicArn: args.alertTopicArn || undefined, ...q }),
    };

    this.function = new PipelineFunction(
      name,
      {
        ...functionArgs,
        description: "Runs data-quality checks on each Parquet snapshot, publishes metrics and alerts",
        callbackFactory: handler.callbackFactory,
        runtimePackages: handler.runtimePackages,
        statements,
        keyUse,
        environment,
      },
      { parent: this },
    );

    s3Trigger(
      `${name}-parquet-objects`,
      {
        bucketName: args.processedBucketName,
        bucketArn: args.processedBucketArn,
        target: this.function.invokeTarget,
        prefix: PROCESSED_PREFIX,
        suffix: PROCESSED_SUFFIX,
        ctx,
      },
      this,
    );

    this.registerOutputs({ functionName: this.function.functionName });
  }
}
