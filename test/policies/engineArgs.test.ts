import { expect } from "chai";
// The pack's own copy of the provider SDK, whose classes the rules match resources against.
import * as aws from "../../policies/node_modules/@pulumi/aws";
import { NotApplicable, resourceValidationArgs, stackValidationArgs } from "../../policies/offline/engineArgs";
import { logGroupRetention } from "../../policies/rules/operations";
import { resource, TYPE, UNKNOWN } from "../support/policyRuleRunner";

/** The offline argument builder against what @pulumi/policy's server hands to rules. */
describe("policies: validation arguments built like the engine's", () => {
  const stackTags = new Map([["pulumi:project", "flight-data-pipeline"]]);
  const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "s3cr3t" };

  it("unwraps secrets, drops absent values and guards unknown ones with the proxy", () => {
    const queue = resource(TYPE.queue, "q", { name: secret, policy: undefined, kmsMasterKeyId: UNKNOWN });
    const args = resourceValidationArgs(queue, [queue], logGroupRetention, { stackTags });
    expect(args.props.name).to.equal("s3cr3t");
    expect(Object.keys(args.props)).to.deep.equal(["name", "kmsMasterKeyId"]);
    expect(() => args.props.kmsMasterKeyId).to.throw(/can't be known during preview/);
  });

  it("answers isType, asType, getConfig with schema defaults, notApplicable and stackTags", () => {
    const logGroup = resource(TYPE.logGroup, "logs", { retentionInDays: 7 });
    const args = resourceValidationArgs(logGroup, [logGroup], logGroupRetention, {
      stackTags,
      policyConfig: { [logGroupRetention.name]: { enforcementLevel: "advisory" } },
    });
    expect([args.isType(aws.cloudwatch.LogGroup), args.isType(aws.sqs.Queue)]).to.deep.equal([true, false]);
    expect(args.asType(aws.cloudwatch.LogGroup)).to.deep.include({ retentionInDays: 7 });
    expect(args.asType(aws.sqs.Queue)).to.equal(undefined);
    expect(args.getConfig()).to.deep.equal({ minimumRetentionDays: 7 });
    expect(args.stackTags.get("pulumi:project")).to.equal("flight-data-pipeline");
    expect(() => args.notApplicable("no")).to.throw(NotApplicable);
  });

  it("links parents and dependencies between the stack's resource objects, dropping unknown URNs", () => {
    const component = resource(TYPE.component, "ingestion", {});
    const role = resource(TYPE.role, "ingestion-role", {}, { parent: component });
    const fn = resource(TYPE.function, "ingestion-fn", { role: "arn" }, { parent: component, propertyDependencies: { role: [role] } });
    const withOutsider = { ...fn, dependencies: [role.urn, "urn:pulumi:test::other::aws:iam/role:Role::outside"] };
    const args = stackValidationArgs([component, role, withOutsider], logGroupRetention, { stackTags });
    const [componentResource, roleResource, fnResource] = args.resources;
    expect(fnResource.parent).to.equal(componentResource);
    expect(fnResource.dependencies).to.deep.equal([roleResource]);
    expect(fnResource.propertyDependencies.role).to.deep.equal([roleResource]);
    expect(fnResource.opts.parent).to.equal(component.urn);
  });
});
