import * as aws from "@pulumi/aws";
import { ResourceValidationArgs } from "@pulumi/policy";

/**
 * Which inputs of which resource types hold IAM policy documents, and what kind of document each
 * is, because the rules differ by kind:
 * - identity: attached to a role, user or group; says what that identity may do.
 * - resource: attached to a bucket, queue, topic or secret; says who may use it.
 * - key: a KMS key policy, where `Resource: "*"` means "this key".
 * - trust: a role's assume-role policy; says who may become the role.
 */
export type DocumentKind = "identity" | "resource" | "key" | "trust";

export interface DocumentSource {
  readonly kind: DocumentKind;
  /** The input it came from, for messages: `policy`, `inlinePolicies[0].policy`. */
  readonly property: string;
  /** Reads the document; it may be unknown during a preview, which then throws (see unknownValues). */
  readonly read: () => unknown;
}

type ResourceClass = Parameters<ResourceValidationArgs["isType"]>[0];

const POLICY_INPUT_KINDS: readonly (readonly [ResourceClass, DocumentKind])[] = [
  [aws.iam.Policy, "identity"],
  [aws.iam.RolePolicy, "identity"],
  [aws.iam.UserPolicy, "identity"],
  [aws.iam.GroupPolicy, "identity"],
  [aws.s3.BucketPolicy, "resource"],
  [aws.sqs.QueuePolicy, "resource"],
  [aws.sns.TopicPolicy, "resource"],
  [aws.secretsmanager.SecretPolicy, "resource"],
  [aws.sqs.Queue, "resource"],
  [aws.sns.Topic, "resource"],
  [aws.secretsmanager.Secret, "resource"],
  [aws.s3.Bucket, "resource"],
  [aws.s3.BucketV2, "resource"],
  [aws.kms.Key, "key"],
  [aws.kms.KeyPolicy, "key"],
];

/** The policy documents this resource carries; empty for types that carry none. */
export function documentSourcesOf(args: ResourceValidationArgs): DocumentSource[] {
  const props = args.props;
  if (args.isType(aws.iam.Role)) {
    const inlinePolicies: unknown[] = props.inlinePolicies ?? [];
    return [
      { kind: "trust", property: "assumeRolePolicy", read: () => props.assumeRolePolicy },
      ...inlinePolicies.map((_, index): DocumentSource => ({
        kind: "identity",
        property: `inlinePolicies[${index}].policy`,
        read: () => props.inlinePolicies[index].policy,
      })),
    ];
  }
  const match = POLICY_INPUT_KINDS.find(([resourceClass]) => args.isType(resourceClass));
  return match === undefined ? [] : [{ kind: match[1], property: "policy", read: () => props.policy }];
}
