import { checkEach } from "./unknownValues";

/**
 * IAM policy documents as the rules see them. AWS accepts a document as a JSON string or (through
 * Pulumi) as an object, a single statement or a list of them, and `Action`, `Resource` and
 * principal values as a string or a list. Parsing flattens all of that into one shape with
 * action names, condition operators and condition keys lower-cased, because IAM compares them
 * case-insensitively; ARNs keep their case.
 */

export interface Principals {
  /** `"*"` or `{"AWS": "*"}`: anyone, in any account. */
  readonly everyone: boolean;
  readonly aws: readonly string[];
  readonly service: readonly string[];
  readonly federated: readonly string[];
  readonly canonicalUser: readonly string[];
}

export interface Condition {
  /** Lower-cased, with any `ForAnyValue:`/`ForAllValues:` prefix and `IfExists` suffix removed. */
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

export interface PolicyStatement {
  /** Where the statement sits, for messages: "statement 2 (Sid WriteTraces)". */
  readonly label: string;
  readonly effect: "allow" | "deny";
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  readonly principal?: Principals;
  readonly notPrincipal?: Principals;
  readonly conditions: readonly Condition[];
}

export class PolicyDocumentError extends Error {}

/**
 * Calls `visit` for each statement. A statement whose values are unknown during a preview does
 * not stop the others from being checked (see `checkEach`).
 */
export function forEachStatement(document: unknown, visit: (statement: PolicyStatement) => void): void {
  const parsed = typeof document === "string" ? parseJson(document) : document;
  if (!isRecord(parsed)) throw new PolicyDocumentError("the policy document is not a JSON object");
  const statements = element(parsed, "Statement");
  if (statements === undefined) throw new PolicyDocumentError("the policy document has no Statement");
  const list: unknown[] = Array.isArray(statements) ? [...statements] : [statements];
  checkEach(list.entries(), ([index, raw]) => visit(toStatement(raw, index)));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PolicyDocumentError(`the policy document is not valid JSON: ${(error as Error).message}`);
  }
}

function toStatement(raw: unknown, index: number): PolicyStatement {
  if (!isRecord(raw)) throw new PolicyDocumentError(`statement ${index + 1} is not an object`);
  const sid = element(raw, "Sid");
  const label = typeof sid === "string" && sid !== "" ? `statement ${index + 1} (Sid ${sid})` : `statement ${index + 1}`;
  const effect = String(element(raw, "Effect") ?? "").toLowerCase();
  if (effect !== "allow" && effect !== "deny") {
    throw new PolicyDocumentError(`${label} has Effect ${JSON.stringify(effect)}, expected Allow or Deny`);
  }
  const principal = element(raw, "Principal");
  const notPrincipal = element(raw, "NotPrincipal");
  return {
    label,
    effect,
    actions: strings(element(raw, "Action")).map(lower),
    notActions: strings(element(raw, "NotAction")).map(lower),
    resources: strings(element(raw, "Resource")),
    notResources: strings(element(raw, "NotResource")),
    principal: principal === undefined ? undefined : toPrincipals(principal),
    notPrincipal: notPrincipal === undefined ? undefined : toPrincipals(notPrincipal),
    conditions: toConditions(element(raw, "Condition")),
  };
}

function toPrincipals(raw: unknown): Principals {
  if (raw === "*") return { everyone: true, aws: ["*"], service: [], federated: [], canonicalUser: [] };
  if (!isRecord(raw)) throw new PolicyDocumentError(`principal ${JSON.stringify(raw)} is neither "*" nor an object`);
  const aws = strings(element(raw, "AWS"));
  return {
    everyone: aws.includes("*"),
    aws,
    service: strings(element(raw, "Service")).map(lower),
    federated: strings(element(raw, "Federated")),
    canonicalUser: strings(element(raw, "CanonicalUser")),
  };
}

function toConditions(raw: unknown): Condition[] {
  if (raw === undefined) return [];
  if (!isRecord(raw)) throw new PolicyDocumentError("Condition is not an object");
  const conditions: Condition[] = [];
  for (const [operator, byKey] of Object.entries(raw)) {
    if (!isRecord(byKey)) throw new PolicyDocumentError(`Condition operator ${operator} does not map keys to values`);
    for (const [key, values] of Object.entries(byKey)) {
      conditions.push({ operator: baseOperator(operator), key: key.toLowerCase(), values: strings(values) });
    }
  }
  return conditions;
}

/** `ForAnyValue:StringLikeIfExists` and `StringLike` constrain the same way for these rules. */
function baseOperator(operator: string): string {
  return operator
    .toLowerCase()
    .replace(/^for(any|all)values:/, "")
    .replace(/ifexists$/, "");
}

/** Element names are matched case-insensitively so an oddly spelled key cannot slip past a rule. */
function element(record: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : record[key];
}

function strings(raw: unknown): string[] {
  if (raw === undefined || raw === null) return [];
  const list: unknown[] = Array.isArray(raw) ? [...raw] : [raw];
  return list.map((value) => String(value));
}

function lower(value: string): string {
  return value.toLowerCase();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
