import { PolicyResource } from "@pulumi/policy";
import { arnResourceName } from "./iamPatterns";
import { readKnown, UNKNOWN } from "./unknownValues";

/**
 * Joins between resources for stack rules: which encryption configuration belongs to which
 * bucket, which role a function runs as, which invoke configuration targets which function.
 *
 * A resource refers to another through an input such as `bucket`, `role` or `functionName`:
 * - when the engine sent per-property dependencies (`propertyDependencies[input]`), they decide:
 *   they name the resources the input was computed from, even while its value is unknown during
 *   a preview;
 * - otherwise a known value is compared with the target's identifiers (its name, id or ARN as
 *   AWS knows them); an ARN is also compared by the resource name inside it;
 * - an unknown value without per-property dependencies refers to the only resource of the
 *   target's kind among the resource's dependencies, if there is exactly one.
 */
export interface JoinTarget {
  /** Properties of the target whose values others use to refer to it (`bucket`, `arn`, `name`...). */
  readonly identifierProperties: readonly string[];
  /** Resources of the same kind as the target (Bucket and BucketV2 are one kind). */
  readonly isSameKind: (resource: PolicyResource) => boolean;
}

export function refersTo(from: PolicyResource, input: string, to: PolicyResource, target: JoinTarget): boolean {
  const sources = from.propertyDependencies?.[input] ?? [];
  if (sources.length > 0) return sources.includes(to);
  const value = readKnown(() => from.props[input]);
  if (value !== UNKNOWN) return typeof value === "string" && identifiersOf(to, target).some((id) => sameResource(value, id));
  const candidates = from.dependencies.filter(target.isSameKind);
  return candidates.length === 1 && candidates[0] === to;
}

function identifiersOf(resource: PolicyResource, target: JoinTarget): string[] {
  const identifiers: string[] = [];
  for (const property of target.identifierProperties) {
    const value = readKnown(() => resource.props[property]);
    if (typeof value === "string" && value !== "") identifiers.push(value);
  }
  return identifiers;
}

function sameResource(reference: string, identifier: string): boolean {
  return reference === identifier || arnResourceName(reference) === identifier;
}

/**
 * Whether a reference held in `input` of `from` (nested inside it or not) names one of `targets`:
 * the input's per-property dependencies decide when they name a target; otherwise the value,
 * read only then (it may be unknown during a preview), is compared with the targets' identifiers.
 */
export function namesOneOf(from: PolicyResource, input: string, read: () => string, targets: readonly PolicyResource[], target: JoinTarget): boolean {
  const sources = from.propertyDependencies?.[input] ?? [];
  if (sources.some((source) => targets.includes(source))) return true;
  const value = read();
  return targets.some((candidate) => identifiersOf(candidate, target).some((id) => sameResource(value, id)));
}
