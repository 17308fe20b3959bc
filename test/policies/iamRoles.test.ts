import { noBroadManagedPolicies } from "../../policies/rules/iamManagedPolicies";
import { lambdaRoleTrustsOnlyLambda } from "../../policies/rules/lambdaRoleTrust";
import { ACCOUNT, expectCompliant, expectViolations, policyDocument, resource, TYPE, UNKNOWN } from "../support/policyRuleRunner";

const LAMBDA_TRUST = policyDocument({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });

describe("policies: IAM roles", () => {
  describe("iam-no-broad-managed-policies", () => {
    it("accepts a narrowly scoped AWS-managed policy", () =>
      expectCompliant(
        noBroadManagedPolicies,
        resource(TYPE.rolePolicyAttachment, "insights", {
          role: "ingestion-role",
          policyArn: "arn:aws:iam::aws:policy/CloudWatchLambdaInsightsExecutionRolePolicy",
        }),
      ));

    it("rejects AdministratorAccess and *FullAccess on roles, attachments and policy attachments", () =>
      expectViolations(
        noBroadManagedPolicies,
        [
          resource(TYPE.role, "callback-default-role", {
            assumeRolePolicy: LAMBDA_TRUST,
            managedPolicyArns: ["arn:aws:iam::aws:policy/AWSLambda_FullAccess", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
          }),
          resource(TYPE.rolePolicyAttachment, "admin", { role: "ingestion-role", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }),
          resource(TYPE.policyAttachment, "s3-everything", { roles: ["processing-role"], policyArn: "arn:aws:iam::aws:policy/amazons3fullaccess" }),
        ],
        [
          { resource: "callback-default-role", message: /AWSLambda_FullAccess/ },
          { resource: "admin", message: /AdministratorAccess/ },
          { resource: "s3-everything", message: /amazons3fullaccess/ },
        ],
      ));
  });

  describe("lambda-role-trusts-only-lambda", () => {
    const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
    const fn = (name: string, role: string, graph = {}) => resource(TYPE.function, name, { role, runtime: "nodejs22.x", handler: "index.handler" }, graph);

    it("accepts a function whose role, found by its ARN, trusts only lambda.amazonaws.com", () => {
      const role = resource(TYPE.role, "ingestion-role", { name: "ingestion-role-8d0f3a2", assumeRolePolicy: LAMBDA_TRUST });
      return expectCompliant(lambdaRoleTrustsOnlyLambda, [fn("ingestion", roleArn("ingestion-role-8d0f3a2")), role]);
    });

    it("rejects a role that other services or accounts may also assume", () => {
      const shared = resource(TYPE.role, "shared-role", {
        name: "shared-role",
        assumeRolePolicy: policyDocument(
          { Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com", "ec2.amazonaws.com"] }, Action: "sts:AssumeRole" },
          { Effect: "Allow", Principal: { AWS: `arn:aws:iam::444455556666:root` }, Action: "sts:AssumeRole" },
        ),
      });
      return expectViolations(
        lambdaRoleTrustsOnlyLambda,
        [fn("processing", roleArn("shared-role")), shared],
        [
          { resource: "shared-role", message: /statement 1 also trusts ec2\.amazonaws\.com/ },
          { resource: "shared-role", message: /statement 2 also trusts arn:aws:iam::444455556666:root/ },
        ],
      );
    });

    it("rejects a role whose trust policy does not let Lambda in", () => {
      const scheduler = resource(TYPE.role, "scheduler-role", {
        name: "scheduler-role",
        assumeRolePolicy: policyDocument({ Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole" }),
      });
      return expectViolations(
        lambdaRoleTrustsOnlyLambda,
        [fn("validation", roleArn("scheduler-role")), scheduler],
        [{ resource: "scheduler-role", message: /also trusts scheduler\.amazonaws\.com/ }],
      );
    });

    it("does not fail a compliant function whose role the stack does not create: it cannot see that role", () =>
      expectCompliant(lambdaRoleTrustsOnlyLambda, [fn("elsewhere", roleArn("imported-role"))]));

    it("finds the role through the dependency graph while its ARN is unknown", () => {
      const role = resource(TYPE.role, "validation-role", {
        name: "validation-role",
        assumeRolePolicy: policyDocument({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }),
      });
      return expectViolations(
        lambdaRoleTrustsOnlyLambda,
        [fn("validation", UNKNOWN, { dependencies: [role] }), role],
        [{ resource: "validation-role", message: /allows sts:tagsession besides sts:AssumeRole/ }],
      );
    });
  });
});
