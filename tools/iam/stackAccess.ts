/**
 * Who may do what in one stack, read from the program as the mocked build declares it: each
 * function's role and identity policies, the resource policies (buckets, queues, topics), the key
 * policies and the grants the stack's functions get, and which key encrypts which resource (the
 * calls AWS makes to KMS on a caller's behalf depend on it).
 */
import { STAGES, type StageName } from "../../contract/dataLayout";
import type { MockedProgram, MockedResource } from "../../mocked-program/mockedProgram";
import type { ApplicablePolicies, AuthorizationRequest, KmsGrant, RolePrincipal } from "./evaluate";
import { parsePolicy, type PolicyDocument } from "./policyLanguage";

export interface FunctionAccess {
  stage: StageName;
  functionName: string;
  functionArn: string;
  roleName: string;
  principal: RolePrincipal;
  /** The role's identity policies: its inline RolePolicy resources and inline policies. */
  identity: PolicyDocument[];
  /** The key that encrypts the function's environment variables, if any. */
  environmentKeyArn?: string;
  logGroup: string;
  tracing: boolean;
  /** Layers the function runs with (Lambda Insights among them, when on). */
  layers: string[];
  inVpc: boolean;
}

export interface Encryption {
  keyArn: string;
  /** S3 only: with a bucket key, S3 asks KMS with the bucket's ARN as encryption context instead of the object's. */
  bucketKey?: boolean;
}

export interface StackAccess {
  stack: string;
  region: string;
  account: string;
  functions: Record<StageName, FunctionAccess>;
  /** Bucket, queue and topic ARN → its resource policy. */
  resourcePolicies: Map<string, PolicyDocument>;
  keys: Map<string, { policy: PolicyDocument; grants: KmsGrant[] }>;
  /** Bucket, queue, topic, table and secret ARN → the customer-managed key that encrypts it. */
  encryption: Map<string, Encryption>;
  buckets: Map<string, string>;
  tables: Array<{ name: string; arn: string; hashKey: string }>;
  queues: Array<{ name: string; arn: string }>;
  topics: Array<{ name: string; arn: string }>;
  secrets: Array<{ name: string; arn: string }>;
}

/** The bucket's ARN for an S3 object or bucket ARN. */
export function bucketArnOf(arn: string): string {
  const match = /^(arn:[^:]+:s3:::[^/]+)/.exec(arn);
  return match ? (match[1] as string) : arn;
}

/** The role, its policies, the resource's policy and (for KMS) the key's policy and grants that decide the request. */
export function policiesFor(access: StackAccess, request: AuthorizationRequest): ApplicablePolicies {
  const fn = Object.values(access.functions).find((candidate) => candidate.principal.roleArn === request.principal.roleArn);
  if (fn === undefined) throw new Error(`no function of stack ${access.stack} runs as ${request.principal.roleArn}`);
  if (request.action.toLowerCase().startsWith("kms:")) {
    const key = access.keys.get(request.resource);
    return { identity: fn.identity, ...(key ? { key } : {}) };
  }
  const resource = access.resourcePolicies.get(request.resource) ?? access.resourcePolicies.get(bucketArnOf(request.resource));
  return { identity: fn.identity, ...(resource ? { resource } : {}) };
}

export function stackAccessOf(program: MockedProgram): StackAccess {
  const ofType = (type: string) => program.resources.filter((resource) => resource.type === type);
  const functionNames = program.outputs.functionNames as Record<StageName, string> | undefined;
  if (!functionNames) throw new Error("the program exports no functionNames output");
  const roles = ofType("aws:iam/role:Role");
  const rolePolicies = ofType("aws:iam/rolePolicy:RolePolicy");
  const attachments = [...ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), ...ofType("aws:iam/policyAttachment:PolicyAttachment")];
  const account = (roles[0]?.state.arn as string | undefined)?.split(":")[4];
  if (account === undefined) throw new Error("the program declares no IAM role, so there is no account to evaluate in");

  const functions = {} as Record<StageName, FunctionAccess>;
  const grants: KmsGrant[] = [];
  for (const stage of STAGES) {
    const resource = ofType("aws:lambda/function:Function").find((candidate) => candidate.inputs.name === functionNames[stage]);
    if (resource === undefined) throw new Error(`the program declares no function ${functionNames[stage]}`);
    const roleArn = resource.inputs.role as string;
    const role = roles.find((candidate) => candidate.state.arn === roleArn);
    if (role === undefined) {
      throw new Error(`function ${resource.inputs.name} runs as ${roleArn}, which the stack does not create: its policies cannot be evaluated`);
    }
    const roleName = role.state.name as string;
    const attached = attachments.filter(
      (attachment) => attachment.inputs.role === roleName || (attachment.inputs.roles as string[] | undefined)?.includes(roleName),
    );
    if (attached.length > 0) {
      throw new Error(
        `role ${roleName} has managed policies attached (${attached.map((a) => a.inputs.policyArn).join(", ")}), which the evaluator cannot read`,
      );
    }
    const identity = [
      ...rolePolicies
        .filter((policy) => policy.inputs.role === roleName || policy.inputs.role === role.state.arn)
        .map((policy) => parsePolicy(`role policy ${policy.name}`, "identity", policy.inputs.policy)),
      ...((role.inputs.inlinePolicies as Array<{ name: string; policy: string }> | undefined) ?? []).map((inline) =>
        parsePolicy(`inline policy ${inline.name} of ${roleName}`, "identity", inline.policy),
      ),
    ];
    const name = resource.inputs.name as string;
    const functionArn = resource.state.arn as string;
    const environmentKeyArn = resource.inputs.kmsKeyArn as string | undefined;
    const variables = Object.keys(resource.inputs.environment?.variables ?? {});
    functions[stage] = {
      stage,
      functionName: name,
      functionArn,
      roleName,
      principal: { roleArn: role.state.arn, sessionArn: `arn:aws:sts::${account}:assumed-role/${roleName}/${name}`, account },
      identity,
      ...(environmentKeyArn ? { environmentKeyArn } : {}),
      logGroup: resource.inputs.loggingConfig?.logGroup ?? `/aws/lambda/${name}`,
      tracing: resource.inputs.tracingConfig?.mode === "Active",
      layers: (resource.inputs.layers as string[] | undefined) ?? [],
      inVpc: ((resource.inputs.vpcConfig?.subnetIds as string[] | undefined) ?? []).length > 0,
    };
    // Lambda decrypts a function's environment through a grant it creates on the function's key
    // with the deployer's permissions (kms:CreateGrant) when the function is created or its key
    // changes; the execution role needs no KMS permission for it (Lambda Developer Guide,
    // "Securing environment variables"). The grant is modelled for that use only: Decrypt with
    // the encryption context Lambda gives environment variables.
    if (environmentKeyArn && variables.length > 0) {
      grants.push({
        keyArn: environmentKeyArn,
        granteePrincipal: role.state.arn,
        operations: ["Decrypt"],
        encryptionContextSubset: { "aws:lambda:FunctionArn": functionArn },
        description: `Lambda's grant to the role of ${name}, for its encrypted environment`,
      });
    }
  }

  const keys = new Map<string, { policy: PolicyDocument; grants: KmsGrant[] }>();
  for (const key of ofType("aws:kms/key:Key")) {
    const arn = key.state.arn as string;
    keys.set(arn, { policy: parsePolicy(`key policy of ${key.name}`, "key", key.inputs.policy), grants: grants.filter((grant) => grant.keyArn === arn) });
  }

  const buckets = new Map(ofType("aws:s3/bucket:Bucket").map((bucket) => [bucket.state.bucket as string, bucket.state.arn as string]));
  const queues = ofType("aws:sqs/queue:Queue").map((queue) => ({
    name: queue.state.name as string,
    arn: queue.state.arn as string,
    url: queue.state.url as string,
  }));
  const topics = ofType("aws:sns/topic:Topic").map((topic) => ({ name: topic.state.name as string, arn: topic.state.arn as string }));
  const tables = ofType("aws:dynamodb/table:Table").map((table) => ({
    name: table.state.name as string,
    arn: table.state.arn as string,
    hashKey: table.inputs.hashKey as string,
  }));
  const secrets = ofType("aws:secretsmanager/secret:Secret").map((secret) => ({ name: secret.state.name as string, arn: secret.state.arn as string }));

  const resourcePolicies = new Map<string, PolicyDocument>();
  const addResourcePolicy = (arn: string | undefined, resource: MockedResource) => {
    if (arn === undefined) throw new Error(`${resource.type} ${resource.name} names a resource the stack does not create`);
    if (resourcePolicies.has(arn)) throw new Error(`${arn} has more than one resource policy in the program`);
    resourcePolicies.set(arn, parsePolicy(`${resource.type.split(":").pop()} ${resource.name}`, "resource", resource.inputs.policy));
  };
  for (const policy of ofType("aws:s3/bucketPolicy:BucketPolicy")) addResourcePolicy(buckets.get(policy.inputs.bucket), policy);
  for (const policy of ofType("aws:sqs/queuePolicy:QueuePolicy")) addResourcePolicy(queues.find((queue) => queue.url === policy.inputs.queueUrl)?.arn, policy);
  for (const policy of ofType("aws:sns/topicPolicy:TopicPolicy")) addResourcePolicy(topics.find((topic) => topic.arn === policy.inputs.arn)?.arn, policy);

  const encryption = new Map<string, Encryption>();
  for (const config of ofType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")) {
    const rule = (config.inputs.rules as Array<Record<string, any>>)[0];
    const keyArn = rule?.applyServerSideEncryptionByDefault?.kmsMasterKeyId as string | undefined;
    const bucketArn = buckets.get(config.inputs.bucket);
    if (bucketArn !== undefined && keyArn !== undefined) encryption.set(bucketArn, { keyArn, bucketKey: rule?.bucketKeyEnabled === true });
  }
  for (const queue of ofType("aws:sqs/queue:Queue")) if (queue.inputs.kmsMasterKeyId) encryption.set(queue.state.arn, { keyArn: queue.inputs.kmsMasterKeyId });
  for (const topic of ofType("aws:sns/topic:Topic")) if (topic.inputs.kmsMasterKeyId) encryption.set(topic.state.arn, { keyArn: topic.inputs.kmsMasterKeyId });
  for (const table of ofType("aws:dynamodb/table:Table")) {
    const keyArn = table.inputs.serverSideEncryption?.enabled ? (table.inputs.serverSideEncryption.kmsKeyArn as string | undefined) : undefined;
    if (keyArn) encryption.set(table.state.arn, { keyArn });
  }
  for (const secret of ofType("aws:secretsmanager/secret:Secret"))
    if (secret.inputs.kmsKeyId) encryption.set(secret.state.arn, { keyArn: secret.inputs.kmsKeyId });

  return {
    stack: program.stack,
    region: program.region,
    account,
    functions,
    resourcePolicies,
    keys,
    encryption,
    buckets,
    tables,
    queues: queues.map(({ name, arn }) => ({ name, arn })),
    topics,
    secrets,
  };
}
