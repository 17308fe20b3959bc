import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { awsContext } from "./support/awsContext";
import { policyDocument } from "./support/iamStatements";

export interface AlertTopicArgs {
  kmsKeyArn: pulumi.Input<string>;
  /** Subscribed by email; AWS sends a confirmation that must be accepted. */
  email?: string;
}

/**
 * The topic every alarm and every data-quality alert goes to. It is encrypted with the pipeline
 * key, so its policy lets CloudWatch alarms of this account publish (the key policy lets them use
 * the key); the functions publish through their own roles.
 */
export class AlertTopic extends pulumi.ComponentResource {
  readonly topicArn: pulumi.Output<string>;

  constructor(name: string, args: AlertTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flightdata:monitoring:AlertTopic", name, {}, opts);
    const parent = { parent: this };
    const ctx = awsContext(this);

    const topic = new aws.sns.Topic(name, { kmsMasterKeyId: args.kmsKeyArn }, parent);
    new aws.sns.TopicPolicy(
      `${name}-policy`,
      {
        arn: topic.arn,
        policy: policyDocument([
          {
            Sid: "CloudWatchAlarmsOfThisAccountPublish",
            Effect: "Allow",
            Principal: { Service: pulumi.interpolate`cloudwatch.${ctx.dnsSuffix}` },
            Action: "sns:Publish",
            Resource: topic.arn,
            Condition: {
              StringEquals: { "aws:SourceAccount": ctx.accountId },
              ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:${ctx.partition}:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:*` },
            },
          },
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "sns:Publish",
            Resource: topic.arn,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ]),
      },
      parent,
    );
    if (args.email) {
      new aws.sns.TopicSubscription(`${name}-email`, { topic: topic.arn, protocol: "email", endpoint: args.email }, parent);
    }

    this.topicArn = topic.arn;
    this.registerOutputs({ topicArn: this.topicArn });
  }
}
