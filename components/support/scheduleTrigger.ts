import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { AwsContext } from "./awsContext";
import type { InvokeTarget } from "./invokeTarget";
import { policyDocument } from "./iamStatements";
import { queueBacklogAlarm } from "./queueBacklogAlarm";

export interface ScheduleTriggerArgs {
  /** An EventBridge rate() or cron() expression. */
  scheduleExpression: string;
  description: string;
  /** What each scheduled event starts, in the plural ("ingestions"), for the DLQ alarm's description. */
  runs: string;
  target: InvokeTarget;
  /**
   * The scheduled function's own settings: its key encrypts the schedule's dead-letter queue, and
   * when it has alarms, `<function>-schedule-dlq-messages` goes to the same topic.
   */
  fn: { functionName: string; kmsKeyArn: pulumi.Input<string>; alarms?: { topicArn?: pulumi.Input<string> } };
  dlqRetentionSeconds: number;
  ctx: AwsContext;
}

export interface ScheduleTrigger {
  ruleName: pulumi.Output<string>;
  deadLetterQueueUrl: pulumi.Output<string>;
}

/**
 * Invokes a function on a schedule. EventBridge retries a failed delivery 3 times within an hour,
 * then parks the event in the schedule's own encrypted DLQ, which only this rule may send to; the
 * target is written after the permission and the queue policy it relies on.
 */
export function scheduleTrigger(name: string, args: ScheduleTriggerArgs, parent: pulumi.Resource): ScheduleTrigger {
  const opts = { parent };
  const rule = new aws.cloudwatch.EventRule(`${name}-schedule`, { description: args.description, scheduleExpression: args.scheduleExpression }, opts);
  const deadLetterQueue = new aws.sqs.Queue(
    `${name}-schedule-dlq`,
    { kmsMasterKeyId: args.fn.kmsKeyArn, kmsDataKeyReusePeriodSeconds: 300, messageRetentionSeconds: args.dlqRetentionSeconds },
    opts,
  );
  const queuePolicy = new aws.sqs.QueuePolicy(
    `${name}-schedule-dlq-policy`,
    {
      queueUrl: deadLetterQueue.url,
      policy: policyDocument([
        {
          Sid: "ScheduleRuleParksUndeliveredEvents",
          Effect: "Allow",
          Principal: { Service: pulumi.interpolate`events.${args.ctx.dnsSuffix}` },
          Action: "sqs:SendMessage",
          Resource: deadLetterQueue.arn,
          Condition: { ArnEquals: { "aws:SourceArn": rule.arn } },
        },
      ]),
    },
    opts,
  );
  const permission = new aws.lambda.Permission(
    `${name}-schedule-permission`,
    {
      action: "lambda:InvokeFunction",
      function: args.target.functionName,
      qualifier: args.target.qualifier,
      principal: "events.amazonaws.com",
      sourceArn: rule.arn,
    },
    opts,
  );
  new aws.cloudwatch.EventTarget(
    `${name}-schedule-target`,
    {
      rule: rule.name,
      arn: args.target.arn,
      retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
      deadLetterConfig: { arn: deadLetterQueue.arn },
    },
    { parent, dependsOn: [permission, queuePolicy] },
  );
  if (args.fn.alarms) {
    queueBacklogAlarm(
      `${name}-schedule-dlq-messages`,
      {
        alarmName: `${args.fn.functionName}-schedule-dlq-messages`,
        description: `Scheduled ${args.runs} that EventBridge could not deliver within an hour are waiting in the schedule DLQ`,
        queueName: deadLetterQueue.name,
        topicArn: args.fn.alarms.topicArn,
      },
      parent,
    );
  }
  return { ruleName: rule.name, deadLetterQueueUrl: deadLetterQueue.url };
}
