import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "../../config/configReader";
import {
  callsPerDay,
  creditsPerCall,
  DEFAULT_LAMBDA_RUNTIME,
  FUNCTION_DEFAULTS,
  LAMBDA_RUNTIMES,
  parseStackConfig,
  scheduleExpressionProblem,
} from "../../config/stackConfig";
import { functionSupportedRuntime } from "../../policies/rules/lambdaFunctions";
import { MOCKED_REQUIRED_SETTINGS, stackConfiguration } from "../../mocked-program/mockedProgram";

const PROJECT_DIR = path.resolve(__dirname, "../..");

/** The problems a configuration is rejected with, or [] when it is accepted. */
function problems(raw: Record<string, unknown>): string[] {
  try {
    parseStackConfig(raw);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

function rejects(raw: Record<string, unknown>, key: string, allowed: RegExp): void {
  const found = problems(raw);
  const line = found.find((p) => p.startsWith(`flight-data-pipeline:${key} = `));
  expect(line, `expected a problem for ${key}, got ${JSON.stringify(found)}`).to.not.equal(undefined);
  expect(line).to.match(allowed);
}

describe("stack configuration", () => {
  it("defaults to the seed's tables when nothing is set, anonymous access needing a schedule within its credits", () => {
    expect(problems({})).to.have.length(1);
    const config = parseStackConfig({ ingestionScheduleExpression: "rate(15 minutes)" });
    expect(config.lambda).to.deep.equal(FUNCTION_DEFAULTS);
    expect(config.lambdaRuntime).to.equal("nodejs24.x");
    expect(config.lambdaArchitecture).to.equal("x86_64");
    expect(config.logRetentionDays).to.equal(30);
    expect([config.logLevel, config.systemLogLevel]).to.deep.equal(["INFO", "INFO"]);
    expect([config.enableXrayTracing, config.enableXrayInstrumentation]).to.deep.equal([true, true]);
    expect(parseStackConfig({ opensky: { clientId: "me" }, openskyClientSecret: "s" }).ingestionScheduleExpression).to.equal("rate(5 minutes)");
    expect(config.dataQuality).to.include({ qualityThreshold: 0.8, minCompletenessScore: 0.7, maxErrorRate: 0.05 });
    expect(config.dlqRetentionSeconds).to.equal(1209600);
    expect(config.enableLambdaVersioning).to.equal(false);
    expect(config.vpc).to.equal(undefined);
    expect(config.opensky.clientId).to.equal(undefined);
  });

  it("reads values the way the CLI passes them: strings, and JSON for structured keys", () => {
    const config = parseStackConfig({
      enableScheduledIngestion: "false",
      logRetentionDays: "90",
      enableXrayTracing: "false",
      lambdaConfig: JSON.stringify({ processing: { memorySize: 2048 } }),
    });
    expect(config.logRetentionDays).to.equal(90);
    expect(config.enableXrayTracing).to.equal(false);
    expect(config.lambda.processing.memorySize).to.equal(2048);
    expect(config.lambda.processing.timeout).to.equal(FUNCTION_DEFAULTS.processing.timeout);
  });

  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    [
      "memory below Lambda's minimum",
      { lambdaConfig: { ingestion: { memorySize: 64 } } },
      "lambdaConfig.ingestion.memorySize",
      /64: must be an integer from 128 to 10240 MB/,
    ],
    ["memory that is not a number", { lambdaConfig: { validation: { memorySize: "big" } } }, "lambdaConfig.validation.memorySize", /"big": must be an integer/],
    ["timeout over 15 minutes", { lambdaConfig: { processing: { timeout: 901 } } }, "lambdaConfig.processing.timeout", /from 1 to 900 seconds/],
    [
      "provisioned above reserved",
      { enableLambdaVersioning: true, enableProvisionedConcurrency: true, lambdaConfig: { ingestion: { reservedConcurrency: 2, provisionedConcurrency: 3 } } },
      "lambdaConfig.ingestion.provisionedConcurrency",
      /must not exceed lambdaConfig.ingestion.reservedConcurrency \(2\)/,
    ],
    [
      "provisioned without the switch",
      { lambdaConfig: { ingestion: { provisionedConcurrency: 1 } } },
      "lambdaConfig.ingestion.provisionedConcurrency",
      /needs enableProvisionedConcurrency: true/,
    ],
    ["provisioned concurrency without versions", { enableProvisionedConcurrency: true }, "enableProvisionedConcurrency", /never \$LATEST/],
    ["gradual deployment without versions", { enableGradualDeployment: true }, "enableGradualDeployment", /needs enableLambdaVersioning/],
    ["a retention CloudWatch does not offer", { logRetentionDays: 8 }, "logRetentionDays", /must be one of 1, 3, 5, 7, 14, 30/],
    ["a system log level Lambda does not have", { systemLogLevel: "ERROR" }, "systemLogLevel", /"ERROR": must be one of DEBUG, INFO, WARN/],
    ["tracing instrumentation that is not a boolean", { enableXrayInstrumentation: "sometimes" }, "enableXrayInstrumentation", /true or false/],
    ["a misspelt rate", { ingestionScheduleExpression: "rate(5 minute)" }, "ingestionScheduleExpression", /use rate\(5 minutes\)/],
    ["a cron with five fields", { ingestionScheduleExpression: "cron(0 * * * *)" }, "ingestionScheduleExpression", /6 fields/],
    ["a schedule that is neither", { ingestionScheduleExpression: "every 5 minutes" }, "ingestionScheduleExpression", /must be rate/],
    ["a threshold above 1", { dataQualityConfig: { qualityThreshold: 80 } }, "dataQualityConfig.qualityThreshold", /80: must be a fraction from 0 to 1/],
    ["a negative error rate", { dataQualityConfig: { maxErrorRate: -0.1 } }, "dataQualityConfig.maxErrorRate", /fraction from 0 to 1/],
    ["an unknown runtime", { lambdaRuntime: "nodejs20.x" }, "lambdaRuntime", /one of nodejs24.x, nodejs22.x/],
    ["an unknown architecture", { lambdaArchitecture: "arm" }, "lambdaArchitecture", /one of x86_64, arm64/],
    ["a DLQ retention over 14 days", { dlqRetentionSeconds: 1209601 }, "dlqRetentionSeconds", /from 60 to 1209600 seconds/],
    ["a misspelt key", { logRetentionDay: 7 }, "logRetentionDay", /not a setting of this project/],
    ["a misspelt nested key", { lambdaConfig: { ingestion: { memory: 256 } } }, "lambdaConfig.ingestion.memory", /not a setting/],
    ["structured config that is not JSON", { lambdaConfig: "{memorySize: 1}" }, "lambdaConfig", /is not valid JSON/],
    [
      "an environment variable the program sets",
      { lambdaConfig: { ingestion: { environmentVariables: { RAW_BUCKET: "x" } } } },
      "lambdaConfig.ingestion.environmentVariables.RAW_BUCKET",
      /set by the program/,
    ],
    [
      "an environment variable name Lambda rejects",
      { lambdaConfig: { ingestion: { environmentVariables: { "1BAD": "x" } } } },
      "lambdaConfig.ingestion.environmentVariables.1BAD",
      /must start with a letter/,
    ],
    [
      "a bounding box upside down",
      { opensky: { boundingBox: { lamin: 50, lamax: 45, lomin: 5, lomax: 10 } } },
      "opensky.boundingBox.lamin",
      /must be below lamax \(45\)/,
    ],
    ["a bounding box missing a side", { opensky: { boundingBox: { lamin: 45, lamax: 50, lomin: 5 } } }, "opensky.boundingBox.lomax", /is required/],
    ["an OpenSky client id without its secret", { opensky: { clientId: "me" } }, "openskyClientSecret", /pulumi config set --secret openskyClientSecret/],
    ["an API URL without TLS", { opensky: { apiUrl: "http://opensky-network.org/api" } }, "opensky.apiUrl", /https:\/\//],
    [
      "raw data expiring before its transition",
      { dataLake: { rawTransitionDays: 60, rawExpirationDays: 45 } },
      "dataLake.rawExpirationDays",
      /later than dataLake.rawTransitionDays \(60\)/,
    ],
    ["an infrequent-access transition S3 refuses", { dataLake: { rawTransitionDays: 10 } }, "dataLake.rawTransitionDays", /from 30 to 3650/],
    [
      "an existing bucket with the wrong ARN",
      {
        dataLake: {
          existingBuckets: { raw: { name: "my-raw", arn: "arn:aws:s3:::other" }, processed: { name: "my-processed" }, athenaResults: { name: "my-results" } },
        },
      },
      "dataLake.existingBuckets.raw.arn",
      /arn:aws:s3:::my-raw/,
    ],
    [
      "one bucket for raw and processed data",
      { dataLake: { existingBuckets: { raw: { name: "my-lake" }, processed: { name: "my-lake" }, athenaResults: { name: "my-results" } } } },
      "dataLake.existingBuckets.processed.name",
      /must differ from dataLake.existingBuckets.raw.name: S3 keeps one notification configuration per bucket/,
    ],
    [
      "Athena results in the processed bucket",
      { dataLake: { existingBuckets: { raw: { name: "my-raw" }, processed: { name: "my-lake" }, athenaResults: { name: "my-lake" } } } },
      "dataLake.existingBuckets.athenaResults.name",
      /must differ from/,
    ],
    ["a VPC with no subnets", { vpcConfig: { subnetIds: [], securityGroupIds: ["sg-0123abcd"] } }, "vpcConfig.subnetIds", /at least one subnet/],
    ["a subnet id that is not one", { vpcConfig: { subnetIds: ["subnet-xyz"], securityGroupIds: ["sg-0123abcd"] } }, "vpcConfig.subnetIds[0]", /subnet id/],
    ["an alert email that is not one", { errorNotificationEmail: "ops" }, "errorNotificationEmail", /email address/],
    [
      "an alert email with no topic",
      { errorNotificationEmail: "ops@flightdata-ops.net", createErrorNotificationTopic: false },
      "errorNotificationEmail",
      /needs createErrorNotificationTopic/,
    ],
    ["a gradual-deployment weight of 0", { gradualDeploymentWeight: 0 }, "gradualDeploymentWeight", /from 0.01 to 1/],
    [
      "an anonymous global schedule OpenSky would rate-limit",
      { ingestionScheduleExpression: "rate(5 minutes)" },
      "ingestionScheduleExpression",
      /288 anonymous OpenSky calls a day at 4 credit\(s\) each \(1152 credits\).*set opensky.clientId/,
    ],
    ["an unknown Parquet codec", { parquet: { codec: "lz4" } }, "parquet.codec", /snappy, gzip, zstd, uncompressed/],
    [
      "provisioned concurrency under gradual deployment",
      {
        enableLambdaVersioning: true,
        enableProvisionedConcurrency: true,
        enableGradualDeployment: true,
        lambdaConfig: { ingestion: { provisionedConcurrency: 2 } },
      },
      "lambdaConfig.ingestion.provisionedConcurrency",
      /cannot be combined with enableGradualDeployment: true\. A release is promoted in two steps .*Alias with weights can not be used with Provisioned Concurrency.*fails half-way/,
    ],
    [
      "a requiredSettings entry the project cannot ask for",
      { requiredSettings: ["logLevel"] },
      "requiredSettings[0]",
      /must be one of errorNotificationEmail, opensky.clientId/,
    ],
    ["a layer override that is no layer ARN", { lambdaInsightsLayerArn: "LambdaInsightsExtension:38" }, "lambdaInsightsLayerArn", /layer version ARN/],
    [
      "compaction memory beyond Lambda's maximum",
      { lambdaConfig: { compaction: { memorySize: 20480 } } },
      "lambdaConfig.compaction.memorySize",
      /from 128 to 10240 MB/,
    ],
    ["a compaction schedule EventBridge refuses", { compaction: { scheduleExpression: "cron(15 0 * * *)" } }, "compaction.scheduleExpression", /6 fields/],
    ["a lookback longer than a month", { compaction: { lookbackDays: 45 } }, "compaction.lookbackDays", /from 1 to 30 days/],
    ["row groups too small to read well", { compaction: { rowGroupSize: 500 } }, "compaction.rowGroupSize", /from 10000 to 10000000 rows/],
    [
      "per-snapshot files expiring before compaction has done with them",
      { dataLake: { processedExpirationDays: 5 } },
      "dataLake.processedExpirationDays",
      /more than compaction.lookbackDays \+ 1 \(8\)/,
    ],
    [
      "daily files moved to an unknown storage class",
      { dataLake: { compactedStorageClass: "GLACIER" } },
      "dataLake.compactedStorageClass",
      /STANDARD_IA, INTELLIGENT_TIERING, GLACIER_IR/,
    ],
    [
      "daily files expiring before their transition",
      { dataLake: { compactedTransitionDays: 90, compactedExpirationDays: 30 } },
      "dataLake.compactedExpirationDays",
      /later than dataLake.compactedTransitionDays \(90\)/,
    ],
    ["a catalog starting in the future", { catalog: { firstYear: 2999 } }, "catalog.firstYear", /must be an integer from 1970 to \d{4}/],
  ];
  for (const [what, raw, key, allowed] of cases) {
    it(`rejects ${what}, naming ${key}`, () => rejects(raw, key, allowed));
  }

  it("counts OpenSky credits by the area asked for and the schedule's rate", () => {
    expect(creditsPerCall(undefined)).to.equal(4);
    expect(creditsPerCall({ lamin: 45, lamax: 50, lomin: 5, lomax: 10 })).to.equal(1);
    expect(creditsPerCall({ lamin: 40, lamax: 50, lomin: 0, lomax: 10 })).to.equal(2);
    expect(callsPerDay("rate(5 minutes)")).to.equal(288);
    expect(callsPerDay("rate(1 hour)")).to.equal(24);
    expect(callsPerDay("cron(0/5 * * * ? *)")).to.equal(undefined);
    expect(problems({ opensky: { boundingBox: { lamin: 45, lamax: 50, lomin: 5, lomax: 10 } } })).to.deep.equal([]);
  });

  it("reports every problem at once, not only the first", () => {
    const found = problems({ enableScheduledIngestion: false, logRetentionDays: 8, lambdaRuntime: "python3.12", dataQualityConfig: { qualityThreshold: 2 } });
    expect(found).to.have.length(3);
  });

  it("never prints the OpenSky client secret", () => {
    const found = problems({ enableScheduledIngestion: false, openskyClientSecret: "s3cr3t-value", logRetentionDays: 8 });
    expect(found.join("\n")).to.not.contain("s3cr3t-value");
  });

  it("offers exactly the runtimes the policy pack allows, defaulting to the newest", () => {
    const allowed = (functionSupportedRuntime.configSchema?.properties?.allowedRuntimes as { default: string[] }).default;
    expect([...LAMBDA_RUNTIMES].sort()).to.deep.equal([...allowed].sort());
    expect(DEFAULT_LAMBDA_RUNTIME).to.equal("nodejs24.x");
  });

  describe("values that would deploy but never work", () => {
    const withTopic = (address: string) => problems({ enableScheduledIngestion: false, errorNotificationEmail: address });

    it("refuses alert addresses at names reserved never to receive mail, naming the command to set a real one", () => {
      for (const address of [
        "flight-data-alerts@example.com",
        "ops@alerts.example.org",
        "ops@EXAMPLE.NET",
        "team@corp.example",
        "a@b.invalid",
        "a@mail.test",
        "root@localhost",
        "ops@printer.local",
        "ops@intranet.internal",
        "ops@router.home.arpa",
      ]) {
        const [problem, ...rest] = withTopic(address);
        expect(rest, address).to.deep.equal([]);
        expect(problem, address).to.match(/^flight-data-pipeline:errorNotificationEmail = .*: uses .*reserved so that it never receives mail/);
        expect(problem).to.contain("set it with: pulumi config set errorNotificationEmail <address that receives the alarms>");
      }
      expect(withTopic("ops@[192.0.2.1]")[0]).to.match(/not an IP address/);
      expect(withTopic("ops@intranet")[0]).to.match(/registered domain/);
    });

    it("accepts addresses at ordinary domains, including ones that merely contain a reserved word", () => {
      for (const address of ["oncall@flightdata-ops.net", "alerts+prod@data.example-corp.com", "ops@testing.io", "a.b@sub.mail.co.uk"]) {
        expect(withTopic(address), address).to.deep.equal([]);
      }
    });

    const clientIdProblems = (clientId: string, stack = "prod") => {
      try {
        parseStackConfig({ opensky: { clientId }, openskyClientSecret: "s" }, { stack });
        return [];
      } catch (err) {
        if (err instanceof ConfigError) return err.problems;
        throw err;
      }
    };

    it("refuses OpenSky client ids that were made up, not issued by OpenSky", () => {
      const cases: [string, RegExp][] = [
        ["flight-data-pipeline-prod", /made only of this project's and stack's names/],
        ["flight-data-pipeline", /made only of this project's and stack's names/],
        ["prod-opensky-client", /made only of this project's and stack's names/],
        ["opensky-client-id", /made only of this project's and stack's names/],
        ["your-client-id", /placeholder word "your"/],
        ["my_opensky_client", /placeholder word "my"/],
        ["CHANGEME", /placeholder word "changeme"/],
        ["client-xxxx", /placeholder word "xxxx"/],
        ["<client id>", /looks like a template/],
        ["${OPENSKY_CLIENT_ID}", /looks like a template/],
        ["client...", /looks like a template/],
      ];
      for (const [clientId, why] of cases) {
        const [problem, ...rest] = clientIdProblems(clientId);
        expect(rest, clientId).to.deep.equal([]);
        expect(problem, clientId).to.match(why);
        expect(problem).to.contain("pulumi config set --path opensky.clientId <client id from your OpenSky account> --stack prod");
      }
    });

    it("accepts client ids that name someone's OpenSky account", () => {
      for (const clientId of ["jdoe-api-client", "avgeek42-api-client", "flightdata-ops", "prod-metrics-jdoe"]) {
        expect(clientIdProblems(clientId), clientId).to.deep.equal([]);
      }
      expect(clientIdProblems("flight-data-pipeline-prod", "staging")[0]).to.match(/made only of/);
      expect(clientIdProblems("staging-data-client", "staging")[0]).to.match(/made only of/);
    });

    it("keeps the committed prod stack from deploying until its user sets the alert address and the OpenSky client", () => {
      const project = parseYaml(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));
      const committed = parseYaml(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8")).config as Record<string, unknown>;
      const raw: Record<string, unknown> = {};
      for (const [key, declaration] of Object.entries<any>(project.config)) raw[key] = declaration.default;
      for (const [key, value] of Object.entries(committed)) {
        if (key.startsWith("flight-data-pipeline:")) raw[key.slice("flight-data-pipeline:".length)] = value;
      }
      let found: string[] = [];
      try {
        parseStackConfig(raw, { stack: "prod" });
      } catch (err) {
        found = (err as ConfigError).problems;
      }
      expect(found).to.have.length(2);
      expect(found[0]).to.equal(
        "flight-data-pipeline:errorNotificationEmail = undefined: is required on this stack (requiredSettings) and not set; " +
          "set it with: pulumi config set errorNotificationEmail <address that receives the alarms> --stack prod",
      );
      expect(found[1]).to.contain("flight-data-pipeline:opensky.clientId = undefined: is required on this stack");
      expect(found[1]).to.contain(
        "pulumi config set --path opensky.clientId <client id from your OpenSky account> --stack prod && pulumi config set --secret openskyClientSecret --stack prod",
      );
      const mocked = {
        ...raw,
        errorNotificationEmail: MOCKED_REQUIRED_SETTINGS.errorNotificationEmail,
        opensky: { clientId: MOCKED_REQUIRED_SETTINGS["opensky.clientId"] },
        openskyClientSecret: "s",
      };
      expect(parseStackConfig(mocked, { stack: "prod" }).opensky.clientId).to.equal(MOCKED_REQUIRED_SETTINGS["opensky.clientId"]);
    });
  });

  it("checks schedule expressions the way EventBridge does", () => {
    expect(scheduleExpressionProblem("rate(1 minute)")).to.equal(undefined);
    expect(scheduleExpressionProblem("rate(1 minutes)")).to.match(/rate\(1 minute\)/);
    expect(scheduleExpressionProblem("rate(2 hours)")).to.equal(undefined);
    expect(scheduleExpressionProblem("cron(0/5 * * * ? *)")).to.equal(undefined);
  });

  it("declares in Pulumi.yaml the same defaults the loader applies", () => {
    const project = parseYaml(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));
    const withCredentials = { opensky: { clientId: "jdoe-api-client" }, openskyClientSecret: "secret" };
    const defaults = parseStackConfig(withCredentials) as unknown as Record<string, unknown>;
    const declared = Object.entries<any>(project.config);
    expect(declared.length).to.be.greaterThan(10);
    for (const [key, declaration] of declared) {
      expect(defaults[key], `Pulumi.yaml default of ${key}`).to.equal(declaration.default);
    }
  });

  for (const stack of ["dev", "prod"]) {
    it(`accepts Pulumi.${stack}.yaml as the CLI passes it`, () => {
      const { config } = stackConfiguration(stack);
      const raw: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(config)) {
        if (key.startsWith("flight-data-pipeline:")) raw[key.slice("flight-data-pipeline:".length)] = value;
      }
      const parsed = parseStackConfig(raw);
      if (stack === "prod") {
        expect(parsed.enableLambdaVersioning).to.equal(true);
        expect(parsed.enableGradualDeployment).to.equal(true);
        expect(parsed.enableProvisionedConcurrency).to.equal(false);
        expect(parsed.errorNotificationEmail).to.equal(MOCKED_REQUIRED_SETTINGS.errorNotificationEmail);
        expect(parsed.opensky.clientId).to.equal(MOCKED_REQUIRED_SETTINGS["opensky.clientId"]);
      } else {
        expect(parsed.enableProvisionedConcurrency).to.equal(false);
        expect(parsed.enableGradualDeployment).to.equal(false);
        expect(parsed.logRetentionDays).to.be.at.most(14);
      }
    });
  }
});
