/**
 * The condition operators the stack's documents use, with IAM's rules for them:
 *
 * - A key missing from the request makes a condition false, except for negated operators
 *   (`StringNotEquals`, `ArnNotLike`, …), which are then true; `…IfExists` makes any operator true
 *   for a missing key; `Null` tests presence itself.
 * - Several values for one key are alternatives (any may match); a negated operator holds when
 *   none matches.
 * - A multivalued key (`dynamodb:LeadingKeys`, `kms:EncryptionContextKeys`) is compared with a set
 *   operator: `ForAllValues` holds when every value in the request matches, and therefore also for
 *   a request without the key; `ForAnyValue` holds when at least one does, never for a missing key.
 *
 * Numeric, date, binary and IP-address operators are not implemented: policyLanguage.ts refuses
 * a document that uses them.
 */
import { arnMatches, wildcardMatches } from "./patterns";

export const CONDITION_OPERATORS = [
  "StringEquals",
  "StringNotEquals",
  "StringEqualsIgnoreCase",
  "StringNotEqualsIgnoreCase",
  "StringLike",
  "StringNotLike",
  "ArnEquals",
  "ArnLike",
  "ArnNotEquals",
  "ArnNotLike",
  "Bool",
  "Null",
] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/** A request's condition keys with their values; keys in lower case, as IAM compares them. */
export type ContextValue = string | readonly string[];
export type RequestContext = Readonly<Record<string, ContextValue>>;

export interface ConditionInput {
  readonly set?: "ForAnyValue" | "ForAllValues";
  readonly operator: ConditionOperator;
  readonly ifExists: boolean;
  readonly key: string;
  readonly values: readonly string[];
}

export interface ConditionResult {
  readonly holds: boolean;
  /**
   * The policy values that made it hold: for a positive single-valued comparison, the ones that
   * matched the request; otherwise every value (the list acts as one whole).
   */
  readonly matched: readonly string[];
}

const NEGATED: Partial<Record<ConditionOperator, ConditionOperator>> = {
  StringNotEquals: "StringEquals",
  StringNotEqualsIgnoreCase: "StringEqualsIgnoreCase",
  StringNotLike: "StringLike",
  ArnNotEquals: "ArnEquals",
  ArnNotLike: "ArnLike",
};

function compare(operator: ConditionOperator, requestValue: string, policyValue: string): boolean {
  switch (operator) {
    case "StringEquals":
      return requestValue === policyValue;
    case "StringEqualsIgnoreCase":
      return requestValue.toLowerCase() === policyValue.toLowerCase();
    case "StringLike":
      return wildcardMatches(policyValue, requestValue);
    case "ArnEquals":
    case "ArnLike":
      return arnMatches(policyValue, requestValue);
    case "Bool":
      return requestValue.toLowerCase() === policyValue.toLowerCase();
    default:
      throw new Error(`compare() has no rule for ${operator}`);
  }
}

export function contextValue(context: RequestContext, key: string): ContextValue | undefined {
  return context[key.toLowerCase()];
}

export function evaluateCondition(condition: ConditionInput, context: RequestContext): ConditionResult {
  const all = condition.values;
  const value = contextValue(context, condition.key);
  // For a set operator an empty string is an empty set, as IAM documents for ForAllValues.
  const empty = value === undefined || (Array.isArray(value) && value.length === 0) || (condition.set !== undefined && value === "");
  const present = !empty;

  if (condition.operator === "Null") {
    const holds = all.some((expected) => (expected.toLowerCase() === "true" ? !present : present));
    return { holds, matched: holds ? all : [] };
  }
  const positive = NEGATED[condition.operator];
  const base = positive ?? condition.operator;
  /** Does one request value satisfy the operator? */
  const satisfies = (requestValue: string): boolean => {
    const matches = all.some((policyValue) => compare(base, requestValue, policyValue));
    return positive === undefined ? matches : !matches;
  };

  if (condition.set !== undefined) {
    if (!present) {
      const holds = condition.set === "ForAllValues" || condition.ifExists;
      return { holds, matched: holds ? all : [] };
    }
    const requestValues = typeof value === "string" ? [value] : (value as readonly string[]);
    const holds = condition.set === "ForAllValues" ? requestValues.every(satisfies) : requestValues.some(satisfies);
    return { holds, matched: holds ? all : [] };
  }

  if (!present) {
    const holds = condition.ifExists || positive !== undefined;
    return { holds, matched: holds ? all : [] };
  }
  if (typeof value !== "string") {
    throw new Error(`${condition.key} has several values in the request; a condition on it needs ForAnyValue: or ForAllValues:`);
  }
  if (positive !== undefined) {
    const holds = satisfies(value);
    return { holds, matched: holds ? all : [] };
  }
  const matched = all.filter((policyValue) => compare(base, value, policyValue));
  return { holds: matched.length > 0, matched };
}

/**
 * The alternatives a condition offers, for telling which part of a grant a request used: each
 * value of a positive single-valued comparison on its own, otherwise the whole list as one.
 */
export function conditionAlternatives(condition: ConditionInput): string[][] {
  const splits = condition.set === undefined && NEGATED[condition.operator] === undefined && condition.operator !== "Null";
  return splits ? condition.values.map((value) => [value]) : [[...condition.values]];
}
