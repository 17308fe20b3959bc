import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { AwsContext } from "./awsContext";
import type { InvokeTarget } from "./invokeTarget";

export interface S3TriggerArgs {
  bucketName: pulumi.Input<string>;
  bucketArn: pulumi.Input<string>;
  target: InvokeTarget;
  prefix: string;
  suffix: string;
  ctx: AwsContext;
}

/**
 * Invokes a function for each object created under a prefix. The bucket's notification is the
 * bucket's only one (S3 keeps a single notification configuration per bucket, so a second one
 * would replace the first) and is written after the permission, because S3 checks that it may
 * invoke the function when the notification is saved. Both name the same qualifier.
 */
export function s3Trigger(name: string, args: S3TriggerArgs, parent: pulumi.Resource): aws.s3.BucketNotification {
  const permission = new aws.lambda.Permission(
    `${name}-permission`,
    {
      action: "lambda:InvokeFunction",
      function: args.target.functionName,
      qualifier: args.target.qualifier,
      principal: "s3.amazonaws.com",
      sourceArn: args.bucketArn,
      sourceAccount: args.ctx.accountId,
    },
    { parent },
  );
  return new aws.s3.BucketNotification(
    `${name}-notification`,
    {
      bucket: args.bucketName,
      lambdaFunctions: [
        {
          lambdaFunctionArn: args.target.arn,
          events: ["s3:ObjectCreated:*"],
          filterPrefix: args.prefix,
          filterSuffix: args.suffix,
        },
      ],
    },
    { parent, dependsOn: [permission] },
  );
}
