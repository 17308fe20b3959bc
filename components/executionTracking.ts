import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { TRACKING_PARTITION_KEY, TRACKING_SORT_KEY, TRACKING_TTL_ATTRIBUTE } from "../contract/dataLayout";

export interface ExecutionTrackingArgs {
  kmsKeyArn: pulumi.Input<string>;
  /** Refuses `pulumi destroy` of the table while on (prod). */
  deletionProtection: boolean;
}

/**
 * The table that records each snapshot's progress through each stage (one item per snapshot and
 * stage, removed by TTL), and the validation circuit breaker's state.
 */
export class ExecutionTracking extends pulumi.ComponentResource {
  readonly tableName: pulumi.Output<string>;
  readonly tableArn: pulumi.Output<string>;

  constructor(name: string, args: ExecutionTrackingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flightdata:tracking:ExecutionTracking", name, {}, opts);
    const table = new aws.dynamodb.Table(
      `${name}-executions`,
      {
        billingMode: "PAY_PER_REQUEST",
        hashKey: TRACKING_PARTITION_KEY,
        rangeKey: TRACKING_SORT_KEY,
        attributes: [
          { name: TRACKING_PARTITION_KEY, type: "S" },
          { name: TRACKING_SORT_KEY, type: "S" },
        ],
        ttl: { attributeName: TRACKING_TTL_ATTRIBUTE, enabled: true },
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true, kmsKeyArn: args.kmsKeyArn },
        deletionProtectionEnabled: args.deletionProtection,
      },
      { parent: this },
    );
    this.tableName = table.name;
    this.tableArn = table.arn;
    this.registerOutputs({ tableName: this.tableName, tableArn: this.tableArn });
  }
}
