/**
 * The whole program under Pulumi's mocks, per component: the security-relevant properties of what
 * each one creates, the stack-to-stack differences, and the optional pieces switched on and off.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { buildMockedProgram, MOCKED_REQUIRED_SETTINGS } from "../../mocked-program/mockedProgram";
import { ENV } from "../../contract/environment";
import { createLogger } from "../../handlers/shared/logger";
import { PARQUET_COLUMNS } from "../../handlers/shared/stateVector";
import { sideServiceFailed } from "../../handlers/shared/trackedStage";
import { OPERATED_STAGES, targetFromOutputs } from "../../operations/stackOutputs";
import { OPERATOR_QUERIES } from "../../components/support/operatorQueries";
import { actions, ProgramQueries, resources, statements } from "../support/programQueries";
import { tableRows } from "../support/markdown";

const STAGES = ["ingestion", "processing", "validation", "compaction"];

describe("the program under mocks", function () {
  let dev: ProgramQueries;
  let prod: ProgramQueries;

  before(async function () {
    // Two whole programs, each with four serialized function packages: a minute on a busy machine.
    this.timeout(300_000);
    dev = new ProgramQueries(await buildMockedProgram({ stack: "dev" }));
    prod = new ProgramQueries(await buildMockedProgram({ stack: "prod" }));
  });

  describe("DataLake", () => {
    it("creates a rotating customer-managed key and three locked-down buckets", () => {
      for (const q of [dev, prod]) {
        const key = q.one("aws:kms/key:Key");
        expect(key.inputs.enableKeyRotation).to.equal(true);
        const buckets = q.ofType("aws:s3/bucket:Bucket");
        expect(buckets.map((b) => b.name.replace(/^flight-data-pipeline-\w+-lake-/, "")).sort()).to.deep.equal(["athena-results", "processed", "raw"]);
        for (const bucket of buckets) {
          const id = bucket.state.bucket;
          const of = (type: string) => q.ofType(type).filter((r) => r.inputs.bucket === id);
          const [encryption] = of("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
          expect(encryption.inputs.rules[0]).to.deep.equal({
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.state.arn },
            bucketKeyEnabled: true,
          });
          const [block] = of("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
          expect(block.inputs).to.include({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
          expect(of("aws:s3/bucketVersioning:BucketVersioning")[0].inputs.versioningConfiguration.status).to.equal("Enabled");
          const [policy] = of("aws:s3/bucketPolicy:BucketPolicy");
          const [deny] = statements(policy.inputs.policy);
          expect(deny).to.deep.include({ Effect: "Deny", Principal: "*", Action: "s3:*" });
          expect(deny.Condition).to.deep.equal({ Bool: { "aws:SecureTransport": "false" } });
          expect(policy.dependencies).to.include(block.urn);
          expect(of("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")).to.have.length(1);
        }
      }
    });

    it("ages raw snapshots out by the stack's lifecycle settings", () => {
      const raw = (q: ProgramQueries) =>
        q.ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").find((l) => l.name.includes("-lake-raw"))!.inputs.rules[0];
      expect(raw(dev)).to.deep.include({ filter: { prefix: "raw/" }, expiration: { days: 60 } });
      expect(raw(prod).transitions).to.deep.equal([{ days: 30, storageClass: "STANDARD_IA" }]);
      expect(raw(prod).expiration).to.deep.equal({ days: 365 });
      expect(dev.one("aws:s3/bucket:Bucket", "lake-raw").inputs.forceDestroy).to.equal(true);
      expect(prod.one("aws:s3/bucket:Bucket", "lake-raw").inputs.forceDestroy).to.equal(false);
    });

    it("uses existing buckets instead of creating them when given", async () => {
      const q = new ProgramQueries(
        await buildMockedProgram({
          stack: "dev",
          config: {
            dataLake: {
              existingBuckets: {
                raw: { name: "acme-raw" },
                processed: { name: "acme-processed" },
                athenaResults: { name: "acme-athena" },
              },
            },
          },
        }),
      );
      expect(q.ofType("aws:s3/bucket:Bucket")).to.have.length(0);
      expect(q.fn("ingestion").inputs.environment.variables[ENV.rawBucket]).to.equal("acme-raw");
      expect(
        q
          .ofType("aws:s3/bucketNotification:BucketNotification")
          .map((n) => n.inputs.bucket)
          .sort(),
      ).to.deep.equal(["acme-processed", "acme-raw"]);
    });
  });

  describe("AnalyticsCatalog", () => {
    it("declares the Parquet columns with partition projection and an encrypted Athena workgroup", () => {
      const table = prod.ofType("aws:glue/catalogTable:CatalogTable").find((candidate) => candidate.inputs.name === "states")!;
      const processed = prod.one("aws:s3/bucket:Bucket", "lake-processed").state.bucket;
      expect(table.inputs.storageDescriptor.columns.map((c: { name: string }) => c.name)).to.deep.equal(PARQUET_COLUMNS.map((c) => c.name));
      expect(table.inputs.storageDescriptor.columns.find((c: { name: string }) => c.name === "last_contact").type).to.equal("timestamp");
      expect(table.inputs.partitionKeys.map((k: { name: string }) => k.name)).to.deep.equal(["year", "month", "day", "hour"]);
      expect(table.inputs.parameters["projection.enabled"]).to.equal("true");
      expect(table.inputs.parameters["projection.year.range"], "the default catalog.firstYear to the current year").to.equal("2016,NOW");
      expect(table.inputs.parameters["storage.location.template"]).to.equal(
        `s3://${processed}/processed/year=\${year}/month=\${month}/day=\${day}/hour=\${hour}/`,
      );
      const workgroup = prod.one("aws:athena/workgroup:Workgroup");
      const results = workgroup.inputs.configuration.resultConfiguration;
      expect(results.encryptionConfiguration).to.deep.equal({ encryptionOption: "SSE_KMS", kmsKeyArn: prod.one("aws:kms/key:Key").state.arn });
      expect(results.outputLocation).to.match(/^s3:\/\/flight-data-pipeline-prod-lake-athena-results-/);
      expect(workgroup.inputs.configuration.enforceWorkgroupConfiguration).to.equal(true);
    });
  });

  describe("ExecutionTracking", () => {
    it("keeps one item per snapshot and stage, encrypted with the key, recoverable and expiring", () => {
      for (const q of [dev, prod]) {
        const table = q.one("aws:dynamodb/table:Table");
        expect(table.inputs).to.deep.include({ hashKey: "snapshotId", rangeKey: "stage", billingMode: "PAY_PER_REQUEST" });
        expect(table.inputs.pointInTimeRecovery).to.deep.equal({ enabled: true });
        expect(table.inputs.ttl).to.deep.equal({ attributeName: "expiresAt", enabled: true });
        expect(table.inputs.serverSideEncryption).to.deep.equal({ enabled: true, kmsKeyArn: q.one("aws:kms/key:Key").state.arn });
      }
      expect(prod.one("aws:dynamodb/table:Table").inputs.deletionProtectionEnabled).to.equal(true);
      expect(dev.one("aws:dynamodb/table:Table").inputs.deletionProtectionEnabled).to.equal(false);
    });
  });

  describe("PipelineFunction", () => {
    it("sizes, traces and encrypts each function from the stack's configuration", () => {
      const expected: Record<string, [number, number, number]> = {
        ingestion: [512, 60, 10],
        processing: [1024, 120, 5],
        validation: [512, 60, 3],
        compaction: [3008, 900, 1],
      };
      for (const stage of STAGES) {
        const fn = prod.fn(stage).inputs;
        expect([fn.memorySize, fn.timeout, fn.reservedConcurrentExecutions]).to.deep.equal(expected[stage]);
        expect(fn.runtime).to.equal("nodejs24.x");
        expect(fn.tracingConfig).to.deep.equal({ mode: "Active" });
        expect(fn.handler).to.equal("__index.handler");
        expect(fn.publish).to.equal(true);
        expect(fn.environment.variables[ENV.environment]).to.equal("prod");
        expect(fn.environment.variables[ENV.logLevel]).to.equal("INFO");
        expect(fn.environment.variables[ENV.trackingTable]).to.equal(prod.one("aws:dynamodb/table:Table").state.name);
        expect(dev.fn(stage).inputs.environment.variables[ENV.logLevel]).to.equal("DEBUG");
        expect(dev.fn(stage).inputs.publish).to.equal(false);
      }
      expect(dev.fn("ingestion").inputs.memorySize).to.equal(256);
    });

    it("retries failed asynchronous invocations twice, then parks them in the function's DLQ", () => {
      for (const stage of STAGES) {
        const [config] = prod.inStage(stage, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig");
        expect(config.inputs).to.include({ maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21600, qualifier: "live" });
        const [devConfig] = dev.inStage(stage, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig");
        expect(devConfig.inputs.qualifier).to.equal("$LATEST");
        const [queue] = prod.inStage(stage, "aws:sqs/queue:Queue");
        expect(queue.inputs.messageRetentionSeconds).to.equal(1209600);
      }
    });

    it("raises the four alarms of each function to the alert topic", () => {
      for (const stage of STAGES) {
        const alarms = prod.inStage(stage, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.inputs.dimensions.ExecutedVersion === undefined);
        expect(alarms).to.have.length(4);
        const byMetric = Object.fromEntries(alarms.map((a) => [a.inputs.metricName, a.inputs]));
        // Errors in two 5-minute periods in a row: a stage failing at the schedule's pace (one event per period, retried twice) reaches it.
        expect(byMetric.Errors).to.include({
          threshold: 0,
          period: 300,
          evaluationPeriods: 2,
          datapointsToAlarm: 2,
          statistic: "Sum",
          comparisonOperator: "GreaterThanThreshold",
        });
        expect(byMetric.Duration.threshold).to.equal(prod.fn(stage).inputs.timeout * 1000 * 0.8);
        expect(byMetric.Throttles.threshold).to.equal(0);
        expect(byMetric.ApproximateNumberOfMessagesVisible.dimensions.QueueName).to.equal(prod.inStage(stage, "aws:sqs/queue:Queue")[0].state.name);
      }
    });

    it("grants each stage only what its code does", () => {
      const raw = prod.one("aws:s3/bucket:Bucket", "lake-raw").state.arn;
      const processed = prod.one("aws:s3/bucket:Bucket", "lake-processed").state.arn;
      const table = prod.one("aws:dynamodb/table:Table").state.arn;
      const grants = (stage: string) => {
        const result: Record<string, string[]> = {};
        for (const s of statements(prod.inStage(stage, "aws:iam/rolePolicy:RolePolicy")[0].inputs.policy)) {
          expect(s.Effect).to.equal("Allow");
          for (const action of actions(s)) {
            expect(action, "no wildcard action").to.not.match(/(^\*$|:\*$)/);
            result[action] = [...(result[action] ?? []), ...resources(s)];
          }
        }
        return result;
      };
      const ingestion = grants("ingestion");
      expect(ingestion["s3:PutObject"]).to.deep.equal([`${raw}/raw/*`]);
      expect(ingestion["s3:GetObject"], "to tell its own write from another run's after a 412").to.deep.equal([`${raw}/raw/*`]);
      expect(ingestion["dynamodb:UpdateItem"]).to.deep.equal([table]);
      expect(ingestion, "ingestion records in one UpdateItem").to.not.have.any.keys("dynamodb:PutItem", "dynamodb:GetItem", "sns:Publish");
      const processing = grants("processing");
      expect(processing["s3:GetObject"]).to.deep.equal([`${raw}/raw/*`, `${processed}/processed/*`, `${processed}/quarantine/*`]);
      expect(processing["s3:PutObject"]).to.deep.equal([`${processed}/processed/*`, `${processed}/quarantine/*`]);
      expect(processing["s3:ListBucket"]).to.deep.equal([raw, processed]);
      expect(processing["dynamodb:GetItem"], "a refused claim reads the item").to.deep.equal([table]);
      expect(processing["cloudwatch:PutMetricData"]).to.deep.equal(["*"]);
      expect(processing).to.not.have.any.keys("dynamodb:PutItem", "sns:Publish");
      const validation = grants("validation");
      expect(validation["s3:GetObject"]).to.deep.equal([`${processed}/processed/*`]);
      expect(validation["s3:ListBucket"], "a missing Parquet object is NoSuchKey, not AccessDenied").to.deep.equal([processed]);
      expect(validation["s3:PutObject"]).to.deep.equal([`${processed}/reports/*`]);
      expect(validation["dynamodb:PutItem"], "only the circuit breaker's item is written whole").to.deep.equal([table]);
      expect(validation["sns:Publish"]).to.deep.equal([prod.one("aws:sns/topic:Topic").state.arn]);
      const compaction = grants("compaction");
      expect(compaction["s3:GetObject"]).to.deep.equal([`${processed}/processed/*`, `${processed}/reports/*`, `${processed}/compacted/*`]);
      expect(compaction["s3:PutObject"]).to.deep.equal([`${processed}/compacted/*`]);
      expect(compaction["s3:ListBucket"]).to.deep.equal([processed]);
      expect(compaction["dynamodb:UpdateItem"]).to.deep.equal([table]);
      expect(compaction).to.not.have.property("cloudwatch:PutMetricData");
      expect(Object.keys(compaction).filter((action) => action.startsWith("s3:") && action.includes(raw))).to.deep.equal([]);
      expect(JSON.stringify(compaction), "nothing of the raw bucket").to.not.contain(raw);
    });

    it("keeps each role to snapshot items of the tracking table, and the circuit breaker's item to validation", () => {
      const tableStatements = (stage: string) =>
        statements(prod.inStage(stage, "aws:iam/rolePolicy:RolePolicy")[0].inputs.policy).filter((s) => actions(s).some((a) => a.startsWith("dynamodb:")));
      const snapshotPartitions = { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["0*", "1*", "2*", "3*", "4*", "5*", "6*", "7*", "8*", "9*"] } };
      for (const stage of ["ingestion", "processing", "validation"]) {
        const [snapshots, ...others] = tableStatements(stage);
        expect(snapshots?.Condition, stage).to.deep.equal(snapshotPartitions);
        if (stage !== "validation") expect(others, stage).to.deep.equal([]);
      }
      const breaker = tableStatements("validation")[1];
      expect(actions(breaker!)).to.deep.equal(["dynamodb:GetItem", "dynamodb:PutItem"]);
      expect(breaker?.Condition).to.deep.equal({ "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["circuit-breaker"] } });
    });

    it("lets each role use the key only through the AWS services that work for it", () => {
      const via = (stage: string, action: string) => {
        const found = statements(prod.inStage(stage, "aws:iam/rolePolicy:RolePolicy")[0].inputs.policy).filter((s) => actions(s).includes(action));
        expect(found, `${stage} ${action}`).to.have.length(1);
        return found[0]?.Condition?.StringEquals?.["kms:ViaService"];
      };
      const services = (...names: string[]) => names.map((name) => `${name}.us-east-1.amazonaws.com`);
      expect(via("ingestion", "kms:Decrypt")).to.deep.equal(services("dynamodb", "secretsmanager", "sqs"));
      expect(via("ingestion", "kms:GenerateDataKey")).to.deep.equal(services("s3", "sqs"));
      expect(via("processing", "kms:Decrypt")).to.deep.equal(services("dynamodb", "s3", "sqs"));
      expect(via("processing", "kms:GenerateDataKey")).to.deep.equal(services("s3", "sqs"));
      expect(via("validation", "kms:Decrypt")).to.deep.equal(services("dynamodb", "s3", "sns", "sqs"));
      expect(via("validation", "kms:GenerateDataKey")).to.deep.equal(services("s3", "sns", "sqs"));
    });

    it("ships in each package only the packages its handler loads, and a handler export", async () => {
      const own: Record<string, string[]> = {
        ingestion: ["is-network-error", "p-retry"],
        processing: ["hyparquet", "hyparquet-writer"],
        validation: ["hyparquet"],
        compaction: ["hyparquet", "hyparquet-writer"],
      };
      // Powertools Tracer and what it loads; not the type declarations its dependencies list.
      const tracing = [
        "@aws-lambda-powertools/commons",
        "@aws-lambda-powertools/tracer",
        "@aws/lambda-invoke-store",
        "@smithy/service-error-classification",
        "async-hook-jl",
        "atomic-batcher",
        "aws-xray-sdk-core",
        "cls-hooked",
        "emitter-listener",
        "semver",
        "shimmer",
        "stack-chain",
      ];
      const untraced = new ProgramQueries(await buildMockedProgram({ stack: "prod", config: { enableXrayInstrumentation: false } }));
      for (const [q, instrumented] of [
        [dev, true],
        [prod, true],
        [untraced, false],
      ] as const) {
        for (const stage of STAGES) {
          const pkg = q.program.functionPackages[q.fn(stage).inputs.name];
          expect(pkg.packages.sort(), stage).to.deep.equal([...own[stage], ...(instrumented ? tracing : [])].sort());
          expect(pkg.indexJs).to.match(/exports\.handler = /);
          const required = [...pkg.indexJs.matchAll(/require\("([^"./][^"]*)"\)/g)].map((m) =>
            m[1]
              .split("/")
              .slice(0, m[1].startsWith("@") ? 2 : 1)
              .join("/"),
          );
          for (const name of required) {
            const builtIn = require("module").builtinModules.includes(name.replace(/^node:/, ""));
            const runtimeProvided = name.startsWith("@aws-sdk/");
            // Required only when TRACING_INSTRUMENTATION is true, which a stack without instrumentation never sets.
            const neverLoaded = !instrumented && name === "@aws-lambda-powertools/tracer";
            expect(builtIn || runtimeProvided || neverLoaded || pkg.packages.includes(name), `${stage} requires ${name}`).to.equal(true);
          }
          expect(pkg.zipBytes)
            .to.be.greaterThan(1000)
            .and.lessThan((instrumented ? 900 : 400) * 1024);
          expect(q.fn(stage).inputs.environment.variables[ENV.tracingInstrumentation]).to.equal(String(instrumented));
        }
      }
    });

    it("logs in Lambda's JSON format, at the stack's application and system levels, into its own log group", async () => {
      for (const [q, application] of [
        [dev, "DEBUG"],
        [prod, "INFO"],
      ] as const) {
        for (const stage of STAGES) {
          const group = q.inStage(stage, "aws:cloudwatch/logGroup:LogGroup")[0].inputs.name;
          expect(q.fn(stage).inputs.loggingConfig).to.deep.equal({
            logFormat: "JSON",
            applicationLogLevel: application,
            systemLogLevel: "INFO",
            logGroup: group,
          });
        }
      }
      const quiet = new ProgramQueries(await buildMockedProgram({ stack: "dev", config: { logLevel: "WARN", systemLogLevel: "WARN" } }));
      expect(quiet.fn("processing").inputs.loggingConfig).to.include({ applicationLogLevel: "WARN", systemLogLevel: "WARN" });
      expect(quiet.fn("processing").inputs.environment.variables[ENV.logLevel]).to.equal("WARN");
    });
  });

  describe("IngestionStage", () => {
    it("keeps OpenSky credentials in an encrypted secret, never in the environment", async () => {
      const q = new ProgramQueries(
        await buildMockedProgram({ stack: "dev", config: { opensky: { clientId: "jdoe-api-client" }, openskyClientSecret: "hunter2-secret" } }),
      );
      const secret = q.one("aws:secretsmanager/secret:Secret");
      expect(secret.inputs.kmsKeyId).to.equal(q.one("aws:kms/key:Key").state.arn);
      const value = q.one("aws:secretsmanager/secretVersion:SecretVersion");
      expect(JSON.parse(value.inputs.secretString)).to.deep.equal({ clientId: "jdoe-api-client", clientSecret: "hunter2-secret" });
      const env = q.fn("ingestion").inputs.environment.variables;
      expect(env[ENV.openskyCredentialsSecretArn]).to.equal(secret.state.arn);
      expect(JSON.stringify(env)).to.not.contain("hunter2");
      const read = statements(q.inStage("ingestion", "aws:iam/rolePolicy:RolePolicy")[0].inputs.policy).find((s) =>
        actions(s).includes("secretsmanager:GetSecretValue"),
      );
      expect(resources(read!)).to.deep.equal([secret.state.arn]);
      expect(dev.ofType("aws:secretsmanager/secret:Secret")).to.have.length(0);
      expect(dev.fn("ingestion").inputs.environment.variables[ENV.openskyBoundingBox]).to.equal("45,5,50,10");
    });

    it("runs on the stack's schedule, or not at all when switched off", async () => {
      expect(dev.one("aws:cloudwatch/eventRule:EventRule", "ingestion-schedule").inputs.scheduleExpression).to.equal("rate(15 minutes)");
      expect(prod.one("aws:cloudwatch/eventRule:EventRule", "ingestion-schedule").inputs.scheduleExpression).to.equal("rate(5 minutes)");
      const off = new ProgramQueries(await buildMockedProgram({ stack: "dev", config: { enableScheduledIngestion: false } }));
      expect(off.ofType("aws:cloudwatch/eventRule:EventRule").map((rule) => rule.name)).to.deep.equal(["flight-data-pipeline-dev-compaction-schedule"]);
      expect(off.ofType("aws:cloudwatch/eventTarget:EventTarget").map((target) => target.name)).to.deep.equal([
        "flight-data-pipeline-dev-compaction-schedule-target",
      ]);
    });
  });

  describe("ValidationStage and Monitoring", () => {
    it("passes the stack's quality thresholds to the validation function", () => {
      const env = prod.fn("validation").inputs.environment.variables;
      expect(env).to.include({ QUALITY_THRESHOLD: "0.8", MIN_COMPLETENESS_SCORE: "0.7", MAX_ERROR_RATE: "0.05", STRICT_MODE: "false" });
      expect(env[ENV.alertTopicArn]).to.equal(prod.one("aws:sns/topic:Topic").state.arn);
    });

    it("alarms on quality below the threshold and on a stale feed, and draws the dashboard", () => {
      const quality = prod.one("aws:cloudwatch/metricAlarm:MetricAlarm", "quality-below-threshold").inputs;
      expect(quality).to.include({ namespace: "FlightDataPipeline", metricName: "DataQualityScore", threshold: 80, comparisonOperator: "LessThanThreshold" });
      expect(quality.dimensions).to.deep.equal({ Environment: "prod" });
      const stale = prod.one("aws:cloudwatch/metricAlarm:MetricAlarm", "feed-stale").inputs;
      expect(stale).to.include({ metricName: "RecordsProcessed", evaluationPeriods: 3, treatMissingData: "breaching" });
      const body = JSON.parse(prod.one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody);
      const charted = JSON.stringify(body.widgets);
      for (const stage of STAGES) expect(charted).to.contain(prod.fn(stage).state.name);
      for (const metric of ["DataQualityScore", "RecordsProcessed", "CompletenessScore", "ErrorRate", "Throttles", "ConcurrentExecutions"]) {
        expect(charted).to.contain(metric);
      }
      expect(prod.one("aws:sns/topicSubscription:TopicSubscription").inputs).to.include({
        protocol: "email",
        endpoint: MOCKED_REQUIRED_SETTINGS.errorNotificationEmail,
      });
    });

    it("counts side-service failures from every function's log lines, and alarms on them", () => {
      const lines: Record<string, unknown>[] = [];
      const logger = createLogger({ level: "INFO", fields: { stage: "processing", environment: "prod" }, write: (line) => lines.push(JSON.parse(line)) });
      sideServiceFailed(logger, "cloudwatch", "could not publish", new Error("ServiceUnavailable"));
      const filters = prod.ofType("aws:cloudwatch/logMetricFilter:LogMetricFilter");
      expect(filters.map((filter) => filter.inputs.logGroupName).sort()).to.deep.equal(
        STAGES.map((stage) => `/aws/lambda/${prod.fn(stage).state.name}`).sort(),
      );
      for (const filter of filters) {
        // The filters use the one JSON pattern form `{ $.field = "value" }`: checked against the line the handlers write.
        const match = /^\{ \$\.(\w+) = "([^"]+)" \}$/.exec(filter.inputs.pattern);
        expect(match, filter.inputs.pattern).to.not.equal(null);
        expect(lines[0]?.[match![1]!]).to.equal(match![2]);
        expect(filter.inputs.metricTransformation).to.deep.include({ name: "SideServiceFailures", namespace: "FlightDataPipeline", value: "1" });
        const dimensionField = /^\$\.(\w+)$/.exec(filter.inputs.metricTransformation.dimensions.Environment)![1]!;
        expect(lines[0]?.[dimensionField], "the Environment dimension comes from the line").to.equal("prod");
      }
      const alarm = prod.one("aws:cloudwatch/metricAlarm:MetricAlarm", "side-service-failures").inputs;
      expect(alarm).to.include({
        namespace: "FlightDataPipeline",
        metricName: "SideServiceFailures",
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
      });
      expect(alarm.dimensions).to.deep.equal({ Environment: "prod" });
    });

    it("works without the alert topic: alarms with no actions, quality alerts logged only", async () => {
      const q = new ProgramQueries(await buildMockedProgram({ stack: "dev", config: { createErrorNotificationTopic: false } }));
      expect(q.ofType("aws:sns/topic:Topic")).to.have.length(0);
      for (const alarm of q.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")) expect(alarm.inputs.alarmActions).to.deep.equal([]);
      expect(q.fn("validation").inputs.environment.variables).to.not.have.property(ENV.alertTopicArn);
    });

    it("leaves out alarms and dashboard when the stack switches them off", async () => {
      const q = new ProgramQueries(
        await buildMockedProgram({ stack: "dev", config: { enableCloudwatchAlarms: false, createLambdaDashboard: false, enableXrayTracing: false } }),
      );
      expect(q.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")).to.have.length(0);
      expect(q.ofType("aws:cloudwatch/dashboard:Dashboard")).to.have.length(0);
      expect(q.fn("ingestion").inputs.tracingConfig).to.deep.equal({ mode: "PassThrough" });
      const policy = statements(q.inStage("ingestion", "aws:iam/rolePolicy:RolePolicy")[0].inputs.policy);
      expect(policy.some((s) => actions(s).some((a) => a.startsWith("xray:")))).to.equal(false);
    });
  });

  describe("shared dependencies layer", () => {
    it("moves the runtime packages into one layer and out of the functions", async () => {
      const q = new ProgramQueries(await buildMockedProgram({ stack: "dev", config: { sharedDependenciesLayer: true } }));
      const layer = q.one("aws:lambda/layerVersion:LayerVersion");
      const assets = Object.keys(await layer.inputs.code.assets);
      expect(assets).to.include.members(["nodejs/node_modules/p-retry", "nodejs/node_modules/hyparquet", "nodejs/node_modules/hyparquet-writer"]);
      expect(assets.some((a) => a.includes("@aws-sdk") || a.includes("@pulumi"))).to.equal(false);
      for (const stage of STAGES) {
        expect(q.fn(stage).inputs.layers).to.deep.equal([layer.state.arn]);
        expect(q.program.functionPackages[q.fn(stage).inputs.name].packages).to.deep.equal([]);
      }
    });
  });

  describe("tags and configuration errors", () => {
    it("tags every taggable resource through the stack's provider", () => {
      const [provider] = prod.ofType("pulumi:providers:aws");
      const tags = JSON.parse(provider.inputs.defaultTags).tags;
      expect(tags).to.deep.equal({ project: "flight-data-pipeline", environment: "prod", "managed-by": "pulumi", "cost-center": "data-platform" });
      const custom = prod.program.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
      for (const resource of custom) expect(resource.provider, resource.name).to.match(/^urn:pulumi:prod::flight-data-pipeline::pulumi:providers:aws::/);
    });

    it("fails the build with the key's name when the configuration is bad", async () => {
      let error: Error | undefined;
      try {
        await buildMockedProgram({ stack: "dev", config: { lambdaConfig: { processing: { timeout: 0 } } } });
      } catch (err) {
        error = err as Error;
      }
      expect(error?.message).to.match(/flight-data-pipeline:lambdaConfig.processing.timeout = 0: must be an integer from 1 to 900/);
    });
  });

  describe("stack outputs", () => {
    it("are all exported by index.ts, which Pulumi reads them from", () => {
      const entry = fs.readFileSync(path.join(__dirname, "..", "..", "index.ts"), "utf8");
      const exported = [...entry.matchAll(/^export const (\w+) = pipeline\.(\w+);$/gm)];
      for (const [, name, source] of exported) expect(name, `index.ts exports ${name} under its own name`).to.equal(source);
      expect(exported.map(([, name]) => name).sort()).to.deep.equal(Object.keys(dev.program.outputs).sort());
    });

    it("name what the operator tools need: each stage's function (the live alias with versioning), the buckets, the table and the queues", () => {
      for (const q of [dev, prod]) {
        const stack = q.program.stack;
        const target = targetFromOutputs(stack, q.program.outputs, stack);
        expect(target.region).to.equal("us-east-1");
        expect(target.rawBucket).to.equal(q.one("aws:s3/bucket:Bucket", "lake-raw").state.bucket);
        expect(target.processedBucket).to.equal(q.one("aws:s3/bucket:Bucket", "lake-processed").state.bucket);
        expect(target.trackingTable).to.equal(q.one("aws:dynamodb/table:Table").state.name);
        expect(target.scheduleDeadLetterQueueUrl).to.equal(q.one("aws:sqs/queue:Queue", "ingestion-schedule-dlq").state.url);
        expect(target.compactionScheduleDeadLetterQueueUrl).to.equal(q.one("aws:sqs/queue:Queue", "compaction-schedule-dlq").state.url);
        for (const stage of OPERATED_STAGES) {
          const invoked = stack === "prod" ? q.inStage(stage, "aws:lambda/alias:Alias")[0]!.state.arn : q.fn(stage).state.arn;
          expect(target.invokeTargets[stage], `${stack} ${stage}`).to.equal(invoked);
          expect(target.deadLetterQueueUrls[stage]).to.equal(q.inStage(stage, "aws:sqs/queue:Queue")[0]!.state.url);
        }
      }
    });
  });

  describe("runbook and saved queries", () => {
    const runbook = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "runbook.md"), "utf8");
    const documented = new Map([...runbook.matchAll(/```insights (\S+)\n([\s\S]*?)\n```/g)].map((match) => [match[1]!, match[2]!]));

    it("saves every query the runbook quotes, with the same text, and no other", () => {
      for (const q of [dev, prod]) {
        const folder = `flight-data-pipeline-${q.program.stack}`;
        const saved = new Map(
          q.ofType("aws:cloudwatch/queryDefinition:QueryDefinition").map((query) => [query.inputs.name as string, query.inputs.queryString as string]),
        );
        expect([...saved.keys()].sort()).to.deep.equal([...documented.keys()].map((name) => `${folder}/${name}`).sort());
        for (const [name, text] of documented) expect(saved.get(`${folder}/${name}`), name).to.equal(text);
      }
    });

    it("binds each query to the log groups it reads", () => {
      const groups = Object.fromEntries(STAGES.map((stage) => [stage, prod.inStage(stage, "aws:cloudwatch/logGroup:LogGroup")[0].inputs.name]));
      for (const query of OPERATOR_QUERIES) {
        const saved = prod
          .ofType("aws:cloudwatch/queryDefinition:QueryDefinition")
          .find((candidate) => candidate.inputs.name === `flight-data-pipeline-prod/${query.id}`)!;
        const expected = query.scope === "all" ? STAGES.map((stage) => groups[stage]) : [groups[query.scope]];
        expect(saved.inputs.logGroupNames, query.id).to.deep.equal(expected);
      }
    });

    it("has a section for every alarm the stack creates, pointing at saved queries and a recovery command", () => {
      const sections = new Map(
        runbook
          .split(/^## /m)
          .slice(1)
          .map((section) => [/^`([^`]+)`/.exec(section)?.[1] ?? section.split("\n")[0]!, section]),
      );
      for (const q of [dev, prod]) {
        const stack = `flight-data-pipeline-${q.program.stack}`;
        const functions = q.ofType("aws:lambda/function:Function").map((fn) => fn.inputs.name as string);
        for (const alarm of q.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")) {
          const name = alarm.inputs.name as string;
          const ofFunction = functions.find((fn) => name.startsWith(`${fn}-`));
          const pattern =
            ofFunction === undefined
              ? name.replace(new RegExp(`^${stack}-`), "<stack>-")
              : name.replace(`${ofFunction}-schedule-`, "<function>-schedule-").replace(`${ofFunction}-`, "<function>-");
          const section = sections.get(pattern);
          expect(section, `runbook section for ${name} (${pattern})`).to.not.equal(undefined);
          const linked = [...section!.matchAll(/\]\(#([a-z0-9-]+)\)/g)].map((match) => match[1]!);
          expect(linked.length, pattern).to.be.greaterThan(0);
          for (const query of linked) expect(documented.has(query), `${pattern} links ${query}`).to.equal(true);
          expect(section, pattern).to.match(/\*\*Recover:\*\*[\s\S]*`(npm run (redrive|backfill)|pulumi (up|config set)|aws lambda)/);
        }
      }
    });
  });

  describe("documented tables", () => {
    it("lists in docs/operations.md every alarm either stack creates, and no other", () => {
      const documented = tableRows(fs.readFileSync(path.join(__dirname, "..", "..", "docs", "operations.md"), "utf8"), "alarm").map(
        ([alarm]) => /`([^`]+)`/.exec(alarm!)![1]!,
      );
      const created = new Set<string>();
      for (const q of [dev, prod]) {
        const stack = `flight-data-pipeline-${q.program.stack}`;
        const functions = q.ofType("aws:lambda/function:Function").map((fn) => fn.inputs.name as string);
        for (const alarm of q.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")) {
          const name = alarm.inputs.name as string;
          const ofFunction = functions.find((fn) => name.startsWith(`${fn}-`));
          created.add(ofFunction === undefined ? name.replace(`${stack}-`, "<stack>-") : name.replace(`${ofFunction}-`, "<function>-"));
        }
      }
      expect(documented.sort()).to.deep.equal([...created].sort());
    });

    it("names in docs/deploying.md every output the program exports, and no other", () => {
      const deploying = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "deploying.md"), "utf8");
      const section = deploying.split(/^## Outputs$/m)[1]!.split(/^## /m)[0]!;
      // `compaction` names the per-function outputs' entry, not an output.
      const documented = [...section.matchAll(/`([a-zA-Z]+)`/g)].map((match) => match[1]!).filter((name) => name !== "compaction");
      for (const q of [dev, prod]) {
        expect(documented.sort(), q.program.stack).to.deep.equal(Object.keys(q.program.outputs).sort());
      }
    });
  });
});
