import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ENVIRONMENT_DIMENSION, METRICS_NAMESPACE, type StageName } from "../contract/dataLayout";
import { METRIC, SIDE_SERVICE_FAILURE_EVENT } from "../contract/metricNames";
import { awsContext } from "./support/awsContext";

export interface MonitoringArgs {
  /** The stack name: the Environment dimension the handlers put on every metric. */
  environment: string;
  functionNames: Record<StageName, pulumi.Input<string>>;
  /** Where each function logs: side-service failures are counted from these. */
  logGroupNames: Record<StageName, pulumi.Input<string>>;
  topicArn?: pulumi.Input<string>;
  /** Alarm when the quality score falls below this fraction. */
  qualityThreshold: number;
  /** Alarm after this many five-minute periods without a processed record. */
  staleFeedPeriods: number;
  createDashboard: boolean;
  createAlarms: boolean;
}

/**
 * What an operator looks at: a dashboard of the three functions and of the pipeline's own metrics,
 * and the business alarms (quality below the threshold; the feed gone stale; a side service such as
 * CloudWatch metrics failing while the data was kept).
 */
export class Monitoring extends pulumi.ComponentResource {
  readonly dashboardName?: pulumi.Output<string>;
  readonly dashboardUrl?: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flightdata:monitoring:Monitoring", name, {}, opts);
    if (!(args.qualityThreshold >= 0 && args.qualityThreshold <= 1)) {
      throw new Error(`Monitoring ${name}: qualityThreshold must be in [0, 1], got ${args.qualityThreshold}`);
    }
    if (!Number.isInteger(args.staleFeedPeriods) || args.staleFeedPeriods < 1) {
      throw new Error(`Monitoring ${name}: staleFeedPeriods must be a positive integer, got ${args.staleFeedPeriods}`);
    }
    const parent = { parent: this };
    const ctx = awsContext(this);
    const dimensions = { [ENVIRONMENT_DIMENSION]: args.environment };

    // The handlers cannot count these themselves: the failing side service may be CloudWatch.
    // Every handler log line carries the stack as `environment`, which becomes the dimension.
    for (const [stage, logGroupName] of Object.entries(args.logGroupNames)) {
      new aws.cloudwatch.LogMetricFilter(
        `${name}-${stage}-side-service-failures`,
        {
          logGroupName,
          pattern: `{ $.event = "${SIDE_SERVICE_FAILURE_EVENT}" }`,
          metricTransformation: {
            name: METRIC.sideServiceFailures,
            namespace: METRICS_NAMESPACE,
            value: "1",
            unit: "Count",
            dimensions: { [ENVIRONMENT_DIMENSION]: "$.environment" },
          },
        },
        parent,
      );
    }

    if (args.createAlarms) {
      const actions = args.topicArn ? [args.topicArn] : [];
      new aws.cloudwatch.MetricAlarm(
        `${name}-quality-below-threshold`,
        {
          name: `${name}-quality-below-threshold`,
          alarmDescription: `Data quality score fell below ${args.qualityThreshold * 100}% (the stack's qualityThreshold)`,
          namespace: METRICS_NAMESPACE,
          metricName: METRIC.dataQualityScore,
          dimensions,
          statistic: "Minimum",
          period: 300,
          evaluationPeriods: 1,
          threshold: args.qualityThreshold * 100,
          comparisonOperator: "LessThanThreshold",
          treatMissingData: "notBreaching",
          alarmActions: actions,
          okActions: actions,
        },
        parent,
      );
      // No data at all is the failure this alarm exists for, so missing data breaches.
      new aws.cloudwatch.MetricAlarm(
        `${name}-feed-stale`,
        {
          name: `${name}-feed-stale`,
          alarmDescription: `No records were validated for ${args.staleFeedPeriods * 5} minutes: ingestion, processing or the OpenSky feed has stopped`,
          namespace: METRICS_NAMESPACE,
          metricName: METRIC.recordsProcessed,
          dimensions,
          statistic: "Sum",
          period: 300,
          evaluationPeriods: args.staleFeedPeriods,
          threshold: 1,
          comparisonOperator: "LessThanThreshold",
          treatMissingData: "breaching",
          alarmActions: actions,
          okActions: actions,
        },
        parent,
      );
      new aws.cloudwatch.MetricAlarm(
        `${name}-side-service-failures`,
        {
          name: `${name}-side-service-failures`,
          alarmDescription:
            "A side service failed while the data was kept: snapshot metrics could not be published (CloudWatch), so dashboards and quality alarms miss data points. The function logs name the snapshot.",
          namespace: METRICS_NAMESPACE,
          metricName: METRIC.sideServiceFailures,
          dimensions,
          statistic: "Sum",
          period: 300,
          evaluationPeriods: 1,
          threshold: 0,
          comparisonOperator: "GreaterThanThreshold",
          treatMissingData: "notBreaching",
          alarmActions: actions,
          okActions: actions,
        },
        parent,
      );
    }

    if (args.createDashboard) {
      const dashboard = new aws.cloudwatch.Dashboard(
        `${name}-dashboard`,
        {
          dashboardName: name,
          dashboardBody: pulumi
            .all([ctx.region, pulumi.output(args.functionNames)])
            .apply(([region, functions]) => JSON.stringify(dashboardBody(region, args.environment, functions))),
        },
        parent,
      );
      this.dashboardName = dashboard.dashboardName;
      this.dashboardUrl = pulumi.interpolate`https://${ctx.region}.console.aws.amazon.com/cloudwatch/home?region=${ctx.region}#dashboards:name=${dashboard.dashboardName}`;
    }

    this.registerOutputs({ dashboardName: this.dashboardName, dashboardUrl: this.dashboardUrl });
  }
}

type Metric = (string | { stat?: string; label?: string })[];

function dashboardBody(region: string, environment: string, functions: Record<string, string>): object {
  const names = Object.values(functions);
  const widget = (title: string, stat: string, metrics: Metric[]) => ({
    type: "metric",
    width: 8,
    height: 6,
    properties: { title, region, stat, period: 300, metrics },
  });
  const lambdaWidget = (title: string, metric: string, stat: string) =>
    widget(
      title,
      stat,
      names.map((fn): Metric => ["AWS/Lambda", metric, "FunctionName", fn]),
    );
  const pipelineWidget = (title: string, metrics: [string, string][], stat: string) =>
    widget(
      title,
      stat,
      metrics.map(([metric, label]): Metric => [METRICS_NAMESPACE, metric, ENVIRONMENT_DIMENSION, environment, { label }]),
    );
  return {
    widgets: [
      lambdaWidget("Invocations", "Invocations", "Sum"),
      lambdaWidget("Errors", "Errors", "Sum"),
      lambdaWidget("Duration (p99, ms)", "Duration", "p99"),
      lambdaWidget("Throttles", "Throttles", "Sum"),
      lambdaWidget("Concurrent executions", "ConcurrentExecutions", "Maximum"),
      pipelineWidget(
        "Data quality (%)",
        [
          [METRIC.dataQualityScore, "quality score"],
          [METRIC.completenessScore, "completeness"],
          [METRIC.errorRate, "error rate"],
        ],
        "Average",
      ),
      pipelineWidget("Records validated", [[METRIC.recordsProcessed, "records"]], "Sum"),
      pipelineWidget(
        "Ingestion runs",
        [
          [METRIC.snapshotsStored, "snapshots stored"],
          [METRIC.duplicateSnapshots, "duplicate fires"],
          [METRIC.rateLimited, "rate-limited runs"],
          [METRIC.ingestionFailures, "failed runs"],
        ],
        "Sum",
      ),
      pipelineWidget(
        "Feed health",
        [
          [METRIC.contactStaleness, "median contact age (s)"],
          [METRIC.rateLimitRemaining, "OpenSky credits left"],
        ],
        "Minimum",
      ),
      pipelineWidget(
        "Anomalies",
        [
          [METRIC.emergencySquawks, "emergency squawks"],
          [METRIC.quarantinedRows, "quarantined rows"],
          [METRIC.rejectedSnapshots, "refused OpenSky answers"],
          [METRIC.sideServiceFailures, "side-service failures"],
        ],
        "Sum",
      ),
    ],
  };
}
