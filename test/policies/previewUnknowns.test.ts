import { expect } from "chai";
import { queueEncryptedWithCustomerManagedKey } from "../../policies/rules/encryptionAtRest";
import { noWildcardActions } from "../../policies/rules/iamDocuments";
import { bucketPublicAccessBlocked } from "../../policies/rules/s3Buckets";
import { check, resource, TYPE, UNKNOWN } from "../support/policyRuleRunner";

/**
 * During a preview, inputs computed from other resources' outputs reach the rules as the engine's
 * unknown sentinel behind @pulumi/policy's unknown-checking proxy. A rule must then neither crash
 * nor pass silently: what it can check is reported at its level, and what it cannot becomes an
 * advisory "cannot verify" finding, as the engine reports it.
 */
describe("policies: values unknown during a preview", () => {
  it("turns an unknown input into one advisory finding instead of a crash or a pass", async () => {
    const run = await check(queueEncryptedWithCustomerManagedKey, resource(TYPE.queue, "ingestion-dlq", { kmsMasterKeyId: UNKNOWN }));
    expect(run.findings).to.have.length(1);
    expect(run.findings[0]).to.include({ outcome: "cannot-verify", enforcementLevel: "advisory", resourceName: "ingestion-dlq" });
    expect(run.findings[0].message).to.match(/kmsMasterKeyId can't be known during preview/);
  });

  it("still reports the statements it can read when another statement is unknown", async () => {
    const policy = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::raw/*" },
        { Effect: "Allow", Action: "sqs:SendMessage", Resource: UNKNOWN },
      ],
    };
    const run = await check(noWildcardActions, resource(TYPE.rolePolicy, "ingestion-policy", { role: "ingestion-role", policy }));
    expect(run.findings.map((finding) => [finding.outcome, finding.enforcementLevel])).to.deep.equal([
      ["violation", "mandatory"],
      ["cannot-verify", "advisory"],
    ]);
    expect(run.findings[0].message).to.match(/statement 1: allows the wildcard action s3:\*/);
  });

  it("checks every bucket in a stack rule even when one bucket's settings are unknown", async () => {
    const open = resource(TYPE.bucket, "open", { bucket: "open" });
    const pending = resource(TYPE.bucket, "pending", { bucket: "pending" });
    const openBlock = resource(TYPE.bucketPublicAccessBlock, "open-block", {
      bucket: "open",
      blockPublicAcls: false,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const pendingBlock = resource(
      TYPE.bucketPublicAccessBlock,
      "pending-block",
      { bucket: UNKNOWN, blockPublicAcls: UNKNOWN, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      { propertyDependencies: { bucket: [pending] } },
    );
    const run = await check(bucketPublicAccessBlocked, [pending, open, pendingBlock, openBlock]);
    expect(run.findings.map((finding) => [finding.outcome, finding.resourceName ?? "(stack)"])).to.deep.equal([
      ["violation", "open"],
      ["cannot-verify", "(stack)"],
    ]);
  });
});
