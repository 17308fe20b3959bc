import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { policies } from "../../policies/rules";

/**
 * Rules whose violation costs money or convenience but not confidentiality, integrity or
 * availability, or that report what the pack cannot verify or a grant broader than it needs.
 */
const ADVISORY_RULES = ["s3-bucket-key-enabled", "kms-grant-via-service", "dynamodb-grant-leading-keys", "unverifiable-outside-references"];

describe("policies: rule metadata", () => {
  it("gives every rule a unique kebab-case name, a description, a severity and remediation steps", () => {
    const names = policies.map((policy) => policy.name);
    expect(new Set(names).size, "duplicate rule names").to.equal(names.length);
    for (const policy of policies) {
      expect(policy.name).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(policy.description, policy.name).to.have.length.greaterThan(20);
      expect(policy.severity, policy.name).to.be.oneOf(["low", "medium", "high", "critical"]);
      expect(policy.remediationSteps, policy.name).to.have.length.greaterThan(20);
    }
  });

  it("makes every rule mandatory except the advisory ones", () => {
    const levels = Object.fromEntries(policies.map((policy) => [policy.name, policy.enforcementLevel]));
    for (const [name, level] of Object.entries(levels)) {
      expect(level, name).to.equal(ADVISORY_RULES.includes(name) ? "advisory" : "mandatory");
    }
  });

  it("declares config defaults that satisfy their own schema", () => {
    const configurable = policies.filter((policy) => policy.configSchema !== undefined);
    expect(configurable.map((policy) => policy.name)).to.include.members([
      "iam-no-wildcard-resources",
      "cloudwatch-log-group-retention",
      "lambda-supported-runtime",
    ]);
    for (const policy of configurable) {
      for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
        if (typeof schema !== "object") throw new Error(`${policy.name}.${key} has no schema object`);
        const value = schema.default;
        const where = `${policy.name}.${key}`;
        const valid =
          schema.type === "array"
            ? Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "string")
            : schema.type === "integer"
              ? Number.isInteger(value) && (value as number) >= (schema.minimum ?? -Infinity)
              : schema.type === "object"
                ? typeof value === "object" && value !== null && Object.values(value).every((item) => typeof item === "string")
                : false;
        expect(valid, `${where} (${schema.type}) default ${JSON.stringify(value)}`).to.equal(true);
      }
    }
  });

  it("documents every rule, and only those, with its level, in policies/RULES.md", () => {
    const text = fs.readFileSync(path.resolve(__dirname, "../../policies/RULES.md"), "utf8");
    const documented = [...text.matchAll(/^\| `([a-z0-9]+(?:-[a-z0-9]+)+)` \| ([MA]) \|/gm)].map((match) => `${match[1]} ${match[2]}`);
    const levels = policies.map((policy) => `${policy.name} ${policy.enforcementLevel === "advisory" ? "A" : "M"}`);
    expect(documented.sort()).to.deep.equal(levels.sort());
  });

  it("keeps the rules table in policies/RULES.md alone: no other document restates it", () => {
    const others = ["README.md", ...fs.readdirSync(path.resolve(__dirname, "../../docs")).map((name) => `docs/${name}`)];
    for (const document of others) {
      const text = fs.readFileSync(path.resolve(__dirname, "../..", document), "utf8");
      expect(text, document).to.not.match(/^\| `[a-z0-9]+(?:-[a-z0-9]+)+` \| [MA] \|/m);
    }
  });
});
