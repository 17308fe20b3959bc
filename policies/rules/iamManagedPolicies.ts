import * as aws from "@pulumi/aws";
import { PolicyConfigSchema, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { wildcardMatches } from "../lib/iamPatterns";
import { configWithDefaults } from "../lib/ruleConfig";

const managedPolicySchema: PolicyConfigSchema = {
  properties: {
    forbiddenPolicyNames: {
      type: "array",
      items: { type: "string" },
      description: "Managed policy names (the last part of the ARN, `*` wildcards allowed) that must not be attached.",
      default: ["AdministratorAccess", "PowerUserAccess", "*FullAccess"],
    },
  },
};

interface ManagedPolicyConfig {
  forbiddenPolicyNames: string[];
}

export const noBroadManagedPolicies: ResourceValidationPolicy = {
  name: "iam-no-broad-managed-policies",
  description: "No AdministratorAccess, PowerUserAccess or *FullAccess managed policy is attached to a role, user or group.",
  severity: "critical",
  enforcementLevel: "mandatory",
  tags: ["iam", "least-privilege"],
  remediationSteps:
    "Replace the managed policy with an inline or customer-managed policy that lists the actions and resources the " +
    "identity uses. aws.lambda.CallbackFunction attaches FullAccess policies when it is given no role: always pass " +
    "the function's own role.",
  configSchema: managedPolicySchema,
  validateResource: (args, reportViolation) => {
    const policyArns = attachedPolicyArns(args);
    if (policyArns === undefined) return args.notApplicable(`${args.type} attaches no managed policy`);
    const forbidden = configWithDefaults<ManagedPolicyConfig>(args, managedPolicySchema).forbiddenPolicyNames;
    for (const policyArn of policyArns) {
      const policyName = policyArn.split("/").pop() ?? policyArn;
      if (forbidden.some((pattern) => wildcardMatches(pattern, policyName))) {
        reportViolation(`attaches the managed policy ${policyArn}`);
      }
    }
  },
};

/** The managed policy ARNs the resource attaches, or undefined for types that attach none. */
function attachedPolicyArns(args: ResourceValidationArgs): string[] | undefined {
  const role = args.asType(aws.iam.Role);
  if (role) return role.managedPolicyArns ?? [];
  const attachment =
    args.asType(aws.iam.RolePolicyAttachment) ??
    args.asType(aws.iam.PolicyAttachment) ??
    args.asType(aws.iam.UserPolicyAttachment) ??
    args.asType(aws.iam.GroupPolicyAttachment);
  return attachment ? [attachment.policyArn] : undefined;
}
