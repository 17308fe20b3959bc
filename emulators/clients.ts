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

const common = (endpoint: string) => ({
  endpoint,
  region: EMULATOR_REGION,
  credentials: EMULATOR_CREDENTIALS,
  // One attempt: a failing emulator call should fail the test at once, not after SDK backoff.
  maxAttempts: 1,
});

/**
 * Path-style addressing, since `<bucket>.127.0.0.1` does not resolve. Checksums only where S3
 * requires them: for a streamed body the SDK's default sends a CRC32 trailer in aws-chunked
 * framing, and s3rver stores that framing as part of the object (checked: "6\r\nhello \r\n…").
 */
export const s3ClientFor = (endpoint: string): S3Client =>
  new S3Client({ ...common(endpoint), forcePathStyle: true, requestChecksumCalculation: "WHEN_REQUIRED" });

export const dynamoDbClientFor = (endpoint: string): DynamoDBClient => new DynamoDBClient(common(endpoint));
export const snsClientFor = (endpoint: string): SNSClient => new SNSClient(common(endpoint));
export const sqsClientFor = (endpoint: string): SQSClient => new SQSClient(common(endpoint));
export const cloudWatchClientFor = (endpoint: string): CloudWatchClient => new CloudWatchClient(common(endpoint));
export const secretsManagerClientFor = (endpoint: string): SecretsManagerClient =>
  new SecretsManagerClient(common(endpoint));
