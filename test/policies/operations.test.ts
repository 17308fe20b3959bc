import { expect } from "chai";
import {
  functionFailureDestination,
  functionReservedConcurrency,
  functionSupportedRuntime,
  functionTracingActive,
  permissionScopedToSource,
} from "../../policies/rules/lambdaFunctions";
import { eventTargetRetryAndDeadLetter, logGroupRetention, tablePointInTimeRecovery } from "../../policies/rules/operations";
import { ACCOUNT, check, expectCompliant, expectViolations, resource, TYPE, UNKNOWN } from "../support/policyRuleRunner";

const DLQ_ARN = `arn:aws:sqs:eu-west-1:${ACCOUNT}:ingestion-dlq`;

describe("policies: operations", () => {
  describe("cloudwatch-log-group-retention", () => {
    it("accepts a retention at or above the minimum", () =>
      expectCompliant(logGroupRetention, resource(TYPE.logGroup, "ingestion-logs", { retentionInDays: 30 })));

    it("rejects no retention, never-expire (0), and less than the configured minimum", () =>
      expectViolations(
        logGroupRetention,
        [
          resource(TYPE.logGroup, "forever", {}),
          resource(TYPE.logGroup, "zero", { retentionInDays: 0 }),
          resource(TYPE.logGroup, "short", { retentionInDays: 14 }),
        ],
        [
          { resource: "forever", message: /never expire/ },
          { resource: "zero", message: /never expire/ },
          { resource: "short", message: /retentionInDays 14 is below the minimum of 30/ },
        ],
        { minimumRetentionDays: 30 },
      ));
  });

  describe("lambda-tracing-active", () => {
    it("accepts Active tracing", () => expectCompliant(functionTracingActive, resource(TYPE.function, "ingestion", { tracingConfig: { mode: "Active" } })));

    it("rejects PassThrough and no tracing", () =>
      expectViolations(
        functionTracingActive,
        [resource(TYPE.function, "pass", { tracingConfig: { mode: "PassThrough" } }), resource(TYPE.function, "none", {})],
        [
          { resource: "pass", message: /PassThrough/ },
          { resource: "none", message: /not set/ },
        ],
      ));
  });

  describe("lambda-reserved-concurrency", () => {
    it("accepts a reserved concurrency of 0 or more", () =>
      expectCompliant(functionReservedConcurrency, resource(TYPE.function, "ingestion", { reservedConcurrentExecutions: 10 })));

    it("rejects unset and -1 (unreserved)", () =>
      expectViolations(
        functionReservedConcurrency,
        [resource(TYPE.function, "unset", {}), resource(TYPE.function, "unreserved", { reservedConcurrentExecutions: -1 })],
        [
          { resource: "unset", message: /not set/ },
          { resource: "unreserved", message: /is -1/ },
        ],
      ));
  });

  describe("lambda-supported-runtime", () => {
    it("accepts nodejs22.x and nodejs24.x", () =>
      expectCompliant(functionSupportedRuntime, [
        resource(TYPE.function, "a", { runtime: "nodejs22.x" }),
        resource(TYPE.function, "b", { runtime: "nodejs24.x" }),
      ]));

    it("rejects nodejs20.x (deprecated 2026-04-30) and a runtime the configuration drops", () =>
      expectViolations(
        functionSupportedRuntime,
        [resource(TYPE.function, "old", { runtime: "nodejs20.x" }), resource(TYPE.function, "current", { runtime: "nodejs22.x" })],
        [
          { resource: "old", message: /runtime nodejs20\.x; allowed: nodejs24\.x/ },
          { resource: "current", message: /runtime nodejs22\.x/ },
        ],
        { allowedRuntimes: ["nodejs24.x"] },
      ));

    it("does not apply to container image functions", async () => {
      const run = await check(functionSupportedRuntime, resource(TYPE.function, "image", { packageType: "Image" }));
      expect(run.findings).to.deep.equal([]);
      expect(run.notApplicable).to.have.length(1);
    });
  });

  describe("lambda-failure-destination", () => {
    it("accepts a dead-letter queue, or an invoke configuration's on-failure destination found by name or by dependency", () => {
      const withDlq = resource(TYPE.function, "with-dlq", { deadLetterConfig: { targetArn: DLQ_ARN } });
      const byName = resource(TYPE.function, "by-name", { name: "flight-ingestion" });
      const byNameConfig = resource(TYPE.invokeConfig, "by-name-async", {
        functionName: "flight-ingestion",
        qualifier: "$LATEST",
        destinationConfig: { onFailure: { destination: DLQ_ARN } },
      });
      const unknownName = resource(TYPE.function, "unknown-name", {});
      const unknownNameConfig = resource(
        TYPE.invokeConfig,
        "unknown-name-async",
        { functionName: UNKNOWN, destinationConfig: { onFailure: { destination: DLQ_ARN } } },
        { dependencies: [unknownName] },
      );
      return expectCompliant(functionFailureDestination, [withDlq, byName, byNameConfig, unknownName, unknownNameConfig]);
    });

    it("rejects a function with neither, even next to another function's invoke configuration", () => {
      const covered = resource(TYPE.function, "covered", { name: "flight-processing" });
      const coveredConfig = resource(TYPE.invokeConfig, "covered-async", {
        functionName: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:flight-processing:live`,
        destinationConfig: { onFailure: { destination: DLQ_ARN } },
      });
      const retriesOnly = resource(TYPE.function, "retries-only", { name: "flight-validation" });
      const retriesOnlyConfig = resource(TYPE.invokeConfig, "retries-only-async", { functionName: "flight-validation", maximumRetryAttempts: 2 });
      return expectViolations(
        functionFailureDestination,
        [covered, coveredConfig, retriesOnly, retriesOnlyConfig, resource(TYPE.function, "bare", {})],
        [
          { resource: "retries-only", message: /neither deadLetterConfig nor an on-failure destination/ },
          { resource: "bare", message: /neither/ },
        ],
      );
    });
  });

  describe("lambda-permission-source-scoped", () => {
    it("accepts an S3 permission with sourceArn and sourceAccount, and an EventBridge one with sourceArn", () =>
      expectCompliant(permissionScopedToSource, [
        resource(TYPE.permission, "raw-invokes-processing", {
          action: "lambda:InvokeFunction",
          function: "flight-processing",
          principal: "s3.amazonaws.com",
          sourceArn: "arn:aws:s3:::raw",
          sourceAccount: ACCOUNT,
        }),
        resource(TYPE.permission, "schedule-invokes-ingestion", {
          action: "lambda:InvokeFunction",
          function: "flight-ingestion",
          principal: "events.amazonaws.com",
          sourceArn: `arn:aws:events:eu-west-1:${ACCOUNT}:rule/schedule`,
        }),
      ]));

    it("rejects a permission without sourceArn, and an S3 permission without sourceAccount", () =>
      expectViolations(
        permissionScopedToSource,
        [
          resource(TYPE.permission, "any-rule", { action: "lambda:InvokeFunction", function: "f", principal: "events.amazonaws.com" }),
          resource(TYPE.permission, "any-account", {
            action: "lambda:InvokeFunction",
            function: "f",
            principal: "s3.amazonaws.com",
            sourceArn: "arn:aws:s3:::raw",
          }),
        ],
        [
          { resource: "any-rule", message: /no sourceArn/ },
          { resource: "any-account", message: /without sourceAccount/ },
        ],
      ));
  });

  describe("eventbridge-target-retry-and-dlq", () => {
    it("accepts a target with a retry policy and a dead-letter queue", () =>
      expectCompliant(
        eventTargetRetryAndDeadLetter,
        resource(TYPE.eventTarget, "schedule-target", {
          rule: "schedule",
          arn: "arn:aws:lambda:eu-west-1:1:function:flight-ingestion",
          retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
          deadLetterConfig: { arn: DLQ_ARN },
        }),
      ));

    it("rejects a target without either", () =>
      expectViolations(eventTargetRetryAndDeadLetter, resource(TYPE.eventTarget, "bare-target", { rule: "schedule", arn: "arn:x" }), [
        { resource: "bare-target", message: /retryPolicy is not set/ },
        { resource: "bare-target", message: /deadLetterConfig\.arn is not set/ },
      ]));
  });

  describe("dynamodb-point-in-time-recovery", () => {
    it("accepts a table with point-in-time recovery", () =>
      expectCompliant(tablePointInTimeRecovery, resource(TYPE.table, "executions", { pointInTimeRecovery: { enabled: true } })));

    it("rejects a table without it", () =>
      expectViolations(
        tablePointInTimeRecovery,
        [resource(TYPE.table, "unset", {}), resource(TYPE.table, "off", { pointInTimeRecovery: { enabled: false } })],
        [
          { resource: "unset", message: /not true/ },
          { resource: "off", message: /not true/ },
        ],
      ));
  });
});
