/**
 * Real AWS SDK v3 clients pointed at the emulators. The same credentials work for every emulator:
 * s3rver checks SigV4 signatures against its one built-in key pair, the others accept any.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";

export const EMULATOR_REGION = "us-east-1";
export const EMULATOR_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

/**
 * How a client talks to a stand-in. By default one attempt: a failing emulator call should fail
 * the test at once, not after SDK backoff. Fault-injection tests give handlers the options Lambda's
 * clients have (retries, timeouts), since what the SDK does with a fault is part of what they test.
 */
export type ClientOverrides = Record<string, unknown>;

const common = (endpoint: string, overrides: ClientOverrides = {}) => ({
  endpoint,
  region: EMULATOR_REGION,
  credentials: EMULATOR_CREDENTIALS,
  maxAttempts: 1,
  ...overrides,
});

/**
 * Path-style addressing, since `<bucket>.127.0.0.1` does not resolve. Checksums only where S3
 * requires them: for a streamed body the SDK's default sends a CRC32 trailer in aws-chunked
 * framing, and s3rver stores that framing as part of the object (checked: "6\r\nhello \r\n…").
 */
export const s3ClientFor = (endpoint: string, overrides?: ClientOverrides): S3Client =>
  new S3Client({ ...common(endpoint, overrides), forcePathStyle: true, requestChecksumCalculation: "WHEN_REQUIRED" });

export const dynamoDbClientFor = (endpoint: string, overrides?: ClientOverrides): DynamoDBClient => new DynamoDBClient(common(endpoint, overrides));
export const snsClientFor = (endpoint: string, overrides?: ClientOverrides): SNSClient => new SNSClient(common(endpoint, overrides));
export const sqsClientFor = (endpoint: string, overrides?: ClientOverrides): SQSClient => new SQSClient(common(endpoint, overrides));
export const cloudWatchClientFor = (endpoint: string, overrides?: ClientOverrides): CloudWatchClient => new CloudWatchClient(common(endpoint, overrides));
export const secretsManagerClientFor = (endpoint: string, overrides?: ClientOverrides): SecretsManagerClient =>
  new SecretsManagerClient(common(endpoint, overrides));
