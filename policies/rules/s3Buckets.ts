import * as aws from "@pulumi/aws";
import { PolicyResource, StackValidation, StackValidationPolicy } from "@pulumi/policy";
import { isAwsManagedKeyAlias, isWholeServiceAction, wildcardMatches } from "../lib/iamPatterns";
import { forEachStatement, PolicyDocumentError, PolicyStatement } from "../lib/policyDocument";
import { JoinTarget, refersTo } from "../lib/resourceGraph";
import { checkEach } from "../lib/unknownValues";

/**
 * Since AWS provider v4 a bucket's encryption, public-access block and policy are separate
 * resources that point at the bucket through their `bucket` input, so these are stack rules that
 * join each bucket (Bucket, or the deprecated BucketV2) with the resources that configure it
 * (see resourceGraph for how the join works). The deprecated inline `serverSideEncryptionConfiguration`
 * and `policy` inputs of the bucket itself are not accepted as a substitute.
 */

function isBucket(resource: PolicyResource): boolean {
  return resource.isType(aws.s3.Bucket) || resource.isType(aws.s3.BucketV2);
}

const BUCKET: JoinTarget = { identifierProperties: ["bucket", "id", "arn"], isSameKind: isBucket };

function configuring(bucket: PolicyResource, resources: PolicyResource[], isKind: (r: PolicyResource) => boolean) {
  return resources.filter((resource) => isKind(resource) && refersTo(resource, "bucket", bucket, BUCKET));
}

/** Runs `check` on each bucket, reporting against the bucket's URN. */
function forEachBucket(check: (bucket: PolicyResource, resources: PolicyResource[], report: (message: string) => void) => void): StackValidation {
  return (args, reportViolation) => {
    const buckets = args.resources.filter(isBucket);
    if (buckets.length === 0) args.notApplicable("the stack has no S3 bucket");
    checkEach(buckets, (bucket) => check(bucket, args.resources, (message) => reportViolation(message, bucket.urn)));
  };
}

interface EncryptionRule {
  sseAlgorithm: string;
  kmsMasterKeyId: string;
  bucketKeyEnabled: boolean;
}

function encryptionRulesOf(configuration: PolicyResource): EncryptionRule[] {
  const typed = configuration.asType(aws.s3.BucketServerSideEncryptionConfiguration) ?? configuration.asType(aws.s3.BucketServerSideEncryptionConfigurationV2);
  return (typed?.rules ?? []).map((rule) => ({
    sseAlgorithm: rule.applyServerSideEncryptionByDefault?.sseAlgorithm ?? "",
    kmsMasterKeyId: rule.applyServerSideEncryptionByDefault?.kmsMasterKeyId ?? "",
    bucketKeyEnabled: rule.bucketKeyEnabled === true,
  }));
}

function isEncryptionConfiguration(resource: PolicyResource): boolean {
  return resource.isType(aws.s3.BucketServerSideEncryptionConfiguration) || resource.isType(aws.s3.BucketServerSideEncryptionConfigurationV2);
}

const KMS_ALGORITHMS = new Set(["aws:kms", "aws:kms:dsse"]);

function usesCustomerManagedKey(rule: EncryptionRule): boolean {
  return KMS_ALGORITHMS.has(rule.sseAlgorithm) && rule.kmsMasterKeyId !== "" && !isAwsManagedKeyAlias(rule.kmsMasterKeyId);
}

export const bucketEncryptedWithCustomerManagedKey: StackValidationPolicy = {
  name: "s3-bucket-cmk-encryption",
  description: "Every S3 bucket has a BucketServerSideEncryptionConfiguration whose default encryption is SSE-KMS with a " + "customer-managed key.",
  severity: "high",
  enforcementLevel: "mandatory",
  tags: ["encryption", "s3"],
  remediationSteps:
    "Add an aws.s3.BucketServerSideEncryptionConfiguration with bucket: <bucket>.id and a rule " +
    'applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: <your key ARN> }.',
  validateStack: forEachBucket((bucket, resources, report) => {
    const configurations = configuring(bucket, resources, isEncryptionConfiguration);
    if (configurations.length === 0) {
      report(`bucket ${bucket.name} has no BucketServerSideEncryptionConfiguration`);
      return;
    }
    const rules = configurations.flatMap(encryptionRulesOf);
    if (!rules.some(usesCustomerManagedKey)) {
      const found = rules.map((rule) => `${rule.sseAlgorithm || "no algorithm"} ${rule.kmsMasterKeyId || "without a key"}`);
      report(`bucket ${bucket.name} is not encrypted with a customer-managed KMS key (found: ${found.join("; ") || "no rule"})`);
    }
  }),
};

export const bucketKeysEnabled: StackValidationPolicy = {
  name: "s3-bucket-key-enabled",
  description: "Buckets encrypted with SSE-KMS use S3 Bucket Keys.",
  severity: "low",
  enforcementLevel: "advisory",
  tags: ["encryption", "s3", "cost"],
  remediationSteps:
    "Set bucketKeyEnabled: true on the encryption rule. Without bucket keys every object request calls KMS, which " +
    "costs money and can hit KMS request quotas; confidentiality is the same either way, hence advisory.",
  validateStack: forEachBucket((bucket, resources, report) => {
    const kmsRules = configuring(bucket, resources, isEncryptionConfiguration)
      .flatMap(encryptionRulesOf)
      .filter((rule) => rule.sseAlgorithm === "aws:kms");
    if (kmsRules.length > 0 && !kmsRules.some((rule) => rule.bucketKeyEnabled)) {
      report(`bucket ${bucket.name} uses SSE-KMS without bucket keys`);
    }
  }),
};

const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

export const bucketPublicAccessBlocked: StackValidationPolicy = {
  name: "s3-public-access-blocked",
  description: "Every S3 bucket has a BucketPublicAccessBlock with all four settings on.",
  severity: "critical",
  enforcementLevel: "mandatory",
  tags: ["s3", "public-access"],
  remediationSteps:
    "Add an aws.s3.BucketPublicAccessBlock with bucket: <bucket>.id and blockPublicAcls, blockPublicPolicy, " +
    "ignorePublicAcls and restrictPublicBuckets all true.",
  validateStack: forEachBucket((bucket, resources, report) => {
    const blocks = configuring(bucket, resources, (r) => r.isType(aws.s3.BucketPublicAccessBlock));
    if (blocks.length === 0) {
      report(`bucket ${bucket.name} has no BucketPublicAccessBlock`);
      return;
    }
    const missingPerBlock = blocks.map((block) => PUBLIC_ACCESS_FLAGS.filter((flag) => block.props[flag] !== true));
    if (missingPerBlock.every((missing) => missing.length > 0)) {
      report(`bucket ${bucket.name}'s public access block does not set ${missingPerBlock[0].join(", ")} to true`);
    }
  }),
};

export const bucketDeniesInsecureTransport: StackValidationPolicy = {
  name: "s3-deny-insecure-transport",
  description: 'Every S3 bucket has a BucketPolicy that denies all S3 actions to Principal "*" when aws:SecureTransport is false.',
  severity: "high",
  enforcementLevel: "mandatory",
  tags: ["encryption", "s3", "in-transit"],
  remediationSteps:
    'Add an aws.s3.BucketPolicy with a statement { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ' +
    '[<bucket ARN>, "<bucket ARN>/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } }.',
  validateStack: forEachBucket((bucket, resources, report) => {
    const policies = configuring(bucket, resources, (r) => r.isType(aws.s3.BucketPolicy));
    if (policies.length === 0) {
      report(`bucket ${bucket.name} has no BucketPolicy`);
      return;
    }
    let denies = false;
    checkEach(policies, (policy) => {
      try {
        forEachStatement(policy.props.policy, (statement) => {
          denies ||= deniesInsecureTransport(statement);
        });
      } catch (error) {
        if (!(error instanceof PolicyDocumentError)) throw error;
        report(`bucket policy ${policy.name}: ${error.message}`);
      }
    });
    if (!denies) report(`bucket ${bucket.name}'s policy has no statement denying requests without TLS`);
  }),
};

function deniesInsecureTransport(statement: PolicyStatement): boolean {
  const coversAllOfS3 = statement.actions.some((action) => isWholeServiceAction(action) && wildcardMatches(action, "s3:GetObject"));
  const onInsecureTransport = statement.conditions.some(
    (condition) => condition.operator === "bool" && condition.key === "aws:securetransport" && condition.values.includes("false"),
  );
  return statement.effect === "deny" && statement.principal?.everyone === true && coversAllOfS3 && onInsecureTransport;
}
