/**
 * The design reference's list of what AWS rejects (or silently gets wrong) and mocks accept.
 * Each item is asserted on the resource graph the program builds for a real stack.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildMockedProgram, MOCK_ACCOUNT_ID, type MockedProgram } from "../../mocked-program/mockedProgram";
import { aliasRouting } from "../../components/support/aliasRouting";
import { INSIGHTS_TABLE_AS_OF, lambdaInsightsLayerArn, lambdaInsightsRegions } from "../../components/support/lambdaInsights";
import { PHYSICAL_NAME_LIMITS } from "../../config/physicalNames";
import { actions, ProgramQueries, resources, statements, type Statement } from "../support/programQueries";

const T = {
  key: "aws:kms/key:Key",
  topic: "aws:sns/topic:Topic",
  topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
  queue: "aws:sqs/queue:Queue",
  queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
  rule: "aws:cloudwatch/eventRule:EventRule",
  target: "aws:cloudwatch/eventTarget:EventTarget",
  permission: "aws:lambda/permission:Permission",
  notification: "aws:s3/bucketNotification:BucketNotification",
  bucket: "aws:s3/bucket:Bucket",
  fn: "aws:lambda/function:Function",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  alias: "aws:lambda/alias:Alias",
  provisioned: "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  invokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  vpc: "awsx:ec2:Vpc",
  provider: "pulumi:providers:aws",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
};

const PROJECT_DIR = path.resolve(__dirname, "../..");
/** The age past which the Lambda Insights table must be checked against AWS's list again. */
const INSIGHTS_TABLE_MAX_AGE_DAYS = 180;
const STAGES = ["ingestion", "processing", "validation", "compaction"];

function keyStatement(q: ProgramQueries, principal: string): Statement {
  const found = statements(q.one(T.key).inputs.policy).filter((s) => s.Principal?.Service === principal);
  expect(found, `key policy statement for ${principal}`).to.have.length(1);
  return found[0];
}

function rolePolicyOf(q: ProgramQueries, stage: string): Statement[] {
  return statements(q.inStage(stage, T.rolePolicy)[0].inputs.policy);
}

describe("deployability: what AWS rejects and mocks accept", function () {
  let dev: ProgramQueries;
  let prod: ProgramQueries;
  let prodProgram: MockedProgram;

  before(async function () {
    // Two whole programs, each with four serialized function packages: a minute on a busy machine.
    this.timeout(300_000);
    dev = new ProgramQueries(await buildMockedProgram({ stack: "dev" }));
    prodProgram = await buildMockedProgram({ stack: "prod" });
    prod = new ProgramQueries(prodProgram);
  });

  it("1. the key policy lets CloudWatch Logs of this region use the key, scoped by the log-group encryption context", () => {
    for (const q of [dev, prod]) {
      const s = keyStatement(q, "logs.us-east-1.amazonaws.com");
      expect(actions(s)).to.include.members(["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]);
      expect(s.Condition?.ArnLike?.["kms:EncryptionContext:aws:logs:arn"]).to.equal(`arn:aws:logs:us-east-1:${MOCK_ACCOUNT_ID}:log-group:*`);
      for (const group of q.ofType(T.logGroup)) expect(group.inputs.kmsKeyId).to.equal(q.one(T.key).state.arn);
    }
  });

  it("2. alarms can publish to the encrypted topic: key policy for cloudwatch.amazonaws.com, topic policy allowing publish", () => {
    const s = keyStatement(prod, "cloudwatch.amazonaws.com");
    expect(actions(s)).to.include.members(["kms:Decrypt", "kms:GenerateDataKey"]);
    const topic = prod.one(T.topic);
    expect(topic.inputs.kmsMasterKeyId).to.equal(prod.one(T.key).state.arn);
    const publish = statements(prod.one(T.topicPolicy).inputs.policy).find((st) => st.Effect === "Allow");
    expect(publish?.Principal).to.deep.equal({ Service: "cloudwatch.amazonaws.com" });
    expect(actions(publish!)).to.deep.equal(["sns:Publish"]);
    expect(publish!.Condition?.StringEquals?.["aws:SourceAccount"]).to.equal(MOCK_ACCOUNT_ID);
    const alarms = prod.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
    expect(alarms.length).to.be.greaterThan(10);
    for (const alarm of alarms) expect(alarm.inputs.alarmActions, alarm.name).to.deep.equal([topic.state.arn]);
  });

  it("3. each schedule's DLQ accepts EventBridge only from its rule, and the key lets EventBridge use it", () => {
    for (const q of [dev, prod]) {
      const rules = q.ofType(T.rule);
      expect(rules.map((rule) => rule.name.replace(/^flight-data-pipeline-\w+-/, "")).sort()).to.deep.equal(["compaction-schedule", "ingestion-schedule"]);
      for (const rule of rules) {
        const stage = rule.name.replace(/-schedule$/, "");
        const queue = q.one(T.queue, `${stage}-schedule-dlq`);
        const policy = q.one(T.queuePolicy, `${stage}-schedule-dlq-policy`);
        expect(policy.inputs.queueUrl).to.equal(queue.state.url);
        const [allow] = statements(policy.inputs.policy);
        expect(allow.Principal).to.deep.equal({ Service: "events.amazonaws.com" });
        expect(actions(allow)).to.deep.equal(["sqs:SendMessage"]);
        expect(allow.Resource).to.equal(queue.state.arn);
        expect(allow.Condition?.ArnEquals?.["aws:SourceArn"]).to.equal(rule.state.arn);
        expect(queue.inputs.kmsMasterKeyId).to.equal(q.one(T.key).state.arn);
        const target = q.one(T.target, `${stage}-schedule-target`);
        expect(target.inputs.rule).to.equal(rule.state.name);
        expect(target.inputs.deadLetterConfig.arn).to.equal(queue.state.arn);
        expect(target.inputs.retryPolicy).to.deep.equal({ maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 });
        expect(target.dependencies).to.include(policy.urn);
      }
      expect(actions(keyStatement(q, "events.amazonaws.com"))).to.include.members(["kms:Decrypt", "kms:GenerateDataKey"]);
    }
  });

  it("4. each S3 permission exists before its bucket's only notification, and both name the same qualifier", () => {
    for (const q of [dev, prod]) {
      const notifications = q.ofType(T.notification);
      const buckets = notifications.map((n) => n.inputs.bucket);
      expect(new Set(buckets).size, "one notification per bucket").to.equal(notifications.length);
      expect(notifications).to.have.length(2);
      for (const notification of notifications) {
        const [config] = notification.inputs.lambdaFunctions;
        const permission = q.ofType(T.permission).find((p) => notification.dependencies.includes(p.urn));
        expect(permission, `${notification.name} depends on a permission`).to.not.equal(undefined);
        const bucket = q.ofType(T.bucket).find((b) => b.state.bucket === notification.inputs.bucket)!;
        expect(permission!.inputs).to.include({ principal: "s3.amazonaws.com", sourceArn: bucket.state.arn, sourceAccount: MOCK_ACCOUNT_ID });
        if (q === prod) {
          expect(permission!.inputs.qualifier).to.equal("live");
          expect(config.lambdaFunctionArn).to.match(/:live$/);
        } else {
          expect(permission!.inputs.qualifier).to.equal(undefined);
          expect(config.lambdaFunctionArn).to.not.match(/:live$/);
        }
        expect(config.lambdaFunctionArn.startsWith(`arn:aws:lambda:us-east-1:${MOCK_ACCOUNT_ID}:function:${permission!.inputs.function}`)).to.equal(true);
      }
    }
  });

  it("5. each role may send to its own DLQ and have SQS use the key for it; Lambda's grant decrypts the environment", () => {
    for (const q of [dev, prod]) {
      const keyArn = q.one(T.key).state.arn;
      for (const stage of STAGES) {
        const policy = rolePolicyOf(q, stage);
        const dlq = q.inStage(stage, T.queue)[0];
        const send = policy.find((s) => actions(s).includes("sqs:SendMessage"));
        expect(resources(send!)).to.deep.equal([dlq.state.arn]);
        for (const action of ["kms:Decrypt", "kms:GenerateDataKey"]) {
          const kms = policy.find((s) => actions(s).includes(action));
          expect(resources(kms!), `${stage} ${action}`).to.deep.equal([keyArn]);
          expect(kms!.Condition?.StringEquals?.["kms:ViaService"], `${stage} ${action}`).to.include("sqs.us-east-1.amazonaws.com");
        }
        // Lambda decrypts the environment through a grant it creates with the deployer's
        // kms:CreateGrant; the function only needs its key set.
        expect(q.fn(stage).inputs.kmsKeyArn).to.equal(keyArn);
        expect(dlq.inputs.kmsMasterKeyId).to.equal(keyArn);
        const [invokeConfig] = q.inStage(stage, T.invokeConfig);
        expect(invokeConfig.inputs.destinationConfig.onFailure.destination).to.equal(dlq.state.arn);
        expect(invokeConfig.dependencies).to.include(q.inStage(stage, T.rolePolicy)[0].urn);
      }
    }
  });

  it("6. provisioned concurrency targets the live alias, never $LATEST, within reserved concurrency", async () => {
    const q = new ProgramQueries(
      await buildMockedProgram({
        stack: "prod",
        config: {
          enableGradualDeployment: false,
          enableProvisionedConcurrency: true,
          lambdaConfig: { ingestion: { reservedConcurrency: 10, provisionedConcurrency: 2 }, processing: { timeout: 120 } },
        },
      }),
    );
    const [config] = q.ofType(T.provisioned);
    expect(config.inputs.qualifier).to.equal("live");
    expect(config.inputs.provisionedConcurrentExecutions).to.equal(2);
    expect(config.inputs.functionName).to.equal(q.fn("ingestion").state.name);
    expect(config.dependencies).to.include(q.one(T.alias, "ingestion").urn);
    expect(q.fn("ingestion").inputs.reservedConcurrentExecutions).to.be.at.least(2);
    expect(dev.ofType(T.provisioned)).to.have.length(0);
  });

  it("7. the first deployment routes the alias to the one version it has; the next one splits traffic", async () => {
    for (const alias of prod.ofType(T.alias)) {
      expect(alias.inputs.functionVersion).to.equal("1");
      expect(alias.inputs.routingConfig).to.equal(undefined);
    }
    const functionNames = STAGES.map((s) => prod.fn(s).state.name);
    const second = new ProgramQueries(
      await buildMockedProgram({
        stack: "prod",
        publishedVersion: "2",
        liveAliasVersions: Object.fromEntries(functionNames.map((n) => [n, "1"])),
      }),
    );
    for (const alias of second.ofType(T.alias)) {
      expect(alias.inputs.functionVersion).to.equal("1");
      expect(alias.inputs.routingConfig).to.deep.equal({ additionalVersionWeights: { "2": 0.1 } });
    }
    expect(aliasRouting("1", "2", 1)).to.deep.equal({ functionVersion: "2" });
    expect(aliasRouting("2", "2", 0.1)).to.deep.equal({ functionVersion: "2" });
    expect(() => aliasRouting("1", "2", 0)).to.throw(/\(0, 1\]/);
  });

  it("8. the Lambda Insights layer follows region and architecture", async () => {
    expect(prod.fn("ingestion").inputs.layers).to.deep.equal([lambdaInsightsLayerArn("us-east-1", "x86_64")]);
    expect(lambdaInsightsLayerArn("us-east-1", "x86_64")).to.match(/^arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:\d+$/);
    expect(lambdaInsightsLayerArn("eu-west-1", "arm64")).to.match(/^arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension-Arm64:\d+$/);
    expect(lambdaInsightsLayerArn("ap-east-1", "x86_64")).to.match(/:519774774795:/);
    expect(() => lambdaInsightsLayerArn("mars-north-1", "x86_64")).to.throw(/lambdaInsightsLayerArn/);
    const arm = new ProgramQueries(await buildMockedProgram({ stack: "prod", config: { "aws:region": "eu-west-1", lambdaArchitecture: "arm64" } }));
    for (const stage of STAGES) {
      expect(arm.fn(stage).inputs.architectures).to.deep.equal(["arm64"]);
      expect(arm.fn(stage).inputs.layers).to.deep.equal([lambdaInsightsLayerArn("eu-west-1", "arm64")]);
    }
    expect(dev.fn("ingestion").inputs.layers ?? []).to.deep.equal([]);
    let unknownRegion: Error | undefined;
    await buildMockedProgram({ stack: "prod", config: { "aws:region": "xx-nowhere-1" } }).catch((err) => (unknownRegion = err));
    expect(unknownRegion?.message).to.match(/No known Lambda Insights layer for xx-nowhere-1 .*lambdaInsightsLayerArn/);
  });

  it("9. functions in a created VPC can manage their ENIs and reach S3 and DynamoDB through gateway endpoints, the rest through NAT", async () => {
    const q = new ProgramQueries(await buildMockedProgram({ stack: "dev", config: { vpcConfig: { create: true } } }));
    const vpc = q.one(T.vpc);
    expect(vpc.inputs.natGateways).to.deep.equal({ strategy: "Single" });
    const endpoints = q.ofType(T.endpoint);
    expect(endpoints.map((e) => e.inputs.serviceName).sort()).to.deep.equal(["com.amazonaws.us-east-1.dynamodb", "com.amazonaws.us-east-1.s3"]);
    for (const endpoint of endpoints) {
      expect(endpoint.inputs.vpcEndpointType).to.equal("Gateway");
      expect(endpoint.inputs.routeTableIds).to.have.length(3);
    }
    for (const stage of STAGES) {
      expect(q.fn(stage).inputs.vpcConfig.subnetIds).to.deep.equal(vpc.state.privateSubnetIds);
      const eni = rolePolicyOf(q, stage).find((s) => actions(s).includes("ec2:CreateNetworkInterface"));
      expect(actions(eni!)).to.include.members(["ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"]);
    }
    expect(rolePolicyOf(dev, "ingestion").some((s) => actions(s).includes("ec2:CreateNetworkInterface"))).to.equal(false);
    const given = new ProgramQueries(
      await buildMockedProgram({ stack: "dev", config: { vpcConfig: { subnetIds: ["subnet-0abc"], securityGroupIds: ["sg-0def"] } } }),
    );
    expect(given.fn("validation").inputs.vpcConfig).to.deep.equal({ subnetIds: ["subnet-0abc"], securityGroupIds: ["sg-0def"] });
    expect(given.ofType(T.vpc)).to.have.length(0);
  });

  it("10. each function's /aws/lambda/<name> log group exists first, encrypted and with retention", () => {
    for (const [q, retention] of [
      [dev, 7],
      [prod, 90],
    ] as const) {
      for (const stage of STAGES) {
        const fn = q.fn(stage);
        const [group] = q.inStage(stage, T.logGroup);
        expect(group.inputs.name).to.equal(`/aws/lambda/${fn.inputs.name}`);
        expect(group.inputs.retentionInDays).to.equal(retention);
        expect(fn.dependencies).to.include(group.urn);
        expect(fn.inputs.loggingConfig.logGroup).to.equal(group.inputs.name);
      }
    }
  });

  it('11. Resource "*" appears only for actions without resource-level permissions, metrics scoped by namespace', () => {
    const allowed = new Set(["cloudwatch:PutMetricData", "xray:PutTraceSegments", "xray:PutTelemetryRecords"]);
    for (const q of [dev, prod]) {
      for (const policy of q.ofType(T.rolePolicy)) {
        for (const s of statements(policy.inputs.policy)) {
          if (!resources(s).includes("*")) continue;
          for (const action of actions(s)) expect(allowed.has(action), `${policy.name}: ${action} on *`).to.equal(true);
          if (actions(s).includes("cloudwatch:PutMetricData")) {
            expect(s.Condition?.StringEquals?.["cloudwatch:namespace"]).to.equal("FlightDataPipeline");
          }
        }
      }
    }
  });

  it("12. every function runs as its own role with an inline policy, never CallbackFunction's FullAccess defaults", () => {
    for (const q of [dev, prod]) {
      expect(q.ofType(T.attachment)).to.have.length(0);
      const roleArns = new Set<string>();
      for (const stage of STAGES) {
        const [role] = q.inStage(stage, T.role);
        expect(q.fn(stage).inputs.role).to.equal(role.state.arn);
        expect(q.inStage(stage, T.rolePolicy)[0].inputs.role).to.equal(role.state.name);
        expect(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal).to.deep.equal({ Service: "lambda.amazonaws.com" });
        expect(role.inputs.managedPolicyArns ?? []).to.deep.equal([]);
        roleArns.add(role.state.arn);
      }
      expect(roleArns.size).to.equal(STAGES.length);
    }
  });

  it("13. no bucket has a fixed name", () => {
    for (const q of [dev, prod]) {
      const buckets = q.ofType(T.bucket);
      expect(buckets).to.have.length(3);
      for (const bucket of buckets) expect(bucket.inputs.bucket).to.equal(undefined);
    }
  });
  it("14. the AWS provider takes every aws:* setting of the stack (an assumed role, endpoints, …); an unknown one fails the preview", async () => {
    const assumeRoles = [{ roleArn: "arn:aws:iam::210987654321:role/flight-data-deployer", sessionName: "pulumi-prod", externalId: "flight-data" }];
    const endpoints = [{ s3: "https://s3.eu-central-1.amazonaws.com" }, { sts: "https://sts.eu-central-1.amazonaws.com" }];
    const q = new ProgramQueries(
      await buildMockedProgram({
        stack: "prod",
        config: {
          "aws:assumeRoles": assumeRoles,
          "aws:endpoints": endpoints,
          "aws:skipMetadataApiCheck": "false",
          "aws:profile": "flight-data-prod",
          "aws:allowedAccountIds": ["210987654321"],
          "aws:defaultTags": { tags: { owner: "data-platform" } },
        },
      }),
    );
    const provider = q.one(T.provider);
    expect(JSON.parse(provider.inputs.assumeRoles)).to.deep.equal(assumeRoles);
    expect(JSON.parse(provider.inputs.endpoints)).to.deep.equal(endpoints);
    expect(provider.inputs.skipMetadataApiCheck).to.equal("false");
    expect(provider.inputs.profile).to.equal("flight-data-prod");
    expect(provider.inputs.region).to.equal("us-east-1");
    expect(JSON.parse(provider.inputs.allowedAccountIds)).to.deep.equal(["210987654321"]);
    expect(JSON.parse(provider.inputs.defaultTags).tags).to.deep.equal({
      owner: "data-platform",
      project: "flight-data-pipeline",
      environment: "prod",
      "managed-by": "pulumi",
      "cost-center": "data-platform",
    });
    const awsResources = q.program.resources.filter((r) => r.custom && r.type.startsWith("aws:"));
    expect(awsResources.length).to.be.greaterThan(50);
    for (const resource of awsResources) expect(resource.provider?.startsWith(`${provider.urn}::`), resource.name).to.equal(true);
    let misspelt: Error | undefined;
    await buildMockedProgram({ stack: "dev", config: { "aws:asumeRoles": assumeRoles } }).catch((err) => (misspelt = err));
    expect(misspelt?.message).to.match(/aws:asumeRoles = .*: is not a setting of the AWS provider/);
  });

  it("15. the key lets EventBridge use it in the form AWS documents for encrypted SQS targets; the queue policy restricts the sender to the rule", () => {
    for (const q of [dev, prod]) {
      expect(keyStatement(q, "events.amazonaws.com")).to.deep.equal({
        Sid: "EventBridgeSendsToEncryptedDeadLetterQueue",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: "*",
      });
      // One schedule DLQ per schedule (ingestion, compaction), each accepting only its own rule.
      const rules = q
        .ofType(T.rule)
        .map((rule) => rule.state.arn)
        .sort();
      const senders = q.ofType(T.queuePolicy).map((policy) => {
        const [allow] = statements(policy.inputs.policy);
        expect(Object.keys(allow.Condition ?? {})).to.deep.equal(["ArnEquals"]);
        return allow.Condition!.ArnEquals!["aws:SourceArn"] as string;
      });
      expect(senders.sort()).to.deep.equal(rules);
    }
  });

  it("16. provisioned concurrency never sits on an alias that gradual deployment weights: the combination is refused", async () => {
    expect(prod.ofType(T.provisioned)).to.have.length(0);
    expect(prod.ofType(T.alias)).to.have.length(STAGES.length);
    let refused: Error | undefined;
    await buildMockedProgram({
      stack: "prod",
      config: { enableProvisionedConcurrency: true, lambdaConfig: { ingestion: { provisionedConcurrency: 2 } } },
    }).catch((err) => (refused = err));
    expect(refused?.message).to.match(
      /lambdaConfig\.ingestion\.provisionedConcurrency = 2: cannot be combined with enableGradualDeployment: true\. A release is promoted in two steps/,
    );
  });

  it("17. every lifecycle rule filters on exactly one criterion, an empty prefix for the whole bucket; none is an empty filter", () => {
    for (const q of [dev, prod]) {
      const configurations = q.ofType(T.lifecycle);
      expect(configurations).to.have.length(3);
      for (const configuration of configurations) {
        for (const rule of configuration.inputs.rules) {
          const criteria = Object.keys(rule.filter ?? {}).filter((key) => rule.filter[key] !== undefined);
          expect(criteria, `${configuration.name} ${rule.id}`).to.have.length(1);
          expect(["prefix", "tag", "objectSizeGreaterThan", "objectSizeLessThan", "and"]).to.include(criteria[0]);
          expect(rule.prefix, "the deprecated rule-level prefix").to.equal(undefined);
        }
      }
      const athenaResults = configurations.filter((c) => c.name.includes("athena")).flatMap((c) => c.inputs.rules);
      for (const rule of athenaResults) expect(rule.filter, "Athena results: the whole bucket").to.deep.equal({ prefix: "" });
      const processed = configurations.filter((c) => c.name.includes("-processed-")).flatMap((c) => c.inputs.rules);
      for (const rule of processed) expect(rule.filter.prefix, "processed data: one rule per prefix the pipeline writes").to.match(/^([a-z]+\/)+$|^$/);
    }
  });

  it(`18. the Lambda Insights layer table is current: at most ${INSIGHTS_TABLE_MAX_AGE_DAYS} days old, every layer ARN well formed`, () => {
    const ageDays = (Date.now() - Date.parse(INSIGHTS_TABLE_AS_OF)) / 86_400_000;
    expect(
      ageDays,
      `components/support/lambdaInsights.ts holds AWS's list as of ${INSIGHTS_TABLE_AS_OF}: take the current versions from AWS's "Available versions of the Lambda Insights extension" pages and update INSIGHTS_TABLE_AS_OF`,
    ).to.be.at.most(INSIGHTS_TABLE_MAX_AGE_DAYS);
    expect(lambdaInsightsLayerArn("us-east-1", "x86_64")).to.equal("arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:60");
    expect(lambdaInsightsLayerArn("us-east-1", "arm64")).to.equal("arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension-Arm64:25");
    expect(lambdaInsightsLayerArn("cn-north-1", "x86_64")).to.match(/^arn:aws-cn:lambda:cn-north-1:/);
    expect(lambdaInsightsRegions("x86_64").length).to.be.greaterThan(30);
    for (const architecture of ["x86_64", "arm64"] as const) {
      for (const region of lambdaInsightsRegions(architecture)) {
        expect(lambdaInsightsLayerArn(region, architecture)).to.match(
          new RegExp(`^arn:aws(-cn|-us-gov)?:lambda:${region}:\\d{12}:layer:LambdaInsightsExtension${architecture === "arm64" ? "-Arm64" : ""}:\\d+$`),
        );
      }
    }
  });

  it("19. every physical name, with Pulumi's 8-character suffix where Pulumi names it, fits AWS's limit; a longer stack name fails the preview", async () => {
    for (const q of [dev, prod]) {
      let checked = 0;
      for (const resource of q.program.resources) {
        const limit = PHYSICAL_NAME_LIMITS[resource.type];
        if (limit === undefined) continue;
        // Where the mocked provider answers no name, the name Pulumi would generate: "<logical name>-" + 7 characters.
        const physical: string = resource.inputs[limit.field] ?? resource.state[limit.field] ?? `${resource.name}-xxxxxxx`;
        expect(physical, `${resource.type} ${resource.name}`).to.be.a("string");
        expect(physical.length, `${resource.type} ${physical}`).to.be.at.most(limit.max);
        checked += 1;
      }
      expect(checked).to.be.greaterThan(40);
    }
    // A stack name that keeps the pipeline's name within 40 characters still overflows a bucket and a rule.
    const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "long-stack-"));
    try {
      fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(projectDir, "Pulumi.yaml"));
      fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), path.join(projectDir, "Pulumi.production-eu-west.yaml"));
      fs.symlinkSync(path.join(PROJECT_DIR, "package.json"), path.join(projectDir, "package.json"));
      fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(projectDir, "node_modules"), "junction");
      let refused: Error | undefined;
      await buildMockedProgram({ stack: "production-eu-west", projectDir }).catch((err) => (refused = err));
      const message = refused?.message ?? "";
      expect(message).to.contain(
        'aws:s3/bucket:Bucket flight-data-pipeline-production-eu-west-lake-athena-results: Pulumi generates "flight-data-pipeline-production-eu-west-lake-athena-results-xxxxxxx", 67 characters, and the S3 bucket name allows 63: shorten the project or stack name ("flight-data-pipeline-production-eu-west", 39 characters) by at least 4',
      );
      expect(message).to.match(
        /aws:cloudwatch\/eventRule:EventRule flight-data-pipeline-production-eu-west-ingestion-schedule: .*66 characters, and the EventBridge rule name allows 64: .* by at least 2/,
      );
    } finally {
      fs.rmSync(projectDir, { recursive: true, force: true });
    }
  });

  it("20. canary alarms watch the newly published version as the live alias runs it, apart from the stable version", async () => {
    const canaryOf = (q: ProgramQueries, stage: string) => q.inStage(stage, T.alarm).filter((alarm) => alarm.inputs.dimensions.ExecutedVersion !== undefined);
    const topicArn = prod.one(T.topic).state.arn;
    for (const stage of STAGES) {
      const fn = prod.fn(stage).state.name;
      const canary = canaryOf(prod, stage);
      expect(canary.map((alarm) => alarm.inputs.name).sort()).to.deep.equal([`${fn}-canary-duration`, `${fn}-canary-errors`]);
      for (const alarm of canary) {
        expect(alarm.inputs.dimensions).to.deep.equal({ FunctionName: fn, Resource: `${fn}:live`, ExecutedVersion: "1" });
        expect(alarm.inputs.alarmActions).to.deep.equal([topicArn]);
      }
      expect(canary.find((alarm) => alarm.inputs.metricName === "Errors")?.inputs).to.include({ statistic: "Sum", threshold: 0 });
      expect(canaryOf(dev, stage)).to.have.length(0);
    }
    const functionNames = STAGES.map((stage) => prod.fn(stage).state.name);
    const release = new ProgramQueries(
      await buildMockedProgram({ stack: "prod", publishedVersion: "7", liveAliasVersions: Object.fromEntries(functionNames.map((n) => [n, "6"])) }),
    );
    for (const stage of STAGES) {
      expect(release.one(T.alias, `${stage}-live`).inputs.routingConfig).to.deep.equal({ additionalVersionWeights: { "7": 0.1 } });
      for (const alarm of canaryOf(release, stage)) expect(alarm.inputs.dimensions.ExecutedVersion).to.equal("7");
    }
  });

  it("21. the preview states the account concurrency the stack needs: its reserved concurrency plus the 100 Lambda keeps unreserved", () => {
    expect(prod.program.warnings).to.have.length(1);
    expect(prod.program.warnings[0]).to.match(/reserves 19 concurrent executions \(ingestion 10, processing 5, validation 3, compaction 1\).*at least 119/);
    expect(prod.program.warnings[0]).to.contain("aws lambda get-account-settings --region us-east-1");
    expect(dev.program.warnings[0]).to.match(/reserves 7 concurrent executions.*at least 107/);
  });
});
