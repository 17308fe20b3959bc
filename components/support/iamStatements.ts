import * as pulumi from "@pulumi/pulumi";

/** One IAM statement whose ARNs may still be unknown while the program runs. */
export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource: pulumi.Input<string> | pulumi.Input<string>[];
  Principal?: Record<string, pulumi.Input<string> | pulumi.Input<string>[]> | "*";
  Condition?: Record<string, Record<string, pulumi.Input<string> | pulumi.Input<string>[] | boolean>>;
}

/** The IAM JSON policy document for the statements, resolved once every ARN is known. */
export function policyDocument(statements: PolicyStatement[]): pulumi.Output<string> {
  return pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements });
}

/** The trust policy that lets only the Lambda service assume a role. */
export const LAMBDA_TRUST_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});
