import * as aws from "@pulumi/aws";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { isAwsManagedKeyAlias } from "../lib/iamPatterns";
import { JoinTarget, namesOneOf, refersTo } from "../lib/resourceGraph";
import { checkEach, readKnown, UNKNOWN } from "../lib/unknownValues";
import { ROLE } from "./lambdaRoleTrust";

/**
 * What the pack cannot verify because it lives outside the stack: a function's role (its trust
 * policy and permissions), a customer-managed key that encrypts a stack resource (its key policy
 * and rotation), an SNS topic alarms notify (its encryption and policy). Reported as advisory,
 * the way the engine reports a value it cannot know, never as a mandatory failure: a mandatory
 * rule must not block what it cannot see.
 */

const KEY: JoinTarget = {
  identifierProperties: ["arn", "keyId", "id", "name"],
  isSameKind: (resource) => resource.isType(aws.kms.Key) || resource.isType(aws.kms.Alias),
};

const TOPIC: JoinTarget = { identifierProperties: ["arn", "id", "name"], isSameKind: (resource) => resource.isType(aws.sns.Topic) };

interface KeyReference {
  input: string;
  /** Reads the reference; during a preview it may be unknown, which the engine reports as "cannot verify". */
  read: () => string | undefined;
}

/** The key references a resource carries, by the input they sit in. */
function keyReferences(resource: PolicyResource): KeyReference[] {
  const props = resource.props;
  if (resource.isType(aws.sqs.Queue) || resource.isType(aws.sns.Topic)) return [{ input: "kmsMasterKeyId", read: () => props.kmsMasterKeyId }];
  if (resource.isType(aws.cloudwatch.LogGroup) || resource.isType(aws.secretsmanager.Secret)) return [{ input: "kmsKeyId", read: () => props.kmsKeyId }];
  if (resource.isType(aws.lambda.Function)) return [{ input: "kmsKeyArn", read: () => props.kmsKeyArn }];
  if (resource.isType(aws.dynamodb.Table)) return [{ input: "serverSideEncryption", read: () => props.serverSideEncryption?.kmsKeyArn }];
  if (resource.isType(aws.s3.BucketServerSideEncryptionConfiguration) || resource.isType(aws.s3.BucketServerSideEncryptionConfigurationV2)) {
    const rules = (props.rules ?? []) as Array<{ applyServerSideEncryptionByDefault?: { kmsMasterKeyId?: string } }>;
    return rules.map((_, index) => ({ input: "rules", read: () => rules[index]?.applyServerSideEncryptionByDefault?.kmsMasterKeyId }));
  }
  return [];
}

const ALARM_ACTIONS = ["alarmActions", "okActions", "insufficientDataActions"] as const;

export const outsideReferencesUnverified: StackValidationPolicy = {
  name: "unverifiable-outside-references",
  description:
    "Reports what the pack cannot verify because the stack does not create it: a Lambda function's role (trust " +
    "policy, permissions), a customer-managed KMS key that encrypts a stack resource (key policy, rotation), an SNS " +
    "topic that alarms notify (encryption, policy). Advisory: review them where they are managed.",
  severity: "medium",
  enforcementLevel: "advisory",
  tags: ["iam", "kms", "review"],
  remediationSteps:
    "Create the role, key or topic in the stack so the pack checks it, or review it where it is managed: a role's " +
    "trust policy should let only lambda.amazonaws.com assume it; a key should rotate and let only the services that " +
    "need it use it; a topic should be encrypted with a customer-managed key.",
  validateStack: (args, reportViolation) => {
    const roles = args.resources.filter(ROLE.isSameKind);
    const keys = args.resources.filter(KEY.isSameKind);
    const topics = args.resources.filter(TOPIC.isSameKind);
    checkEach(args.resources, (resource) => {
      if (resource.isType(aws.lambda.Function) && !roles.some((role) => refersTo(resource, "role", role, ROLE))) {
        reportViolation(
          `function ${resource.name} runs as ${String(resource.props.role)}, a role this stack does not create: its trust policy and permissions cannot be checked here`,
          resource.urn,
        );
      }
      for (const reference of keyReferences(resource)) {
        const sources = resource.propertyDependencies?.[reference.input] ?? [];
        if (sources.some((source) => keys.includes(source))) continue;
        const value = reference.read();
        if (value === undefined || value === "" || isAwsManagedKeyAlias(value)) continue;
        if (!namesOneOf(resource, reference.input, () => value, keys, KEY)) {
          reportViolation(
            `${resource.name} is encrypted with ${value}, a key this stack does not create: its key policy and rotation cannot be checked here`,
            resource.urn,
          );
        }
      }
      if (resource.isType(aws.cloudwatch.MetricAlarm)) {
        for (const input of ALARM_ACTIONS) {
          const known = readKnown(() => (resource.props[input] ?? []) as string[]);
          // An action list still unknown in a preview is built from this stack's topic when its dependencies say so.
          if (known === UNKNOWN && (resource.propertyDependencies?.[input] ?? []).some((source) => topics.includes(source))) continue;
          const actions = known === UNKNOWN ? ((resource.props[input] ?? []) as string[]) : known;
          for (const action of actions) {
            if (!/^arn:[^:]+:sns:/.test(action) || namesOneOf(resource, input, () => action, topics, TOPIC)) continue;
            reportViolation(
              `alarm ${resource.name} notifies ${action}, a topic this stack does not create: its encryption and policy cannot be checked here`,
              resource.urn,
            );
          }
        }
      }
    });
  },
};
