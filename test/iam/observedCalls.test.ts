/**
 * How a request seen by the fault proxy becomes the authorizations AWS would make: the action, the
 * stack's ARN, the condition context, and what S3, SQS, SNS and DynamoDB ask KMS for on the
 * caller's behalf. A request without a rule is an error, not a silent gap.
 */
import { expect } from "chai";
import { gzipSync } from "zlib";
import type { ProxiedExchange, ProxiedService } from "../../emulators";
import { callsOfExchange, type LocalNames, UnmodelledCallError } from "../../tools/iam/observedCalls";
import type { FunctionAccess, StackAccess } from "../../tools/iam/stackAccess";

const ACCOUNT = "123456789012";
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/k1`;
const BUCKET = "lake-raw";
const TABLE = { name: "executions", arn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/executions`, hashKey: "snapshotId" };
const QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:processing-dlq`;

const fn: FunctionAccess = {
  stage: "processing",
  functionName: "processing",
  functionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:processing`,
  roleName: "processing-role",
  principal: {
    roleArn: `arn:aws:iam::${ACCOUNT}:role/processing-role`,
    sessionArn: `arn:aws:sts::${ACCOUNT}:assumed-role/processing-role/processing`,
    account: ACCOUNT,
  },
  identity: [],
  logGroup: "/aws/lambda/processing",
  tracing: true,
  layers: [],
  inVpc: false,
};
const access: StackAccess = {
  stack: "test",
  region: "us-east-1",
  account: ACCOUNT,
  functions: { ingestion: fn, processing: fn, validation: fn, compaction: fn },
  resourcePolicies: new Map(),
  keys: new Map(),
  encryption: new Map([
    [`arn:aws:s3:::${BUCKET}`, { keyArn: KEY, bucketKey: true }],
    [TABLE.arn, { keyArn: KEY }],
    [QUEUE_ARN, { keyArn: KEY }],
  ]),
  buckets: new Map([[BUCKET, `arn:aws:s3:::${BUCKET}`]]),
  tables: [TABLE],
  queues: [{ name: "processing-dlq", arn: QUEUE_ARN }],
  topics: [],
  secrets: [],
};
const names: LocalNames = { queueArnOfUrl: (url) => (url.endsWith("/processing-dlq") ? QUEUE_ARN : undefined), declaredArnOf: () => undefined };

function exchange(operation: string, url: string, status: number, body: Buffer | string = "", headers: Record<string, string> = {}): ProxiedExchange {
  return { request: { operation, method: "POST", url, headers, body: Buffer.from(body) }, accessKeyId: "ASIA", status };
}
const calls = (service: ProxiedService, sent: ProxiedExchange) =>
  callsOfExchange(service, sent, fn, access, names).map((call) => ({
    origin: call.origin,
    action: call.request.action,
    resource: call.request.resource,
    context: call.request.context,
  }));

describe("observed calls (tools/iam/observedCalls.ts)", () => {
  it("adds the data key S3 asks KMS for on a put, with the bucket's ARN as context under a bucket key", () => {
    const [put, kms] = calls("s3", exchange("PutObject", `/${BUCKET}/raw/year%3D2026/states_1.json`, 200));
    expect(put).to.deep.include({ origin: "call", action: "s3:PutObject", resource: `arn:aws:s3:::${BUCKET}/raw/year=2026/states_1.json` });
    expect(put?.context).to.include({ "aws:securetransport": "true", "aws:principalarn": fn.principal.roleArn });
    expect(kms).to.deep.include({ origin: "on-behalf", action: "kms:GenerateDataKey", resource: KEY });
    expect(kms?.context).to.include({ "kms:viaservice": "s3.us-east-1.amazonaws.com", "kms:encryptioncontext:aws:s3:arn": `arn:aws:s3:::${BUCKET}` });
  });

  it("turns a 404 on HeadObject into the ListBucket check S3 makes, with the key as s3:prefix, and asks KMS nothing", () => {
    const found = calls("s3", exchange("HeadObject", `/${BUCKET}/quarantine/x.jsonl`, 404));
    expect(found.map((call) => [call.origin, call.action])).to.deep.equal([
      ["call", "s3:GetObject"],
      ["implied", "s3:ListBucket"],
    ]);
    expect(found[1]?.context["s3:prefix"]).to.equal("quarantine/x.jsonl");
    expect(calls("s3", exchange("GetObject", `/${BUCKET}/raw/a.json`, 200)).map((call) => call.action)).to.deep.equal(["s3:GetObject", "kms:Decrypt"]);
  });

  it("reads DynamoDB's partition key as dynamodb:LeadingKeys, and the table key's decryption for the caller", () => {
    const body = JSON.stringify({ TableName: TABLE.name, Key: { snapshotId: { S: "circuit-breaker" }, stage: { S: "validation" } } });
    const [item, kms] = calls("dynamodb", exchange("GetItem", "/", 200, body));
    expect(item).to.deep.include({ action: "dynamodb:GetItem", resource: TABLE.arn });
    expect(item?.context["dynamodb:leadingkeys"]).to.deep.equal(["circuit-breaker"]);
    expect(kms?.context).to.include({ "kms:viaservice": "dynamodb.us-east-1.amazonaws.com", "kms:encryptioncontext:aws:dynamodb:tablename": TABLE.name });
  });

  it("reads a gzipped PutMetricData's namespace, and maps an SQS send to its queue with both KMS calls", () => {
    const metrics = gzipSync(JSON.stringify({ Namespace: "FlightDataPipeline", MetricData: [] }));
    const [put] = calls(
      "cloudwatch",
      exchange("PutMetricData", "/", 200, metrics, { "content-encoding": "gzip", "content-type": "application/x-amz-json-1.0" }),
    );
    expect(put).to.deep.include({ action: "cloudwatch:PutMetricData", resource: "*" });
    expect(put?.context["cloudwatch:namespace"]).to.equal("FlightDataPipeline");
    const send = calls(
      "snsSqs",
      exchange("SendMessage", "/", 200, JSON.stringify({ QueueUrl: "http://127.0.0.1:1/000000000000/processing-dlq", MessageBody: "{}" })),
    );
    expect(send.map((call) => `${call.action} ${call.resource}`)).to.deep.equal([
      `sqs:SendMessage ${QUEUE_ARN}`,
      `kms:GenerateDataKey ${KEY}`,
      `kms:Decrypt ${KEY}`,
    ]);
  });

  it("refuses a request it has no rule for, and resources the stack does not declare", () => {
    expect(() => calls("s3", exchange("DeleteObject", `/${BUCKET}/raw/a.json`, 204))).to.throw(
      UnmodelledCallError,
      /DeleteObject: tools\/iam\/observedCalls.ts has no rule/,
    );
    expect(() => calls("dynamodb", exchange("Scan", "/", 200, JSON.stringify({ TableName: TABLE.name })))).to.throw(UnmodelledCallError, /Scan/);
    expect(() => calls("s3", exchange("PutObject", "/someone-elses-bucket/a", 200))).to.throw(UnmodelledCallError, /does not declare/);
  });
});
