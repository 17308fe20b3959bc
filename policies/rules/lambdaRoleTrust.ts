import * as aws from "@pulumi/aws";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { forEachStatement, PolicyDocumentError, PolicyStatement } from "../lib/policyDocument";
import { JoinTarget, refersTo } from "../lib/resourceGraph";
import { checkEach } from "../lib/unknownValues";

const LAMBDA_SERVICE = "lambda.amazonaws.com";

export const ROLE: JoinTarget = {
  identifierProperties: ["arn", "name"],
  isSameKind: (resource) => resource.isType(aws.iam.Role),
};

/**
 * Judges the roles the pack can see. A function whose role the stack does not create is not a
 * violation here: its trust policy cannot be read, which unverifiable-outside-references reports
 * as advisory, the way the engine treats a value it cannot know.
 */
export const lambdaRoleTrustsOnlyLambda: StackValidationPolicy = {
  name: "lambda-role-trusts-only-lambda",
  description:
    "Every Lambda function whose role this stack creates runs as a role whose trust policy lets only " +
    "lambda.amazonaws.com assume it (sts:AssumeRole), so no other service or account can act with the pipeline's permissions.",
  severity: "high",
  enforcementLevel: "mandatory",
  tags: ["iam", "lambda", "least-privilege"],
  remediationSteps:
    'Give each function its own aws.iam.Role with assumeRolePolicy { Effect: "Allow", Principal: { Service: ' +
    '"lambda.amazonaws.com" }, Action: "sts:AssumeRole" } and nothing else; a role that other services need gets ' +
    "its own role.",
  validateStack: (args, reportViolation) => {
    const functions = args.resources.filter((r) => r.isType(aws.lambda.Function));
    if (functions.length === 0) args.notApplicable("the stack has no Lambda function");
    const roles = args.resources.filter(ROLE.isSameKind);
    checkEach(functions, (fn) => {
      const role = roles.find((candidate) => refersTo(fn, "role", candidate, ROLE));
      if (role === undefined) return;
      for (const problem of trustProblems(role)) {
        reportViolation(`function ${fn.name}'s role ${role.name}: ${problem}`, role.urn);
      }
    });
  },
};

function trustProblems(role: PolicyResource): string[] {
  const problems: string[] = [];
  let lambdaMayAssume = false;
  try {
    forEachStatement(role.props.assumeRolePolicy, (statement) => {
      if (statement.effect !== "allow") return;
      const problem = notLambdaOnly(statement);
      if (problem === undefined) lambdaMayAssume = true;
      else problems.push(`${statement.label} ${problem}`);
    });
  } catch (error) {
    if (!(error instanceof PolicyDocumentError)) throw error;
    return [`assumeRolePolicy: ${error.message}`];
  }
  if (!lambdaMayAssume && problems.length === 0) problems.push(`its trust policy does not let ${LAMBDA_SERVICE} assume it`);
  return problems;
}

function notLambdaOnly(statement: PolicyStatement): string | undefined {
  const principal = statement.principal;
  const others =
    principal === undefined
      ? ["no Principal"]
      : [
          ...(principal.everyone ? ["*"] : principal.aws),
          ...principal.service.filter((service) => service !== LAMBDA_SERVICE),
          ...principal.federated,
          ...principal.canonicalUser,
        ];
  if (others.length > 0) return `also trusts ${others.join(", ")}`;
  if (!principal?.service.includes(LAMBDA_SERVICE)) return `does not name ${LAMBDA_SERVICE}`;
  const extraActions = statement.actions.filter((action) => action !== "sts:assumerole");
  if (extraActions.length > 0 || statement.notActions.length > 0) {
    return `allows ${[...extraActions, ...statement.notActions.map((a) => `NotAction ${a}`)].join(", ")} besides sts:AssumeRole`;
  }
  return undefined;
}
