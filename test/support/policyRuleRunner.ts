import { expect } from "chai";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { ResourceSnapshot } from "../../policies/offline/engineArgs";
import { Finding, PolicyRun, runPolicies } from "../../policies/offline/runPolicies";
import { policies } from "../../policies/rules";

/**
 * Runs single rules on hand-made resources through the same argument builder the offline check
 * uses, which mirrors the policy engine (unknown-checking proxy, notApplicable, stackTags,
 * schema defaults in getConfig, linked parents and dependencies for stack rules).
 */

export type Rule = (typeof policies)[number];

/** What the engine sends for an input that is computed from outputs not yet known in a preview. */
export const UNKNOWN = unknownValue;

export const ACCOUNT = "111122223333";

/** Type tokens of the resources the tests build. */
export const TYPE = {
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  iamPolicy: "aws:iam/policy:Policy",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
  bucket: "aws:s3/bucket:Bucket",
  bucketV2: "aws:s3/bucketV2:BucketV2",
  bucketEncryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  bucketEncryptionV2: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  bucketPublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  queue: "aws:sqs/queue:Queue",
  queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
  topic: "aws:sns/topic:Topic",
  topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
  key: "aws:kms/key:Key",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  table: "aws:dynamodb/table:Table",
  secret: "aws:secretsmanager/secret:Secret",
  function: "aws:lambda/function:Function",
  invokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
  permission: "aws:lambda/permission:Permission",
  metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  kmsAlias: "aws:kms/alias:Alias",
  eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
  component: "flightdata:pipeline:PipelineFunction",
} as const;

interface Graph {
  parent?: ResourceSnapshot;
  dependencies?: ResourceSnapshot[];
  propertyDependencies?: Record<string, ResourceSnapshot[]>;
}

/** A resource whose outputs (what stack rules see) equal its inputs, as for most AWS resources. */
export function resource(type: string, name: string, inputs: Record<string, unknown>, graph: Graph = {}): ResourceSnapshot {
  const propertyDependencies: Record<string, string[]> = {};
  for (const [input, sources] of Object.entries(graph.propertyDependencies ?? {})) {
    propertyDependencies[input] = sources.map((source) => source.urn);
  }
  return {
    urn: `urn:pulumi:test::flight-data-pipeline::${type}::${name}`,
    type,
    name,
    inputs,
    parent: graph.parent?.urn,
    dependencies: (graph.dependencies ?? []).map((dependency) => dependency.urn),
    propertyDependencies,
  };
}

export function check(rule: Rule, resources: ResourceSnapshot | ResourceSnapshot[], policyConfig: Record<string, unknown> = {}): Promise<PolicyRun> {
  return runPolicies([rule], [resources].flat(), {
    policyConfig: { [rule.name]: policyConfig },
    stackTags: new Map([["pulumi:project", "flight-data-pipeline"]]),
  });
}

/** The rule applied to the resource (or, for a stack rule, to the stack) and found nothing. */
export async function expectCompliant(rule: Rule, resources: ResourceSnapshot | ResourceSnapshot[], policyConfig: Record<string, unknown> = {}): Promise<void> {
  const run = await check(rule, resources, policyConfig);
  expect(run.findings, JSON.stringify(run.findings, null, 2)).to.deep.equal([]);
  const target = [resources].flat()[0];
  const skipped = run.notApplicable.filter((record) => record.urn === undefined || record.urn === target.urn);
  expect(skipped, `${rule.name} did not apply to ${target.name}`).to.deep.equal([]);
}

/** Exactly the violations whose messages match, each against the named resource, at the rule's level. */
export async function expectViolations(
  rule: Rule,
  resources: ResourceSnapshot | ResourceSnapshot[],
  expected: { resource: string; message: RegExp }[],
  policyConfig: Record<string, unknown> = {},
): Promise<Finding[]> {
  const run = await check(rule, resources, policyConfig);
  const violations = run.findings.filter((finding) => finding.outcome === "violation");
  const described = JSON.stringify(run.findings, null, 2);
  expect(violations, described).to.have.length(expected.length);
  for (const { resource: name, message } of expected) {
    const match = violations.find((finding) => finding.resourceName === name && message.test(finding.message));
    expect(match, `no ${rule.name} violation on ${name} matching ${message} in ${described}`).to.not.equal(undefined);
    expect(match?.enforcementLevel).to.equal(rule.enforcementLevel);
  }
  return violations;
}

export function policyDocument(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}
