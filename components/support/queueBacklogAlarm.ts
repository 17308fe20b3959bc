import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/** Alarms as soon as one message waits in a dead-letter queue: each one is data not processed. */
export function queueBacklogAlarm(
  name: string,
  args: { alarmName: string; description: string; queueName: pulumi.Input<string>; topicArn?: pulumi.Input<string> },
  parent: pulumi.Resource,
): aws.cloudwatch.MetricAlarm {
  const actions = args.topicArn ? [args.topicArn] : [];
  return new aws.cloudwatch.MetricAlarm(
    name,
    {
      name: args.alarmName,
      alarmDescription: args.description,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: args.queueName },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: actions,
      okActions: actions,
    },
    { parent },
  );
}
