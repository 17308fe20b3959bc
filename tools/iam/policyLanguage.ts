/**
 * IAM policy documents in the shape the evaluator reads: every element a list, everything as
 * written (patterns.ts compares action names case-insensitively, as IAM does).
 *
 * The parser accepts what the stack's documents use and refuses, by name, what the evaluator does
 * not implement (policy variables, condition operators outside conditionOperators.ts), so a
 * document it cannot judge fails loudly instead of being judged wrongly.
 */
import { CONDITION_OPERATORS, type ConditionOperator } from "./conditionOperators";

export type DocumentKind = "identity" | "resource" | "key";

export interface Principals {
  /** `"*"` or `{"AWS": "*"}`. */
  readonly everyone: boolean;
  readonly aws: readonly string[];
  readonly service: readonly string[];
  readonly federated: readonly string[];
}

export interface ParsedCondition {
  /** As written, for messages: `ForAllValues:StringLike`. */
  readonly text: string;
  readonly set?: "ForAnyValue" | "ForAllValues";
  readonly operator: ConditionOperator;
  readonly ifExists: boolean;
  /** As written; looked up case-insensitively. */
  readonly key: string;
  readonly values: readonly string[];
}

export interface ParsedStatement {
  readonly sid?: string;
  /** 0-based position in the document. */
  readonly index: number;
  readonly effect: "Allow" | "Deny";
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  readonly principal?: Principals;
  readonly notPrincipal?: Principals;
  readonly conditions: readonly ParsedCondition[];
}

export interface PolicyDocument {
  /** Where it comes from, for the report: "role policy flight-data-pipeline-dev-ingestion-policy". */
  readonly name: string;
  readonly kind: DocumentKind;
  readonly statements: readonly ParsedStatement[];
}

export class PolicyLanguageError extends Error {}

export function parsePolicy(name: string, kind: DocumentKind, document: unknown): PolicyDocument {
  const parsed = typeof document === "string" ? parseJson(name, document) : document;
  if (!isRecord(parsed)) throw new PolicyLanguageError(`${name}: the policy document is not a JSON object`);
  const version = parsed.Version;
  if (version !== undefined && version !== "2012-10-17") {
    throw new PolicyLanguageError(`${name}: Version ${JSON.stringify(version)}; only 2012-10-17 is evaluated`);
  }
  const raw = parsed.Statement;
  if (raw === undefined) throw new PolicyLanguageError(`${name}: the document has no Statement`);
  const list: unknown[] = Array.isArray(raw) ? raw : [raw];
  return { name, kind, statements: list.map((statement, index) => parseStatement(name, kind, statement, index)) };
}

function parseStatement(name: string, kind: DocumentKind, raw: unknown, index: number): ParsedStatement {
  const where = `${name} statement ${index + 1}`;
  if (!isRecord(raw)) throw new PolicyLanguageError(`${where} is not an object`);
  const known = new Set(["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"]);
  for (const element of Object.keys(raw)) {
    if (!known.has(element)) throw new PolicyLanguageError(`${where} has the element ${element}, which IAM does not know`);
  }
  const effect = raw.Effect;
  if (effect !== "Allow" && effect !== "Deny") throw new PolicyLanguageError(`${where} has Effect ${JSON.stringify(effect)}`);
  const sid = typeof raw.Sid === "string" && raw.Sid !== "" ? raw.Sid : undefined;
  const label = sid === undefined ? where : `${where} (${sid})`;

  const actions = optionalStrings(label, raw.Action);
  const notActions = optionalStrings(label, raw.NotAction);
  if ((actions === undefined) === (notActions === undefined)) throw new PolicyLanguageError(`${label} needs exactly one of Action and NotAction`);
  const resources = optionalStrings(label, raw.Resource);
  const notResources = optionalStrings(label, raw.NotResource);
  if ((resources === undefined) === (notResources === undefined)) throw new PolicyLanguageError(`${label} needs exactly one of Resource and NotResource`);
  for (const value of [...(resources ?? []), ...(notResources ?? [])]) refuseVariables(label, value);

  const principal = raw.Principal === undefined ? undefined : parsePrincipals(label, raw.Principal);
  const notPrincipal = raw.NotPrincipal === undefined ? undefined : parsePrincipals(label, raw.NotPrincipal);
  if (kind === "identity" && (principal !== undefined || notPrincipal !== undefined)) {
    throw new PolicyLanguageError(`${label}: an identity policy names no Principal`);
  }
  if (kind !== "identity" && principal === undefined && notPrincipal === undefined) {
    throw new PolicyLanguageError(`${label}: a ${kind} policy statement needs a Principal`);
  }
  return {
    ...(sid === undefined ? {} : { sid }),
    index,
    effect,
    ...(actions === undefined ? {} : { actions }),
    ...(notActions === undefined ? {} : { notActions }),
    ...(resources === undefined ? {} : { resources }),
    ...(notResources === undefined ? {} : { notResources }),
    ...(principal === undefined ? {} : { principal }),
    ...(notPrincipal === undefined ? {} : { notPrincipal }),
    conditions: parseConditions(label, raw.Condition),
  };
}

function parsePrincipals(label: string, raw: unknown): Principals {
  if (raw === "*") return { everyone: true, aws: ["*"], service: [], federated: [] };
  if (!isRecord(raw)) throw new PolicyLanguageError(`${label}: principal ${JSON.stringify(raw)} is neither "*" nor an object`);
  for (const type of Object.keys(raw)) {
    if (!["AWS", "Service", "Federated"].includes(type)) throw new PolicyLanguageError(`${label}: principal type ${type} is not evaluated`);
  }
  const aws = optionalStrings(label, raw.AWS) ?? [];
  return {
    everyone: aws.includes("*"),
    aws,
    service: (optionalStrings(label, raw.Service) ?? []).map((service) => service.toLowerCase()),
    federated: optionalStrings(label, raw.Federated) ?? [],
  };
}

function parseConditions(label: string, raw: unknown): ParsedCondition[] {
  if (raw === undefined) return [];
  if (!isRecord(raw)) throw new PolicyLanguageError(`${label}: Condition is not an object`);
  const conditions: ParsedCondition[] = [];
  for (const [text, byKey] of Object.entries(raw)) {
    const match = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/i.exec(text);
    const base = match?.[2] ?? text;
    const operator = CONDITION_OPERATORS.find((candidate) => candidate.toLowerCase() === base.toLowerCase());
    if (operator === undefined) {
      throw new PolicyLanguageError(`${label}: the condition operator ${text} is not one the evaluator implements (${CONDITION_OPERATORS.join(", ")})`);
    }
    const setText = match?.[1]?.toLowerCase();
    const set = setText === "foranyvalue" ? "ForAnyValue" : setText === "forallvalues" ? "ForAllValues" : undefined;
    const ifExists = match?.[3] !== undefined;
    if (operator === "Null" && (set !== undefined || ifExists)) throw new PolicyLanguageError(`${label}: ${text} is not a valid operator`);
    if (!isRecord(byKey)) throw new PolicyLanguageError(`${label}: ${text} does not map condition keys to values`);
    for (const [key, values] of Object.entries(byKey)) {
      const list = (Array.isArray(values) ? values : [values]).map((value) => {
        if (typeof value !== "string" && typeof value !== "boolean" && typeof value !== "number") {
          throw new PolicyLanguageError(`${label}: ${text} ${key} has the value ${JSON.stringify(value)}`);
        }
        return String(value);
      });
      list.forEach((value) => refuseVariables(label, value));
      conditions.push({ text, ...(set === undefined ? {} : { set }), operator, ifExists, key, values: list });
    }
  }
  return conditions;
}

/** Policy variables (`${aws:username}`) would need the request's values substituted; none of our documents uses them. */
function refuseVariables(label: string, value: string): void {
  if (value.includes("${")) throw new PolicyLanguageError(`${label}: ${value} holds a policy variable, which the evaluator does not substitute`);
}

function optionalStrings(label: string, raw: unknown): string[] | undefined {
  if (raw === undefined) return undefined;
  const list: unknown[] = Array.isArray(raw) ? raw : [raw];
  return list.map((value) => {
    if (typeof value !== "string") throw new PolicyLanguageError(`${label}: ${JSON.stringify(value)} is not a string`);
    return value;
  });
}

function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PolicyLanguageError(`${name}: the policy document is not JSON: ${(error as Error).message}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
