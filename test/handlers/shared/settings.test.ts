import { expect } from "chai";
import { readCommonSettings, readIngestionSettings, readProcessingSettings, readValidationSettings } from "../../../handlers/shared/settings";

const common = { PIPELINE_ENVIRONMENT: "dev", TRACKING_TABLE: "tracking" };

describe("handler settings from environment variables", () => {
  it("reads the common settings with their defaults", () => {
    expect(readCommonSettings(common)).to.deep.equal({
      environment: "dev",
      logLevel: "INFO",
      trackingTable: "tracking",
      trackingTtlDays: 30,
      tracing: false,
    });
    expect(readCommonSettings({ ...common, LOG_LEVEL: "debug", TRACKING_TTL_DAYS: "7", TRACING_INSTRUMENTATION: "true" })).to.include({
      logLevel: "DEBUG",
      trackingTtlDays: 7,
      tracing: true,
    });
    expect(() => readCommonSettings({ ...common, TRACING_INSTRUMENTATION: "yes" })).to.throw(
      'TRACING_INSTRUMENTATION="yes" is not allowed: it must be true or false',
    );
  });

  it("reads ingestion settings: anonymous and global unless configured", () => {
    const settings = readIngestionSettings({ ...common, RAW_BUCKET: "raw" });
    expect(settings).to.include({
      rawBucket: "raw",
      openskyApiUrl: "https://opensky-network.org/api",
      extended: false,
      // The stack's default (opensky.requestTimeoutMs): one definition serves both sides.
      requestTimeoutMs: 10000,
    });
    expect(settings.openskyCredentialsSecretArn).to.equal(undefined);
    expect(settings.boundingBox).to.equal(undefined);

    const configured = readIngestionSettings({
      ...common,
      RAW_BUCKET: "raw",
      OPENSKY_API_URL: "http://127.0.0.1:9/api/",
      OPENSKY_CREDENTIALS_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:1:secret:x",
      OPENSKY_BOUNDING_BOX: "45.8, 5.9, 47.8, 10.5",
      OPENSKY_EXTENDED: "TRUE",
      OPENSKY_REQUEST_TIMEOUT_MS: "5000",
    });
    expect(configured).to.deep.include({
      openskyApiUrl: "http://127.0.0.1:9/api",
      openskyCredentialsSecretArn: "arn:aws:secretsmanager:us-east-1:1:secret:x",
      boundingBox: { lamin: 45.8, lomin: 5.9, lamax: 47.8, lomax: 10.5 },
      extended: true,
      requestTimeoutMs: 5000,
    });
  });

  it("reads processing and validation settings with the design's defaults", () => {
    expect(readProcessingSettings({ ...common, RAW_BUCKET: "r", PROCESSED_BUCKET: "p", PARQUET_CODEC: "GZIP" })).to.include({
      parquetCodec: "gzip",
      parquetGzipLevel: 6,
    });
    expect(readValidationSettings({ ...common, PROCESSED_BUCKET: "p", ALERT_TOPIC_ARN: "arn:t", STRICT_MODE: "true" })).to.include({
      qualityThreshold: 0.8,
      minCompletenessScore: 0.7,
      maxErrorRate: 0.05,
      strictMode: true,
    });
  });

  const failures: [string, Record<string, string>, RegExp][] = [
    ["a missing stack name", { TRACKING_TABLE: "t" }, /^PIPELINE_ENVIRONMENT is not set: it must hold the stack name/],
    ["a blank table name", { ...common, TRACKING_TABLE: "  " }, /^TRACKING_TABLE is not set/],
    ["an unknown log level", { ...common, LOG_LEVEL: "verbose" }, /^LOG_LEVEL="verbose" is not allowed: it must be one of DEBUG, INFO, WARN, ERROR$/],
    ["a TTL of zero", { ...common, TRACKING_TTL_DAYS: "0" }, /^TRACKING_TTL_DAYS="0" is not allowed: it must be an integer from 1 to 3650$/],
    ["a fractional TTL", { ...common, TRACKING_TTL_DAYS: "1.5" }, /^TRACKING_TTL_DAYS="1.5" is not allowed/],
    ["a missing raw bucket", { ...common }, /^RAW_BUCKET is not set: it must hold the raw bucket's name$/],
    [
      "a box with three numbers",
      { ...common, RAW_BUCKET: "r", OPENSKY_BOUNDING_BOX: "1,2,3" },
      /^OPENSKY_BOUNDING_BOX="1,2,3" is not allowed: it must be four comma-separated numbers/,
    ],
    ["an upside-down box", { ...common, RAW_BUCKET: "r", OPENSKY_BOUNDING_BOX: "50,5,40,10" }, /^OPENSKY_BOUNDING_BOX="50,5,40,10" is not allowed/],
    ["a yes/no flag", { ...common, RAW_BUCKET: "r", OPENSKY_EXTENDED: "yes" }, /^OPENSKY_EXTENDED="yes" is not allowed: it must be true or false$/],
    [
      "a URL without a scheme",
      { ...common, RAW_BUCKET: "r", OPENSKY_API_URL: "opensky-network.org/api" },
      /^OPENSKY_API_URL="opensky-network.org\/api" is not allowed: it must be an absolute https:\/\/ URL \(http:\/\/ only on 127.0.0.1, localhost or \[::1\]\)$/,
    ],
    [
      "plain http to a remote host",
      { ...common, RAW_BUCKET: "r", OPENSKY_API_URL: "http://opensky-network.org/api" },
      /^OPENSKY_API_URL="http:\/\/opensky-network.org\/api" is not allowed/,
    ],
    [
      "a timeout beyond the stack's limit",
      { ...common, RAW_BUCKET: "r", OPENSKY_REQUEST_TIMEOUT_MS: "60001" },
      /^OPENSKY_REQUEST_TIMEOUT_MS="60001" is not allowed: it must be an integer from 100 to 60000$/,
    ],
    ["a timeout in seconds", { ...common, RAW_BUCKET: "r", OPENSKY_REQUEST_TIMEOUT_MS: "20s" }, /^OPENSKY_REQUEST_TIMEOUT_MS="20s" is not allowed/],
  ];
  for (const [what, env, message] of failures) {
    it(`names the variable, the value and what is allowed for ${what}`, () => {
      expect(() => readIngestionSettings(env)).to.throw(message);
    });
  }

  it("rejects an unknown Parquet codec and thresholds outside [0, 1]", () => {
    expect(() => readProcessingSettings({ ...common, RAW_BUCKET: "r", PROCESSED_BUCKET: "p", PARQUET_CODEC: "lz4" })).to.throw(
      /^PARQUET_CODEC="lz4" is not allowed: it must be one of snappy, gzip, zstd, uncompressed$/,
    );
    expect(() => readValidationSettings({ ...common, PROCESSED_BUCKET: "p", ALERT_TOPIC_ARN: "a", QUALITY_THRESHOLD: "80" })).to.throw(
      /^QUALITY_THRESHOLD="80" is not allowed: it must be a number from 0 to 1$/,
    );
  });
});
