import * as pulumi from "@pulumi/pulumi";
import type { ParquetCodec } from "../contract/settings";
import { PROCESSED_PREFIX, QUARANTINE_PREFIX, RAW_PREFIX, RAW_SUFFIX } from "../contract/dataLayout";
import { processingEnvironment } from "../contract/stageEnvironment";
import { awsContext } from "./support/awsContext";
import { PipelineFunction } from "./pipelineFunction";
import { s3Trigger } from "./support/s3Trigger";
import { listPrefixes, PUBLISH_PIPELINE_METRICS, readObjects, trackSnapshotItems, writeObjects } from "./support/stagePermissions";
import type { StageFunctionArgs } from "./pipelineFunction";

export interface ProcessingStageArgs {
  function: StageFunctionArgs;
  rawBucketName: pulumi.Input<string>;
  rawBucketArn: pulumi.Input<string>;
  processedBucketName: pulumi.Input<string>;
  processedBucketArn: pulumi.Input<string>;
  trackingTableArn: pulumi.Input<string>;
  parquet: { codec: ParquetCodec; gzipLevel: number; rowGroupSize: number };
}

/**
 * Turns each raw snapshot into a typed Parquet file: invoked by the raw bucket for every `.json`
 * object created under `raw/`, writes under `processed/` (and untypable rows under `quarantine/`).
 */
export class ProcessingStage extends pulumi.ComponentResource {
  readonly function: PipelineFunction;

  constructor(name: string, args: ProcessingStageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flightdata:pipeline:ProcessingStage", name, {}, opts);
    const ctx = awsContext(this);
    const { handler, ...functionArgs } = args.function;

    this.function = new PipelineFunction(
      name,
      {
        ...functionArgs,
        description: "Converts raw OpenSky snapshots into typed Parquet",
        callbackFactory: handler.callbackFactory,
        runtimePackages: handler.runtimePackages,
        // Each output is written only when a HeadObject shows the stored object differs (so a
        // retry fires no second validation); the HEAD needs s3:GetObject, and ListBucket makes a
        // first write's HEAD answer 404. A missing raw object fails as NoSuchKey, not
        // AccessDenied. The claim is a conditional UpdateItem; a refused claim reads the item.
        statements: [
          readObjects("ReadRawSnapshots", args.rawBucketArn, [RAW_PREFIX]),
          listPrefixes("TellMissingRawFromForbidden", args.rawBucketArn, [RAW_PREFIX]),
          writeObjects("WriteParquetAndQuarantine", args.processedBucketArn, [PROCESSED_PREFIX, QUARANTINE_PREFIX]),
          readObjects("SeeWrittenParquetAndQuarantine", args.processedBucketArn, [PROCESSED_PREFIX, QUARANTINE_PREFIX]),
          listPrefixes("TellMissingObjectsFromForbidden", args.processedBucketArn, [PROCESSED_PREFIX, QUARANTINE_PREFIX]),
          trackSnapshotItems(args.trackingTableArn, ["dynamodb:UpdateItem", "dynamodb:GetItem"]),
          PUBLISH_PIPELINE_METRICS,
        ],
        keyUse: { decrypt: ["s3", "dynamodb"], generateDataKeys: ["s3"] },
        environment: {
          ...args.function.environment,
          ...processingEnvironment({
            rawBucket: args.rawBucketName,
            processedBucket: args.processedBucketName,
            parquetCodec: args.parquet.codec,
            parquetGzipLevel: args.parquet.gzipLevel,
            parquetRowGroupSize: args.parquet.rowGroupSize,
          }),
        },
      },
      { parent: this },
    );

    s3Trigger(
      `${name}-raw-objects`,
      {
        bucketName: args.rawBucketName,
        bucketArn: args.rawBucketArn,
        target: this.function.invokeTarget,
        prefix: RAW_PREFIX,
        suffix: RAW_SUFFIX,
        ctx,
      },
      this,
    );

    this.registerOutputs({ functionName: this.function.functionName });
  }
}
