import { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { validatePolicyDocuments } from "../lib/documentValidation";
import { wildcardMatches, isAccountRoot, isWholeServiceAction, isWildcardResource } from "../lib/iamPatterns";
import { Condition, Principals } from "../lib/policyDocument";
import { configWithDefaults } from "../lib/ruleConfig";

/**
 * Rules that read IAM policy documents: identity policies (role inline policies, iam.Policy,
 * RolePolicy), resource policies (bucket, queue, topic, secret), key policies and trust policies.
 */

export const noWildcardActions: ResourceValidationPolicy = {
  name: "iam-no-wildcard-actions",
  description: "No Allow statement grants `*` or a whole service (`s3:*`).",
  severity: "critical",
  enforcementLevel: "mandatory",
  tags: ["iam", "least-privilege"],
  remediationSteps:
    "List the exact actions the principal needs (for example s3:GetObject, s3:PutObject) instead of a wildcard. " +
    "KMS key policies are checked by kms-key-policy-least-privilege instead.",
  validateResource: validatePolicyDocuments(["identity", "resource", "trust"], (statement) => {
    if (statement.effect !== "allow") return [];
    const wildcards = statement.actions.filter(isWholeServiceAction);
    return wildcards.length === 0 ? [] : [`allows the wildcard action ${wildcards.join(", ")}`];
  }),
};

const wildcardResourceSchema: PolicyConfigSchema = {
  properties: {
    actionsWithoutResourceLevelPermissions: {
      type: "array",
      items: { type: "string" },
      description: 'Actions that AWS only accepts with `Resource: "*"`.',
      default: [
        "cloudwatch:PutMetricData",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "xray:GetSamplingStatisticSummaries",
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
      ],
    },
    requiredConditionKeys: {
      type: "object",
      additionalProperties: { type: "string" },
      description: "Actions from the list above that are only acceptable with a condition on the given key.",
      default: { "cloudwatch:PutMetricData": "cloudwatch:namespace" },
    },
  },
};

interface WildcardResourceConfig {
  actionsWithoutResourceLevelPermissions: string[];
  requiredConditionKeys: Record<string, string>;
}

export const noWildcardResources: ResourceValidationPolicy = {
  name: "iam-no-wildcard-resources",
  description:
    'No Allow statement applies to `Resource: "*"`, except for actions that have no resource-level permissions ' +
    "(X-Ray writes, ENI management for VPC functions, cloudwatch:PutMetricData limited to a namespace).",
  severity: "high",
  enforcementLevel: "mandatory",
  tags: ["iam", "least-privilege"],
  remediationSteps:
    "Name the ARNs the statement applies to. If an action really has no resource-level permissions, put it in its own " +
    'statement with `Resource: "*"` and, for cloudwatch:PutMetricData, a `cloudwatch:namespace` condition.',
  configSchema: wildcardResourceSchema,
  validateResource: validatePolicyDocuments(["identity", "resource"], (statement, _source, args) => {
    if (statement.effect !== "allow" || !statement.resources.some(isWildcardResource)) return [];
    const config = configWithDefaults<WildcardResourceConfig>(args, wildcardResourceSchema);
    const allowed = new Set(config.actionsWithoutResourceLevelPermissions.map((action) => action.toLowerCase()));
    const problems: string[] = [];
    const scopable = statement.actions.filter((action) => !allowed.has(action));
    if (scopable.length > 0) problems.push(`applies ${scopable.join(", ")} to every resource ("*")`);
    for (const [action, key] of Object.entries(config.requiredConditionKeys)) {
      const granted = statement.actions.includes(action.toLowerCase());
      if (granted && !hasConditionOn(statement.conditions, key)) {
        problems.push(`allows ${action} on "*" without a ${key} condition`);
      }
    }
    return problems;
  }),
};

export const noNotElementsInAllow: ResourceValidationPolicy = {
  name: "iam-no-not-elements-in-allow",
  description: "No Allow statement uses NotAction, NotResource or NotPrincipal.",
  severity: "high",
  enforcementLevel: "mandatory",
  tags: ["iam", "least-privilege"],
  remediationSteps:
    "Rewrite the statement with Action, Resource and Principal listing what is allowed. An Allow with a Not* element " +
    "grants everything except the list, including actions and services AWS adds later.",
  validateResource: validatePolicyDocuments(["identity", "resource", "key", "trust"], (statement) => {
    if (statement.effect !== "allow") return [];
    const used = [
      statement.notActions.length > 0 ? "NotAction" : undefined,
      statement.notResources.length > 0 ? "NotResource" : undefined,
      statement.notPrincipal !== undefined ? "NotPrincipal" : undefined,
    ].filter((name): name is string => name !== undefined);
    return used.length === 0 ? [] : [`allows with ${used.join(", ")}`];
  }),
};

export const passRoleScoped: ResourceValidationPolicy = {
  name: "iam-passrole-scoped",
  description: "iam:PassRole is only allowed on named roles, never on `*` or a wildcard ARN.",
  severity: "critical",
  enforcementLevel: "mandatory",
  tags: ["iam", "privilege-escalation"],
  remediationSteps:
    "Grant iam:PassRole on the ARN of each role the principal must hand to a service, and add an iam:PassedToService " + "condition naming that service.",
  validateResource: validatePolicyDocuments(["identity"], (statement) => {
    if (statement.effect !== "allow") return [];
    const passesRoles = statement.actions.some((action) => wildcardMatches(action, "iam:PassRole"));
    const wildcards = statement.resources.filter((resource) => resource.includes("*"));
    return passesRoles && wildcards.length > 0 ? [`allows iam:PassRole on ${wildcards.join(", ")}`] : [];
  }),
};

const publicPrincipalSchema: PolicyConfigSchema = {
  properties: {
    scopingConditionKeys: {
      type: "array",
      items: { type: "string" },
      description: 'Condition keys that, with a concrete value, narrow Principal "*" to known callers.',
      default: [
        "aws:SourceArn",
        "aws:SourceAccount",
        "aws:SourceOwner",
        "aws:SourceOrgID",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:PrincipalArn",
        "aws:PrincipalAccount",
        "aws:PrincipalOrgID",
        "kms:CallerAccount",
      ],
    },
  },
};

interface PublicPrincipalConfig {
  scopingConditionKeys: string[];
}

export const noUnscopedPublicPrincipal: ResourceValidationPolicy = {
  name: "iam-no-unscoped-public-principal",
  description: 'No resource, key or trust policy allows Principal "*" unless a condition scopes it to a source resource, ' + "account or organization.",
  severity: "critical",
  enforcementLevel: "mandatory",
  tags: ["iam", "public-access"],
  remediationSteps:
    'Name the service or account principal that needs access. Where the principal must be "*", add a condition ' +
    "such as aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID with a concrete value. Deny statements with " +
    'Principal "*" (for example the aws:SecureTransport deny) are fine.',
  configSchema: publicPrincipalSchema,
  validateResource: validatePolicyDocuments(["resource", "key", "trust"], (statement, _source, args) => {
    if (statement.effect !== "allow" || !statement.principal?.everyone) return [];
    const keys = configWithDefaults<PublicPrincipalConfig>(args, publicPrincipalSchema).scopingConditionKeys;
    const scoped = statement.conditions.some((condition) => isScopingCondition(condition, keys));
    return scoped ? [] : [`allows Principal "*" without a condition on ${keys.join(", ")}`];
  }),
};

export const keyPolicyLeastPrivilege: ResourceValidationPolicy = {
  name: "kms-key-policy-least-privilege",
  description:
    'A KMS key policy grants `kms:*` (or `*`) only to the account root. `Resource: "*"` is accepted in key ' + 'policies because there it means "this key".',
  severity: "critical",
  enforcementLevel: "mandatory",
  tags: ["iam", "kms", "least-privilege"],
  remediationSteps:
    "Keep the statement that gives the account (arn:aws:iam::<account>:root) kms:* so IAM policies can delegate, and " +
    "give every other principal (services, roles) only the kms actions it uses, such as kms:Decrypt and " +
    "kms:GenerateDataKey.",
  validateResource: validatePolicyDocuments(["key"], (statement) => {
    if (statement.effect !== "allow") return [];
    const wildcards = statement.actions.filter(isWholeServiceAction);
    if (wildcards.length === 0 || onlyAccountRoots(statement.principal)) return [];
    return [`grants ${wildcards.join(", ")} to a principal other than the account root`];
  }),
};

function hasConditionOn(conditions: readonly Condition[], key: string): boolean {
  return conditions.some((condition) => condition.key === key.toLowerCase() && condition.values.length > 0);
}

/** Operators that narrow to the listed values; the negated ones and Null widen instead. */
const NARROWING_OPERATORS = new Set(["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"]);

function isScopingCondition(condition: Condition, keys: readonly string[]): boolean {
  return (
    keys.some((key) => key.toLowerCase() === condition.key) &&
    NARROWING_OPERATORS.has(condition.operator) &&
    condition.values.length > 0 &&
    condition.values.every((value) => value.replace(/[*?]/g, "") !== "")
  );
}

function onlyAccountRoots(principal: Principals | undefined): boolean {
  return (
    principal !== undefined &&
    !principal.everyone &&
    principal.aws.length > 0 &&
    principal.aws.every(isAccountRoot) &&
    principal.service.length === 0 &&
    principal.federated.length === 0 &&
    principal.canonicalUser.length === 0
  );
}
