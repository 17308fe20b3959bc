import { ResourceValidationPolicy } from "@pulumi/policy";
import { validatePolicyDocuments } from "../lib/documentValidation";
import { isAccountRoot, wildcardMatches } from "../lib/iamPatterns";
import { Condition, PolicyStatement } from "../lib/policyDocument";

/**
 * Conditions that narrow a grant to how it is meant to be used. Advisory: a grant without them is
 * broader than it needs to be, not broken, and some principals (an administrator's role) may
 * rightly use a key directly.
 */

/** KMS operations that use the key material; what kms:ViaService can keep to AWS services. */
const KMS_CRYPTOGRAPHIC_ACTIONS = [
  "kms:Decrypt",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:GenerateDataKeyPair",
  "kms:GenerateDataKeyPairWithoutPlaintext",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
];

/** DynamoDB actions on items, which a request scopes by its partition key (dynamodb:LeadingKeys). */
const DYNAMODB_ITEM_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
];

/** Operators that narrow a key to the listed values; negated ones widen instead. */
const NARROWING = new Set(["stringequals", "stringequalsignorecase", "stringlike"]);

function narrows(conditions: readonly Condition[], key: string): boolean {
  return conditions.some((condition) => condition.key === key && NARROWING.has(condition.operator) && condition.values.length > 0);
}

function covered(statement: PolicyStatement, actions: readonly string[]): string[] {
  return actions.filter((action) => statement.actions.some((pattern) => wildcardMatches(pattern, action)));
}

/** In a key policy, a principal the statement names other than the account root (which hands the decision to IAM) or a service. */
function namesIdentities(statement: PolicyStatement): boolean {
  const principal = statement.principal;
  return principal !== undefined && (principal.everyone || principal.aws.some((entry) => !isAccountRoot(entry)));
}

export const kmsGrantsThroughServices: ResourceValidationPolicy = {
  name: "kms-grant-via-service",
  description:
    "Allow statements that let a role or user use a KMS key for cryptographic operations (Decrypt, Encrypt, " +
    "GenerateDataKey*, ReEncrypt*) carry a kms:ViaService condition, so the key is used only through the AWS " +
    "services that work for the caller, never directly.",
  severity: "medium",
  enforcementLevel: "advisory",
  tags: ["iam", "kms", "least-privilege"],
  remediationSteps:
    'Add Condition: { StringEquals: { "kms:ViaService": ["s3.<region>.amazonaws.com", …] } } naming the services ' +
    "that use the key for the principal (S3, SQS, SNS, DynamoDB, Secrets Manager, …). In a key policy the account " +
    "root's statement and service principals are not affected.",
  validateResource: validatePolicyDocuments(["identity", "key"], (statement, source) => {
    if (statement.effect !== "allow") return [];
    if (source.kind === "key" && !namesIdentities(statement)) return [];
    const actions = covered(statement, KMS_CRYPTOGRAPHIC_ACTIONS);
    if (actions.length === 0 || narrows(statement.conditions, "kms:viaservice")) return [];
    return [`allows ${actions.join(", ")} without a kms:ViaService condition, so the key can be used directly`];
  }),
};

export const tableGrantsByLeadingKeys: ResourceValidationPolicy = {
  name: "dynamodb-grant-leading-keys",
  description:
    "Allow statements on DynamoDB item actions carry a dynamodb:LeadingKeys condition, so a role reaches only the " +
    "items whose partition keys its work needs (here: snapshot items, and the circuit breaker's item for validation alone).",
  severity: "medium",
  enforcementLevel: "advisory",
  tags: ["iam", "dynamodb", "least-privilege"],
  remediationSteps:
    'Add Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [<partition key patterns>] } } (DynamoDB ' +
    "requires ForAllValues with this key). IAM has no condition key for the sort key.",
  validateResource: validatePolicyDocuments(["identity"], (statement) => {
    if (statement.effect !== "allow") return [];
    const actions = covered(statement, DYNAMODB_ITEM_ACTIONS);
    if (actions.length === 0 || narrows(statement.conditions, "dynamodb:leadingkeys")) return [];
    return [`allows ${actions.join(", ")} without a dynamodb:LeadingKeys condition, so every item of the table is reachable`];
  }),
};
