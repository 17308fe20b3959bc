import { expect } from "chai";
import { policies } from "../../policies/rules";
import { checkProgram, formatFindings } from "../../tools/policyCheck";
import { BROKEN_PROGRAM_VIOLATIONS } from "../../tools/brokenProgram";

/** The offline policy check on the program itself, as `npm run policy:check` runs it in CI. */
describe("policies: the program under the offline policy check", function () {
  this.timeout(120_000);

  for (const stack of ["dev", "prod"]) {
    it(`passes every mandatory rule for the ${stack} stack`, async () => {
      const { program, mandatoryViolations } = await checkProgram(stack);
      expect(program.resources.length).to.be.greaterThan(20);
      expect(mandatoryViolations, formatFindings(mandatoryViolations)).to.deep.equal([]);
    });
  }

  it("catches the broken variant, each violation naming its rule and resource", async () => {
    const { run, mandatoryViolations } = await checkProgram("dev", "broken");
    const described = formatFindings(run.findings);
    for (const { rule, resource } of BROKEN_PROGRAM_VIOLATIONS) {
      const caught = run.findings.some((finding) => finding.outcome === "violation" && finding.policyName === rule && finding.resourceName === resource);
      expect(caught, `${rule} did not report ${resource}:\n${described}`).to.equal(true);
    }
    const rulesThatFired = new Set(run.findings.map((finding) => finding.policyName));
    expect(policies.map((policy) => policy.name).filter((name) => !rulesThatFired.has(name))).to.deep.equal([]);
    expect(mandatoryViolations.length).to.be.greaterThan(0);
  });
});
