import { expect } from "chai";
import { EnforcementLevel, PolicySeverity } from "@pulumi/pulumi/proto/analyzer_pb";
import { ResourceSnapshot } from "../../policies/offline/engineArgs";
import { Finding, runPolicies } from "../../policies/offline/runPolicies";
import { policies } from "../../policies/rules";
import { checkProgram } from "../../tools/policyCheck";
import { EngineDiagnostic, PackServer } from "../support/policyPackServer";
import { resource, TYPE, UNKNOWN } from "../support/policyRuleRunner";

/**
 * The pack as `pulumi preview --policy-pack policies` runs it: policies/index.ts in its own
 * process, answering the engine's analyzer calls. The offline check must report exactly what the
 * pack reports to the engine, or a green `npm run policy:check` would promise nothing.
 */
describe("policies: the pack served to the engine", function () {
  this.timeout(60_000);
  let server: PackServer;

  before(async () => {
    server = await PackServer.start();
  });
  after(() => server?.stop());

  it("announces every rule with its severity and enforcement level", async () => {
    const info = await server.info();
    expect(info.getName()).to.equal("flight-data-pipeline-guardrails");
    const announced = info
      .getPoliciesList()
      .map((policy) => [policy.getName(), nameOf(PolicySeverity, policy.getSeverity()), nameOf(EnforcementLevel, policy.getEnforcementlevel())]);
    const declared = policies.map((policy) => [policy.name, `POLICY_SEVERITY_${policy.severity?.toUpperCase()}`, policy.enforcementLevel?.toUpperCase()]);
    expect(announced).to.deep.equal(declared);
  });

  it("reports on the broken program exactly what the offline check reports", async () => {
    const { program, run } = await checkProgram("dev", "broken");
    const resources: ResourceSnapshot[] = program.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      inputs: r.inputs,
      outputs: r.state,
      parent: r.parent,
      dependencies: r.dependencies,
    }));
    const fromEngine: EngineDiagnostic[] = [];
    for (const snapshot of resources) fromEngine.push(...(await server.analyze(snapshot)));
    fromEngine.push(...(await server.analyzeStack(resources)));
    expect(fromEngine.length).to.be.greaterThan(policies.length);
    expect(sorted(fromEngine)).to.deep.equal(sorted(run.findings.map(asDiagnostic)));
  });

  it("answers an input unknown during a preview with an advisory, as the offline check does", async () => {
    const queue = resource(TYPE.queue, "ingestion-dlq", { kmsMasterKeyId: UNKNOWN, messageRetentionSeconds: 1209600 });
    const fromEngine = (await server.analyze(queue)).filter((d) => d.policyName === "sqs-queue-cmk-encryption");
    const offline = (await runPolicies(policies, [queue])).findings.filter((f) => f.policyName === "sqs-queue-cmk-encryption");
    expect(fromEngine.map((d) => d.enforcementLevel)).to.deep.equal(["advisory"]);
    expect(fromEngine[0].message).to.match(/during preview/);
    expect(offline.map((f) => [f.outcome, f.enforcementLevel])).to.deep.equal([["cannot-verify", "advisory"]]);
  });
});

/** The generated protobuf enums are plain objects without TypeScript's reverse mapping. */
function nameOf(enumeration: object, value: number): string | undefined {
  return Object.entries(enumeration).find(([, candidate]) => candidate === value)?.[0];
}

function asDiagnostic(finding: Finding): EngineDiagnostic {
  return {
    policyName: finding.policyName,
    enforcementLevel: finding.enforcementLevel === "mandatory" ? "mandatory" : "advisory",
    urn: finding.urn ?? "",
    message: finding.message,
  };
}

function sorted(diagnostics: EngineDiagnostic[]): string[] {
  return diagnostics.map((d) => `${d.policyName} ${d.enforcementLevel} ${d.urn} ${d.message}`).sort();
}
