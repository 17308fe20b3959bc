/**
 * What IAM authorizes for each request a function made in the local run: the action, the
 * resource's ARN in the stack (the stand-ins' own names translated back), and the request context
 * a policy condition can test. Plus what AWS authorizes against the caller without the caller
 * asking for it:
 *
 * - S3 with SSE-KMS: PutObject needs kms:GenerateDataKey, GetObject kms:Decrypt, S3 asking KMS
 *   with the caller's permissions (HeadObject needs no key). With a bucket key the encryption
 *   context is the bucket's ARN, else the object's. (S3 User Guide, "Using server-side encryption
 *   with AWS KMS keys", "Encryption context".)
 * - S3 HeadObject/GetObject of a missing key: S3 answers 404 only if the caller also has
 *   s3:ListBucket on the bucket (the key standing in for s3:prefix), else 403 AccessDenied.
 *   (S3 API Reference, HeadObject and GetObject "Permissions".)
 * - SQS SendMessage to a CMK queue: kms:GenerateDataKey and kms:Decrypt. (SQS Developer Guide,
 *   "Configure KMS permissions for producers".)
 * - SNS Publish to a CMK topic: kms:GenerateDataKey and kms:Decrypt. (SNS Developer Guide, key
 *   management.)
 * - DynamoDB on a CMK table: kms:Decrypt of the table key for the principal accessing the table,
 *   context aws:dynamodb:tableName and aws:dynamodb:subscriberId. (KMS Developer Guide, "How
 *   Amazon DynamoDB uses AWS KMS".) DynamoDB caches the table key for minutes, so in AWS few
 *   requests reach KMS; the permission is the same.
 * - Secrets Manager GetSecretValue of a CMK secret: kms:Decrypt, context SecretARN. (Secrets
 *   Manager User Guide, "Secret encryption and decryption".)
 *
 * Every KMS request made by a service carries kms:ViaService `<service>.<region>.amazonaws.com`
 * (KMS Developer Guide, "kms:ViaService"). A request the model has no rule for is an error, so a
 * handler that starts calling something new is noticed here first.
 */
import { gunzipSync } from "zlib";
import type { StageName } from "../../contract/dataLayout";
import type { ProxiedExchange, ProxiedService } from "../../emulators";
import { FAILURE_DESTINATION_USER_AGENT } from "../../local/pipeline/localPipeline";
import type { RequestContext } from "./conditionOperators";
import type { AuthorizationRequest } from "./evaluate";
import type { FunctionAccess, StackAccess } from "./stackAccess";

export type CallOrigin =
  /** The function's own request. */
  | "call"
  /** A request an AWS service makes with the caller's permissions (S3 or SQS asking KMS). */
  | "on-behalf"
  /** Not a request: a permission the service checks to decide its answer (ListBucket for 404 vs 403). */
  | "implied"
  /** The Lambda service working for the function with its role: environment, logs, failure destination. */
  | "platform";

export interface ObservedCall {
  stage: StageName;
  /** What led to it, e.g. "S3 PutObject", "S3 PutObject → KMS", "Lambda cold start". */
  operation: string;
  origin: CallOrigin;
  request: AuthorizationRequest;
}

/** Declared ARNs of what the stand-ins name differently: their queue URLs, topic and secret ARNs. */
export interface LocalNames {
  queueArnOfUrl(url: string): string | undefined;
  /** A topic or secret ARN (or secret name) as the stand-in knows it → the ARN the stack declares. */
  declaredArnOf(localArnOrName: string): string | undefined;
}

export class UnmodelledCallError extends Error {}

/** The condition keys every request of a Lambda function's role carries. */
export function baseContext(access: StackAccess, fn: FunctionAccess): Record<string, string | string[]> {
  return {
    // The functions call AWS over HTTPS; plain HTTP to the stand-ins is an artefact of the local run.
    "aws:securetransport": "true",
    "aws:principalarn": fn.principal.roleArn,
    "aws:principalaccount": access.account,
    "aws:principaltype": "AssumedRole",
    "aws:requestedregion": access.region,
  };
}

export function viaService(access: StackAccess, service: string): string {
  // KMS names services with the amazonaws.com suffix in every partition.
  return `${service}.${access.region}.amazonaws.com`;
}

/** A KMS request a service makes for the caller, with the condition keys it carries. */
export function kmsOnBehalf(
  access: StackAccess,
  fn: FunctionAccess,
  action: "kms:Decrypt" | "kms:GenerateDataKey",
  keyArn: string,
  service: string,
  encryptionContext: Record<string, string>,
  operation: string,
  origin: CallOrigin = "on-behalf",
): ObservedCall {
  const context: Record<string, string | string[]> = {
    ...baseContext(access, fn),
    "kms:viaservice": viaService(access, service),
    "kms:calleraccount": access.account,
    "kms:encryptioncontextkeys": Object.keys(encryptionContext),
  };
  for (const [key, value] of Object.entries(encryptionContext)) context[`kms:encryptioncontext:${key}`.toLowerCase()] = value;
  return { stage: fn.stage, operation, origin, request: { principal: fn.principal, action, resource: keyArn, context } };
}

function jsonBody(exchange: ProxiedExchange): Record<string, any> {
  const { headers, body } = exchange.request;
  const raw = String(headers["content-encoding"] ?? "").includes("gzip") ? gunzipSync(body) : body;
  return raw.length === 0 ? {} : (JSON.parse(raw.toString("utf8")) as Record<string, any>);
}

/** Query-protocol (form) or JSON-protocol body, whichever the SDK sent. */
function parameters(exchange: ProxiedExchange): Record<string, any> {
  const contentType = String(exchange.request.headers["content-type"] ?? "");
  if (contentType.startsWith("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(exchange.request.body.toString("utf8")));
  return jsonBody(exchange);
}

const ok = (exchange: ProxiedExchange) => exchange.status !== undefined && exchange.status >= 200 && exchange.status < 300;

function s3Calls(access: StackAccess, fn: FunctionAccess, exchange: ProxiedExchange): ObservedCall[] {
  const { operation, url } = exchange.request;
  const parsed = new URL(url, "http://127.0.0.1");
  const match = /^\/([^/]+)(?:\/(.*))?$/.exec(parsed.pathname);
  if (!match) throw new UnmodelledCallError(`S3 ${operation} ${url}: not a path-style request`);
  const bucket = decodeURIComponent(match[1] as string);
  const key = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
  const bucketArn = access.buckets.get(bucket);
  if (bucketArn === undefined) throw new UnmodelledCallError(`S3 ${operation} on bucket ${bucket}, which the stack does not declare`);
  const context = baseContext(access, fn);
  const call = (action: string, resource: string, extra: RequestContext = {}, origin: CallOrigin = "call", label = `S3 ${operation}`): ObservedCall => ({
    stage: fn.stage,
    operation: label,
    origin,
    request: { principal: fn.principal, action, resource, context: { ...context, ...extra } },
  });
  const encryption = access.encryption.get(bucketArn);
  const kms = (action: "kms:Decrypt" | "kms:GenerateDataKey", objectArn: string) =>
    encryption === undefined
      ? []
      : [kmsOnBehalf(access, fn, action, encryption.keyArn, "s3", { "aws:s3:arn": encryption.bucketKey ? bucketArn : objectArn }, `S3 ${operation} → KMS`)];

  switch (operation) {
    case "GetObject":
    case "HeadObject":
    case "PutObject": {
      if (key === undefined) throw new UnmodelledCallError(`S3 ${operation} without a key`);
      const objectArn = `${bucketArn}/${key}`;
      const calls = [call(operation === "PutObject" ? "s3:PutObject" : "s3:GetObject", objectArn)];
      if (operation === "PutObject" && ok(exchange)) calls.push(...kms("kms:GenerateDataKey", objectArn));
      if (operation === "GetObject" && ok(exchange)) calls.push(...kms("kms:Decrypt", objectArn));
      if (operation !== "PutObject" && exchange.status === 404) {
        calls.push(call("s3:ListBucket", bucketArn, { "s3:prefix": key }, "implied", `S3 ${operation} of a missing key (404 rather than 403)`));
      }
      return calls;
    }
    case "ListObjectsV2":
    case "ListObjects": {
      const prefix = parsed.searchParams.get("prefix");
      return [call("s3:ListBucket", bucketArn, prefix === null ? {} : { "s3:prefix": prefix })];
    }
    default:
      throw new UnmodelledCallError(`S3 ${operation}: tools/iam/observedCalls.ts has no rule for it`);
  }
}

function dynamoDbCalls(access: StackAccess, fn: FunctionAccess, exchange: ProxiedExchange): ObservedCall[] {
  const { operation } = exchange.request;
  if (!["GetItem", "PutItem", "UpdateItem", "DeleteItem"].includes(operation)) {
    throw new UnmodelledCallError(`DynamoDB ${operation}: tools/iam/observedCalls.ts has no rule for it`);
  }
  const body = jsonBody(exchange);
  const table = access.tables.find((candidate) => candidate.name === body.TableName);
  if (table === undefined) throw new UnmodelledCallError(`DynamoDB ${operation} on table ${body.TableName}, which the stack does not declare`);
  const item = (operation === "PutItem" ? body.Item : body.Key) as Record<string, Record<string, string>> | undefined;
  const partition = item?.[table.hashKey];
  const leadingKey = partition?.S ?? partition?.N;
  if (leadingKey === undefined) throw new UnmodelledCallError(`DynamoDB ${operation} without the partition key ${table.hashKey}`);
  const calls: ObservedCall[] = [
    {
      stage: fn.stage,
      operation: `DynamoDB ${operation}`,
      origin: "call",
      request: {
        principal: fn.principal,
        action: `dynamodb:${operation}`,
        resource: table.arn,
        context: { ...baseContext(access, fn), "dynamodb:leadingkeys": [leadingKey] },
      },
    },
  ];
  // The stand-in answered (a refused condition included): DynamoDB read the table, so it had the table key.
  const encryption = access.encryption.get(table.arn);
  if (encryption !== undefined && exchange.status !== undefined && exchange.fault !== "status") {
    calls.push(
      kmsOnBehalf(
        access,
        fn,
        "kms:Decrypt",
        encryption.keyArn,
        "dynamodb",
        { "aws:dynamodb:tableName": table.name, "aws:dynamodb:subscriberId": access.account },
        `DynamoDB ${operation} → KMS`,
      ),
    );
  }
  return calls;
}

function snsSqsCalls(access: StackAccess, fn: FunctionAccess, exchange: ProxiedExchange, names: LocalNames): ObservedCall[] {
  const { operation } = exchange.request;
  const body = parameters(exchange);
  const context = baseContext(access, fn);
  if (operation === "Publish") {
    const topicArn = names.declaredArnOf(String(body.TopicArn ?? ""));
    if (topicArn === undefined) throw new UnmodelledCallError(`SNS Publish to ${body.TopicArn}, a topic the stack does not declare`);
    const calls: ObservedCall[] = [
      { stage: fn.stage, operation: "SNS Publish", origin: "call", request: { principal: fn.principal, action: "sns:Publish", resource: topicArn, context } },
    ];
    const encryption = access.encryption.get(topicArn);
    if (encryption !== undefined && ok(exchange)) {
      for (const action of ["kms:GenerateDataKey", "kms:Decrypt"] as const) {
        calls.push(kmsOnBehalf(access, fn, action, encryption.keyArn, "sns", { "aws:sns:topicArn": topicArn }, "SNS Publish → KMS"));
      }
    }
    return calls;
  }
  if (operation === "SendMessage") {
    const queueArn = names.queueArnOfUrl(String(body.QueueUrl ?? ""));
    if (queueArn === undefined) throw new UnmodelledCallError(`SQS SendMessage to ${body.QueueUrl}, a queue the stack does not declare`);
    // Lambda sends a failed event's record to the function's destination with the function's role.
    const fromLambda = String(exchange.request.headers["user-agent"] ?? "").includes(FAILURE_DESTINATION_USER_AGENT);
    const operation = fromLambda ? "Lambda on-failure destination: SQS SendMessage" : "SQS SendMessage";
    const calls: ObservedCall[] = [
      {
        stage: fn.stage,
        operation,
        origin: fromLambda ? "platform" : "call",
        request: { principal: fn.principal, action: "sqs:SendMessage", resource: queueArn, context },
      },
    ];
    const encryption = access.encryption.get(queueArn);
    if (encryption !== undefined && ok(exchange)) {
      for (const action of ["kms:GenerateDataKey", "kms:Decrypt"] as const) {
        calls.push(kmsOnBehalf(access, fn, action, encryption.keyArn, "sqs", { "aws:sqs:arn": queueArn }, `${operation} → KMS`));
      }
    }
    return calls;
  }
  throw new UnmodelledCallError(`SNS/SQS ${operation}: tools/iam/observedCalls.ts has no rule for it`);
}

function cloudWatchCalls(access: StackAccess, fn: FunctionAccess, exchange: ProxiedExchange): ObservedCall[] {
  const { operation } = exchange.request;
  if (operation !== "PutMetricData") throw new UnmodelledCallError(`CloudWatch ${operation}: tools/iam/observedCalls.ts has no rule for it`);
  const namespace = String(parameters(exchange).Namespace ?? "");
  // PutMetricData has no resource-level permissions: IAM matches it against "*".
  return [
    {
      stage: fn.stage,
      operation: "CloudWatch PutMetricData",
      origin: "call",
      request: {
        principal: fn.principal,
        action: "cloudwatch:PutMetricData",
        resource: "*",
        context: { ...baseContext(access, fn), "cloudwatch:namespace": namespace },
      },
    },
  ];
}

function secretsManagerCalls(access: StackAccess, fn: FunctionAccess, exchange: ProxiedExchange, names: LocalNames): ObservedCall[] {
  const { operation } = exchange.request;
  if (operation !== "GetSecretValue") throw new UnmodelledCallError(`Secrets Manager ${operation}: tools/iam/observedCalls.ts has no rule for it`);
  const secretId = String(jsonBody(exchange).SecretId ?? "");
  const secretArn = names.declaredArnOf(secretId);
  if (secretArn === undefined) throw new UnmodelledCallError(`Secrets Manager GetSecretValue of ${secretId}, a secret the stack does not declare`);
  const calls: ObservedCall[] = [
    {
      stage: fn.stage,
      operation: "Secrets Manager GetSecretValue",
      origin: "call",
      request: {
        principal: fn.principal,
        action: "secretsmanager:GetSecretValue",
        resource: secretArn,
        context: { ...baseContext(access, fn), "secretsmanager:secretid": secretArn },
      },
    },
  ];
  const encryption = access.encryption.get(secretArn);
  if (encryption !== undefined && ok(exchange)) {
    calls.push(kmsOnBehalf(access, fn, "kms:Decrypt", encryption.keyArn, "secretsmanager", { SecretARN: secretArn }, "Secrets Manager GetSecretValue → KMS"));
  }
  return calls;
}

/** The authorizations one proxied request stands for; `fn` is the function whose keys signed it. */
export function callsOfExchange(
  service: ProxiedService,
  exchange: ProxiedExchange,
  fn: FunctionAccess,
  access: StackAccess,
  names: LocalNames,
): ObservedCall[] {
  switch (service) {
    case "s3":
      return s3Calls(access, fn, exchange);
    case "dynamodb":
      return dynamoDbCalls(access, fn, exchange);
    case "snsSqs":
      return snsSqsCalls(access, fn, exchange, names);
    case "cloudwatch":
      return cloudWatchCalls(access, fn, exchange);
    case "secretsManager":
      return secretsManagerCalls(access, fn, exchange, names);
  }
}
