import { EnforcementLevel, ResourceValidationPolicy, Severity, StackValidationPolicy } from "@pulumi/policy";
import { isUnknownValueError } from "../lib/unknownValues";
import { EngineContext, enforcementLevelOf, NotApplicable, ResourceSnapshot, resourceValidationArgs, stackValidationArgs } from "./engineArgs";

/**
 * Runs rules over a set of resources the way the engine does during a preview: every resource
 * rule on every resource, every stack rule once on the whole set. A rule that reads a value still
 * unknown gives an advisory "cannot verify" finding instead of its result, as in the engine.
 */

export interface Finding {
  readonly policyName: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly severity?: Severity;
  /** `cannot-verify`: the rule read a value that is unknown until the resource it comes from exists. */
  readonly outcome: "violation" | "cannot-verify";
  readonly message: string;
  readonly urn?: string;
  readonly resourceName?: string;
  readonly resourceType?: string;
}

export interface NotApplicableRecord {
  readonly policyName: string;
  readonly urn?: string;
  readonly reason?: string;
}

export interface PolicyRun {
  readonly findings: Finding[];
  readonly notApplicable: NotApplicableRecord[];
}

type AnyPolicy = ResourceValidationPolicy | StackValidationPolicy;

export async function runPolicies(policies: readonly AnyPolicy[], resources: readonly ResourceSnapshot[], context: EngineContext = {}): Promise<PolicyRun> {
  const run: PolicyRun = { findings: [], notApplicable: [] };
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  for (const policy of policies) {
    const configured = enforcementLevelOf(policy, context);
    if (configured === "disabled") continue;
    // Like the engine: a violation that survives remediation is reported as mandatory.
    const level = configured === "remediate" ? "mandatory" : configured;
    const record = (outcome: Finding["outcome"], message: string, urn: string | undefined) => {
      const resource = urn === undefined ? undefined : byUrn.get(urn);
      run.findings.push({
        policyName: policy.name,
        enforcementLevel: outcome === "violation" ? level : "advisory",
        severity: policy.severity,
        outcome,
        message,
        urn,
        resourceName: resource?.name,
        resourceType: resource?.type,
      });
    };
    const attempt = async (urn: string | undefined, validate: () => void | Promise<void>) => {
      try {
        await validate();
      } catch (error) {
        if (isUnknownValueError(error)) record("cannot-verify", `cannot verify during preview: ${(error as Error).message}`, urn);
        else if (error instanceof NotApplicable) run.notApplicable.push({ policyName: policy.name, urn, reason: error.reason });
        else throw new Error(`policy ${policy.name} failed on ${urn ?? "the stack"}: ${(error as Error).stack ?? error}`, { cause: error });
      }
    };
    if ("validateStack" in policy) {
      const args = stackValidationArgs(resources, policy, context);
      await attempt(undefined, () => policy.validateStack(args, (message, urn) => record("violation", message, urn)));
      continue;
    }
    const validations = [policy.validateResource ?? []].flat();
    for (const resource of resources) {
      for (const validate of validations) {
        const args = resourceValidationArgs(resource, resources, policy, context);
        await attempt(resource.urn, () => validate(args, (message) => record("violation", message, resource.urn)));
      }
    }
  }
  return run;
}
