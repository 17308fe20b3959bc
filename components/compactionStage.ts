import * as pulumi from "@pulumi/pulumi";
import { COMPACTED_PREFIX, PROCESSED_PREFIX, REPORTS_PREFIX } from "../contract/dataLayout";
import type { ParquetCodec } from "../contract/settings";
import { compactionEnvironment } from "../contract/stageEnvironment";
import { awsContext } from "./support/awsContext";
import { PipelineFunction } from "./pipelineFunction";
import { scheduleTrigger } from "./support/scheduleTrigger";
import { listPrefixes, readObjects, trackSnapshotItems, writeObjects } from "./support/stagePermissions";
import type { StageFunctionArgs } from "./pipelineFunction";

export interface CompactionStageArgs {
  function: StageFunctionArgs;
  processedBucketName: pulumi.Input<string>;
  processedBucketArn: pulumi.Input<string>;
  trackingTableArn: pulumi.Input<string>;
  /** When it runs: after the UTC day ends. */
  scheduleExpression: string;
  /** Days each run checks, the day just ended included. */
  lookbackDays: number;
  rowGroupSize: number;
  parquet: { codec: ParquetCodec; gzipLevel: number };
  /** Retention of the schedule's own dead-letter queue. */
  dlqRetentionSeconds: number;
}

/**
 * Merges each UTC day's per-snapshot Parquet into one daily file under `compacted/` (and the day's
 * validation reports into one JSON-lines file), on a daily schedule. It reads `processed/`,
 * `reports/` and its own `compacted/` files, writes only under `compacted/`, which no bucket
 * notification watches, and records each day in the tracking table.
 */
export class CompactionStage extends pulumi.ComponentResource {
  readonly function: PipelineFunction;
  readonly scheduleRuleName: pulumi.Output<string>;
  readonly scheduleDeadLetterQueueUrl: pulumi.Output<string>;

  constructor(name: string, args: CompactionStageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flightdata:pipeline:CompactionStage", name, {}, opts);
    if (!Number.isInteger(args.lookbackDays) || args.lookbackDays < 1) {
      throw new Error(`CompactionStage ${name}: lookbackDays must be a positive integer, got ${args.lookbackDays}`);
    }
    if (!Number.isInteger(args.rowGroupSize) || args.rowGroupSize < 1) {
      throw new Error(`CompactionStage ${name}: rowGroupSize must be a positive integer, got ${args.rowGroupSize}`);
    }
    const ctx = awsContext(this);
    const { handler, ...functionArgs } = args.function;

    this.function = new PipelineFunction(
      name,
      {
        ...functionArgs,
        description: "Merges each UTC day's Parquet snapshots into one sorted daily file",
        callbackFactory: handler.callbackFactory,
        runtimePackages: handler.runtimePackages,
        statements: [
          listPrefixes("ListDayInputsAndDailyFiles", args.processedBucketArn, [PROCESSED_PREFIX, REPORTS_PREFIX, COMPACTED_PREFIX]),
          // Its own daily files too: the footer of one says which snapshots it holds, and replacing
          // a file's metadata copies it onto itself.
          readObjects("ReadSnapshotsReportsAndDailyFiles", args.processedBucketArn, [PROCESSED_PREFIX, REPORTS_PREFIX, COMPACTED_PREFIX]),
          writeObjects("WriteDailyFiles", args.processedBucketArn, [COMPACTED_PREFIX]),
          // A day's item (its partition key is the day, YYYY-MM-DD): claimed, read after a refused claim, finished.
          trackSnapshotItems(args.trackingTableArn, ["dynamodb:UpdateItem", "dynamodb:GetItem"]),
        ],
        keyUse: { decrypt: ["s3", "dynamodb"], generateDataKeys: ["s3"] },
        environment: {
          ...args.function.environment,
          ...compactionEnvironment({
            processedBucket: args.processedBucketName,
            parquetCodec: args.parquet.codec,
            parquetGzipLevel: args.parquet.gzipLevel,
            lookbackDays: args.lookbackDays,
            rowGroupSize: args.rowGroupSize,
          }),
        },
      },
      { parent: this },
    );

    const schedule = scheduleTrigger(
      name,
      {
        scheduleExpression: args.scheduleExpression,
        description: "Compacts the UTC day that has just ended, and re-checks the days before it",
        runs: "compactions",
        target: this.function.invokeTarget,
        fn: args.function,
        dlqRetentionSeconds: args.dlqRetentionSeconds,
        ctx,
      },
      this,
    );
    this.scheduleRuleName = schedule.ruleName;
    this.scheduleDeadLetterQueueUrl = schedule.deadLetterQueueUrl;

    this.registerOutputs({
      functionName: this.function.functionName,
      scheduleRuleName: this.scheduleRuleName,
      scheduleDeadLetterQueueUrl: this.scheduleDeadLetterQueueUrl,
    });
  }
}
