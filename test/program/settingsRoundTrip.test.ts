/**
 * The settings contract end to end: each stage's environment, as the program writes it under
 * mocks, read back by that stage's handler reader, holds exactly what the stack configuration
 * says. Run for dev, prod and a stack that sets every setting a handler reads to something other
 * than its default, so a writer and a reader that disagree on a name, a format or a default fail here.
 */
import { expect } from "chai";
import { STAGES, type StageName } from "../../contract/dataLayout";
import { allSettings, STACK_SETTINGS } from "../../contract/settings";
import { CONFIG_NAMESPACE, parseStackConfig, type StackConfig } from "../../config/stackConfig";
import { LAMBDA_MEMORY_VARIABLE, readCompactionSettings } from "../../handlers/compaction/compactionSettings";
import { readIngestionSettings, readProcessingSettings, readValidationSettings } from "../../handlers/shared/settings";
import { buildMockedProgram, stackConfiguration } from "../../mocked-program/mockedProgram";
import { ProgramQueries } from "../support/programQueries";

/** Every setting that reaches a handler, none at its default (dev's stack file underneath). */
const EVERY_SETTING_CHANGED: Record<string, unknown> = {
  logLevel: "WARN",
  trackingTtlDays: 45,
  enableXrayInstrumentation: false,
  createErrorNotificationTopic: false,
  opensky: {
    apiUrl: "https://opensky.flightdata-ops.net/api/",
    tokenUrl: "https://auth.flightdata-ops.net/token",
    boundingBox: { lamin: 45.8, lomin: 5.9, lamax: 47.8, lomax: 10.5 },
    extended: true,
    requestTimeoutMs: 15000,
  },
  parquet: { codec: "gzip", gzipLevel: 9, rowGroupSize: 50000 },
  dataQualityConfig: { qualityThreshold: 0.9, minCompletenessScore: 0.75, maxErrorRate: 0.01, strictMode: true, circuitBreakerThreshold: 5 },
  compaction: { lookbackDays: 3, rowGroupSize: 500000 },
};

const CASES: { title: string; stack: string; overrides?: Record<string, unknown> }[] = [
  { title: "dev", stack: "dev" },
  { title: "prod", stack: "prod" },
  { title: "every handler setting changed", stack: "dev", overrides: EVERY_SETTING_CHANGED },
];

/** The stack configuration as the program parses it from what the CLI passes. */
function parsedConfig(stack: string, overrides: Record<string, unknown> = {}): StackConfig {
  const prefix = `${CONFIG_NAMESPACE}:`;
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stackConfiguration(stack, undefined, overrides).config)) {
    if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = value;
  }
  return parseStackConfig(raw, { stack });
}

/** What each stage's reader must return: the stack's values, and the names of the resources the program made. */
function expectedSettings(stack: string, c: StackConfig, q: ProgramQueries): Record<StageName, object> {
  const rawBucket = q.one("aws:s3/bucket:Bucket", "lake-raw").state.bucket;
  const processedBucket = q.one("aws:s3/bucket:Bucket", "lake-processed").state.bucket;
  const common = {
    environment: stack,
    logLevel: c.logLevel,
    trackingTable: q.one("aws:dynamodb/table:Table").state.name,
    trackingTtlDays: c.trackingTtlDays,
    tracing: c.enableXrayTracing && c.enableXrayInstrumentation,
  };
  const ingestion: Record<string, unknown> = {
    ...common,
    rawBucket,
    openskyApiUrl: c.opensky.apiUrl,
    openskyTokenUrl: c.opensky.tokenUrl,
    extended: c.opensky.extended,
    requestTimeoutMs: c.opensky.requestTimeoutMs,
  };
  if (c.opensky.clientId !== undefined) ingestion.openskyCredentialsSecretArn = q.one("aws:secretsmanager/secret:Secret").state.arn;
  if (c.opensky.boundingBox !== undefined) ingestion.boundingBox = c.opensky.boundingBox;
  return {
    ingestion,
    processing: {
      ...common,
      rawBucket,
      processedBucket,
      parquetCodec: c.parquet.codec,
      parquetGzipLevel: c.parquet.gzipLevel,
      parquetRowGroupSize: c.parquet.rowGroupSize,
    },
    validation: {
      ...common,
      processedBucket,
      alertTopicArn: c.createErrorNotificationTopic ? q.one("aws:sns/topic:Topic").state.arn : undefined,
      ...c.dataQuality,
    },
    compaction: {
      ...common,
      processedBucket,
      lookbackDays: c.compaction.lookbackDays,
      rowGroupSize: c.compaction.rowGroupSize,
      parquetCodec: c.parquet.codec,
      parquetGzipLevel: c.parquet.gzipLevel,
      memorySizeMb: c.lambda.compaction.memorySize,
    },
  };
}

const READERS: Record<StageName, (env: Record<string, string>) => object> = {
  ingestion: readIngestionSettings,
  processing: readProcessingSettings,
  validation: readValidationSettings,
  compaction: readCompactionSettings,
};

describe("settings round trip: stack configuration → each stage's environment → its handler's settings", function () {
  it("sets every handler setting of the changed stack to something other than its default", () => {
    const c = parsedConfig("dev", EVERY_SETTING_CHANGED);
    const s = STACK_SETTINGS;
    const pairs: [unknown, unknown][] = [
      [c.logLevel, s.logLevel.defaultValue],
      [c.trackingTtlDays, s.trackingTtlDays.defaultValue],
      [c.enableXrayInstrumentation, s.enableXrayInstrumentation.defaultValue],
      [c.opensky.apiUrl, s.openskyApiUrl.defaultValue],
      [c.opensky.tokenUrl, s.openskyTokenUrl.defaultValue],
      [c.opensky.extended, s.openskyExtended.defaultValue],
      [c.opensky.requestTimeoutMs, s.openskyRequestTimeoutMs.defaultValue],
      [c.parquet.codec, s.parquetCodec.defaultValue],
      [c.parquet.gzipLevel, s.parquetGzipLevel.defaultValue],
      [c.parquet.rowGroupSize, s.parquetRowGroupSize.defaultValue],
      [c.dataQuality.qualityThreshold, s.qualityThreshold.defaultValue],
      [c.dataQuality.minCompletenessScore, s.minCompletenessScore.defaultValue],
      [c.dataQuality.maxErrorRate, s.maxErrorRate.defaultValue],
      [c.dataQuality.strictMode, s.strictMode.defaultValue],
      [c.dataQuality.circuitBreakerThreshold, s.circuitBreakerThreshold.defaultValue],
      [c.compaction.lookbackDays, s.compactionLookbackDays.defaultValue],
      [c.compaction.rowGroupSize, s.compactionRowGroupSize.defaultValue],
    ];
    for (const [value, fallback] of pairs) expect(value).to.not.equal(fallback);
  });

  for (const { title, stack, overrides } of CASES) {
    it(`reads back every stage's settings of ${title}`, async () => {
      const config = parsedConfig(stack, overrides);
      const q = new ProgramQueries(await buildMockedProgram({ stack, config: overrides }));
      const expected = expectedSettings(stack, config, q);
      const defined = allSettings().flatMap((setting) => (setting.env === undefined ? [] : [setting.env]));
      for (const stage of STAGES) {
        const fn = q.fn(stage).inputs;
        const programSet = Object.keys(fn.environment.variables).filter((name) => !(name in config.lambda[stage].environmentVariables));
        expect(defined, `${stage}'s variables are all in the contract`).to.include.members(programSet);
        // Lambda adds the function's memory to the environment itself; compaction sizes its budget from it.
        const env = { ...fn.environment.variables, [LAMBDA_MEMORY_VARIABLE]: String(fn.memorySize) };
        expect(READERS[stage](env), stage).to.deep.equal(expected[stage]);
      }
    });
  }
});
