/**
 * The offline policy check: `npm run policy:check -- --stack <dev|prod> [--variant broken]
 * [--policy-config <file.json>]`.
 *
 * Builds the program under Pulumi's mocks with the stack's configuration, runs every rule of the
 * CrossGuard pack in policies/ the way `pulumi preview --policy-pack policies` would (resource
 * rules on each resource's inputs, stack rules once on every resource's outputs with parents and
 * dependencies linked), prints what they found, and exits non-zero on any mandatory violation.
 * No AWS account and no Pulumi CLI are needed.
 */
import * as fs from "fs";
import { parseArgs } from "util";
import { buildMockedProgram, MockedProgram } from "../mocked-program/mockedProgram";
import { ResourceSnapshot } from "../policies/offline/engineArgs";
import { Finding, PolicyRun, runPolicies } from "../policies/offline/runPolicies";
import { policies } from "../policies/rules";
import { brokenProgram } from "./brokenProgram";

export type ProgramVariant = "real" | "broken";

export interface PolicyCheck {
  readonly program: MockedProgram;
  readonly run: PolicyRun;
  readonly mandatoryViolations: Finding[];
}

/** Per-policy configuration in the format of `pulumi preview --policy-pack-config <file>`. */
export type PolicyConfig = Record<string, unknown>;

export async function checkProgram(stack: string, variant: ProgramVariant = "real", policyConfig: PolicyConfig = {}): Promise<PolicyCheck> {
  const program = await buildMockedProgram({ stack, program: variant === "broken" ? brokenProgram : undefined });
  const resources = program.resources.map((resource): ResourceSnapshot => ({
    urn: resource.urn,
    type: resource.type,
    name: resource.name,
    inputs: resource.inputs,
    outputs: resource.state,
    parent: resource.parent,
    dependencies: resource.dependencies,
    provider: resource.provider,
  }));
  const run = await runPolicies(policies, resources, {
    policyConfig: engineConfig(policyConfig),
    stackTags: new Map([
      ["pulumi:project", program.project],
      ["pulumi:runtime", "nodejs"],
    ]),
  });
  const mandatoryViolations = run.findings.filter((f) => f.outcome === "violation" && f.enforcementLevel === "mandatory");
  return { program, run, mandatoryViolations };
}

/**
 * The CLI accepts a bare enforcement level for a policy (`"rule": "advisory"`) and `all` for every
 * policy; the engine receives an object per policy.
 */
function engineConfig(config: PolicyConfig): Record<string, Record<string, unknown>> {
  const asObject = (value: unknown) => (typeof value === "string" ? { enforcementLevel: value } : (value as Record<string, unknown>));
  const all = config.all === undefined ? {} : asObject(config.all);
  return Object.fromEntries(policies.map((policy) => [policy.name, { ...all, ...(config[policy.name] === undefined ? {} : asObject(config[policy.name])) }]));
}

export function formatFindings(findings: readonly Finding[]): string {
  const rows = findings.map((finding) => [
    finding.policyName,
    finding.outcome === "violation" ? finding.enforcementLevel : "cannot verify",
    finding.resourceName ?? "(stack)",
    finding.message,
  ]);
  const header = ["RULE", "LEVEL", "RESOURCE", "MESSAGE"];
  const widths = header.slice(0, 3).map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column < 3 ? cell.padEnd(widths[column]) : cell)).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string" },
      variant: { type: "string", default: "real" },
      "policy-config": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const usage = "usage: npm run policy:check -- --stack <dev|prod> [--variant real|broken] [--policy-config <file.json>]";
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (values.stack === undefined || (values.variant !== "real" && values.variant !== "broken")) {
    console.error(usage);
    return 2;
  }
  const policyConfig = values["policy-config"] === undefined ? {} : JSON.parse(fs.readFileSync(values["policy-config"], "utf8"));
  const { program, run, mandatoryViolations } = await checkProgram(values.stack, values.variant, policyConfig);
  const label = values.variant === "broken" ? `${values.stack} (broken variant)` : values.stack;
  if (run.findings.length > 0) console.log(formatFindings(run.findings));
  const advisory = run.findings.length - mandatoryViolations.length;
  console.log(
    `\npolicy check ${label}: ${policies.length} rules on ${program.resources.length} resources: ` +
      `${mandatoryViolations.length} mandatory violation(s), ${advisory} advisory finding(s)`,
  );
  return mandatoryViolations.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error(error);
      process.exit(2);
    },
  );
}
