import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { RAW_PREFIX } from "../contract/dataLayout";
import type { BoundingBox } from "../contract/settings";
import { ingestionEnvironment } from "../contract/stageEnvironment";
import { awsContext } from "./support/awsContext";
import { PipelineFunction, type KeyUse } from "./pipelineFunction";
import type { PolicyStatement } from "./support/iamStatements";
import { scheduleTrigger } from "./support/scheduleTrigger";
import { listPrefixes, PUBLISH_PIPELINE_METRICS, readObjects, trackSnapshotItems, writeObjects } from "./support/stagePermissions";
import type { StageFunctionArgs } from "./pipelineFunction";

export interface OpenSkySettings {
  apiUrl: string;
  tokenUrl: string;
  /** With clientSecret: OAuth2 client credentials; without: anonymous access. */
  clientId?: string;
  clientSecret?: pulumi.Input<string>;
  boundingBox?: BoundingBox;
  extended: boolean;
  requestTimeoutMs: number;
}

export interface IngestionStageArgs {
  function: StageFunctionArgs;
  rawBucketArn: pulumi.Input<string>;
  rawBucketName: pulumi.Input<string>;
  trackingTableArn: pulumi.Input<string>;
  opensky: OpenSkySettings;
  /** An EventBridge schedule expression; undefined leaves ingestion to manual invocations. */
  scheduleExpression?: string;
  /** Retention of the schedule's own dead-letter queue. */
  dlqRetentionSeconds: number;
}

/**
 * Fetches OpenSky state vectors on a schedule and stores each response in the raw bucket. The
 * schedule retries a failed delivery 3 times within an hour, then parks the event in its own
 * encrypted DLQ (scheduleTrigger.ts); the function's failures go to the function's DLQ.
 */
export class IngestionStage extends pulumi.ComponentResource {
  readonly function: PipelineFunction;
  readonly scheduleRuleName?: pulumi.Output<string>;
  readonly scheduleDeadLetterQueueUrl?: pulumi.Output<string>;
  readonly credentialsSecretArn?: pulumi.Output<string>;

  constructor(name: string, args: IngestionStageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flightdata:pipeline:IngestionStage", name, {}, opts);
    const { clientId, clientSecret } = args.opensky;
    if ((clientId === undefined) !== (clientSecret === undefined)) {
      throw new Error(`IngestionStage ${name}: OpenSky clientId and clientSecret go together (set both, or neither for anonymous access)`);
    }
    const parent = { parent: this };
    const ctx = awsContext(this);

    // The raw snapshot is written with If-None-Match; when S3 refuses the write, HeadObject tells
    // this run's own write (its response lost) from another run's, and ListBucket makes a write
    // still in flight answer 404 rather than 403. Ingestion records its outcome in one UpdateItem.
    const statements: PolicyStatement[] = [
      writeObjects("StoreRawSnapshots", args.rawBucketArn, [RAW_PREFIX]),
      readObjects("SeeWhoStoredRawSnapshots", args.rawBucketArn, [RAW_PREFIX]),
      listPrefixes("TellMissingRawFromForbidden", args.rawBucketArn, [RAW_PREFIX]),
      trackSnapshotItems(args.trackingTableArn, ["dynamodb:UpdateItem"]),
      PUBLISH_PIPELINE_METRICS,
    ];
    const keyUse: KeyUse = { decrypt: ["dynamodb"], generateDataKeys: ["s3"] };
    // The client secret lives in Secrets Manager, encrypted with the pipeline key; the function
    // gets only the secret's ARN and reads it at init.
    if (clientId !== undefined && clientSecret !== undefined) {
      const secret = new aws.secretsmanager.Secret(
        `${name}-opensky-credentials`,
        { description: "OpenSky API OAuth2 client credentials", kmsKeyId: args.function.kmsKeyArn, recoveryWindowInDays: 7 },
        parent,
      );
      new aws.secretsmanager.SecretVersion(
        `${name}-opensky-credentials-value`,
        { secretId: secret.id, secretString: pulumi.secret(pulumi.jsonStringify({ clientId, clientSecret })) },
        parent,
      );
      statements.push({ Sid: "ReadOpenSkyCredentials", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secret.arn });
      keyUse.decrypt.push("secretsmanager");
      this.credentialsSecretArn = secret.arn;
    }
    const environment = {
      ...args.function.environment,
      ...ingestionEnvironment({
        rawBucket: args.rawBucketName,
        openskyApiUrl: args.opensky.apiUrl,
        openskyTokenUrl: args.opensky.tokenUrl,
        openskyCredentialsSecretArn: this.credentialsSecretArn,
        boundingBox: args.opensky.boundingBox,
        extended: args.opensky.extended,
        requestTimeoutMs: args.opensky.requestTimeoutMs,
      }),
    };

    const { handler, ...functionArgs } = args.function;
    this.function = new PipelineFunction(
      name,
      {
        ...functionArgs,
        description: "Fetches OpenSky state vectors and stores the raw snapshot in S3",
        callbackFactory: handler.callbackFactory,
        runtimePackages: handler.runtimePackages,
        statements,
        keyUse,
        environment,
      },
      parent,
    );

    if (args.scheduleExpression !== undefined) {
      const schedule = scheduleTrigger(
        name,
        {
          scheduleExpression: args.scheduleExpression,
          description: "Starts an OpenSky ingestion",
          runs: "ingestions",
          target: this.function.invokeTarget,
          fn: args.function,
          dlqRetentionSeconds: args.dlqRetentionSeconds,
          ctx,
        },
        this,
      );
      this.scheduleRuleName = schedule.ruleName;
      this.scheduleDeadLetterQueueUrl = schedule.deadLetterQueueUrl;
    }

    this.registerOutputs({
      functionName: this.function.functionName,
      scheduleRuleName: this.scheduleRuleName,
      scheduleDeadLetterQueueUrl: this.scheduleDeadLetterQueueUrl,
    });
  }
}
