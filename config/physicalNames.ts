/**
 * AWS limits the length of each resource's physical name, and mocks and `pulumi preview` accept
 * any length: a project or stack name a few characters longer fails at `pulumi up`, half-way.
 * This checks, as each resource is declared, the name AWS will get: the one the program sets, or
 * the one Pulumi generates (the logical name plus "-" and 7 random characters).
 */
import * as pulumi from "@pulumi/pulumi";

/** Characters Pulumi's auto-naming appends: "-" and 7 random characters. */
export const AUTONAME_SUFFIX_LENGTH = 8;

interface NameLimit {
  /** The argument holding the physical name. */
  field: string;
  max: number;
  /** What AWS calls it, for the message. */
  what: string;
}

/** The named resources the program declares, with AWS's limit for each (from each service's API reference). */
export const PHYSICAL_NAME_LIMITS: Record<string, NameLimit> = {
  "aws:s3/bucket:Bucket": { field: "bucket", max: 63, what: "S3 bucket name" },
  "aws:iam/role:Role": { field: "name", max: 64, what: "IAM role name" },
  "aws:iam/rolePolicy:RolePolicy": { field: "name", max: 128, what: "IAM inline policy name" },
  "aws:cloudwatch/eventRule:EventRule": { field: "name", max: 64, what: "EventBridge rule name" },
  "aws:sqs/queue:Queue": { field: "name", max: 80, what: "SQS queue name" },
  "aws:sns/topic:Topic": { field: "name", max: 256, what: "SNS topic name" },
  "aws:lambda/function:Function": { field: "name", max: 64, what: "Lambda function name" },
  "aws:lambda/alias:Alias": { field: "name", max: 128, what: "Lambda alias name" },
  "aws:lambda/layerVersion:LayerVersion": { field: "layerName", max: 140, what: "Lambda layer name" },
  "aws:cloudwatch/logGroup:LogGroup": { field: "name", max: 512, what: "log group name" },
  "aws:cloudwatch/metricAlarm:MetricAlarm": { field: "name", max: 255, what: "CloudWatch alarm name" },
  "aws:cloudwatch/dashboard:Dashboard": { field: "dashboardName", max: 255, what: "CloudWatch dashboard name" },
  "aws:dynamodb/table:Table": { field: "name", max: 255, what: "DynamoDB table name" },
  "aws:kms/alias:Alias": { field: "name", max: 256, what: "KMS alias name" },
  "aws:secretsmanager/secret:Secret": { field: "name", max: 512, what: "secret name" },
  "aws:glue/catalogDatabase:CatalogDatabase": { field: "name", max: 255, what: "Glue database name" },
  "aws:glue/catalogTable:CatalogTable": { field: "name", max: 255, what: "Glue table name" },
  "aws:athena/workgroup:Workgroup": { field: "name", max: 128, what: "Athena workgroup name" },
  "aws:ec2/securityGroup:SecurityGroup": { field: "name", max: 255, what: "security group name" },
};

/** What is wrong with one physical name, or undefined when AWS accepts its length. */
export function physicalNameProblem(type: string, logicalName: string, physicalName: string, generated: boolean, prefix: string): string | undefined {
  const limit = PHYSICAL_NAME_LIMITS[type];
  if (limit === undefined || physicalName.length <= limit.max) return undefined;
  const excess = physicalName.length - limit.max;
  const how = generated ? `Pulumi generates "${logicalName}-xxxxxxx"` : `the program names it "${physicalName}"`;
  return (
    `${type} ${logicalName}: ${how}, ${physicalName.length} characters, and the ${limit.what} allows ${limit.max}: ` +
    `shorten the project or stack name ("${prefix}", ${prefix.length} characters) by at least ${excess}`
  );
}

/**
 * A transformation for the pipeline's component: every resource under it has its physical name
 * checked. Names known now land in `problems` (the program reports them all at once); names that
 * are outputs are checked when they resolve, and fail the preview then.
 */
export function physicalNameCheck(prefix: string, problems: string[]): pulumi.ResourceTransformation {
  return (args) => {
    const limit = PHYSICAL_NAME_LIMITS[args.type];
    if (limit === undefined) return undefined;
    const given: unknown = (args.props as Record<string, unknown>)[limit.field];
    if (given === undefined) {
      const problem = physicalNameProblem(args.type, args.name, `${args.name}-${"x".repeat(AUTONAME_SUFFIX_LENGTH - 1)}`, true, prefix);
      if (problem) problems.push(problem);
    } else if (typeof given === "string") {
      const problem = physicalNameProblem(args.type, args.name, given, false, prefix);
      if (problem) problems.push(problem);
    } else {
      pulumi.output(given as pulumi.Input<string>).apply((name) => {
        const problem = name === undefined ? undefined : physicalNameProblem(args.type, args.name, name, false, prefix);
        if (problem) throw new Error(problem);
        return name;
      });
    }
    return undefined;
  };
}
