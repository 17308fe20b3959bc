/**
 * The least-privilege report for one stack: every authorization the local run needed, evaluated
 * against the stack's real documents, and per function
 *
 * - each statement of its role's policy with the calls that used it,
 * - each distinct call with what allowed it (or why AWS would refuse it),
 * - every grant no call used: a statement's action on one of its resources under one of its
 *   condition values (the `quarantine/*` of an s3:prefix list counts on its own), explained or not
 *   by the reasons the components give for grants the local run cannot exercise.
 */
import type { StageName } from "../../contract/dataLayout";
import { conditionAlternatives } from "./conditionOperators";
import { evaluate, type Decision, type StatementMatch } from "./evaluate";
import type { CallOrigin, ObservedCall } from "./observedCalls";
import type { ParsedStatement, PolicyDocument } from "./policyLanguage";
import { policiesFor, type StackAccess } from "./stackAccess";

/** One action on one resource under one choice of values for each condition. */
export interface Grant {
  statement: ParsedStatement;
  action: string;
  resource: string;
  /** Per condition of the statement: the values this grant stands for. */
  conditionValues: readonly (readonly string[])[];
  text: string;
}

export interface StatementUse {
  statement: ParsedStatement;
  document: PolicyDocument;
  grants: Array<{ grant: Grant; uses: number }>;
  /** Distinct calls (shapes) this statement allowed, with how often. */
  calls: Map<string, number>;
  /** Why the local run cannot exercise it, when the components say. */
  reason?: string;
}

export interface DistinctCall {
  shape: string;
  action: string;
  origin: CallOrigin;
  operations: Set<string>;
  count: number;
  outcome: Decision["outcome"];
  /** What allowed it, or why it is refused. */
  explanation: string;
}

export interface FunctionReport {
  stage: StageName;
  functionName: string;
  roleArn: string;
  statements: StatementUse[];
  calls: DistinctCall[];
  unusedGrants: Array<{ grant: Grant; reason?: string }>;
}

export interface StackReport {
  stack: string;
  region: string;
  account: string;
  scenarios: string[];
  authorizations: number;
  functions: FunctionReport[];
}

export function statementLabel(statement: ParsedStatement): string {
  return statement.sid ?? `statement ${statement.index + 1}`;
}

function conditionText(statement: ParsedStatement, conditionValues: readonly (readonly string[])[]): string {
  return statement.conditions
    .map((condition, index) => `${condition.key} ${condition.text} ${(conditionValues[index] ?? condition.values).join(", ")}`)
    .join("; ");
}

function cartesian<T>(lists: readonly (readonly T[])[]): T[][] {
  return lists.reduce<T[][]>((combinations, list) => combinations.flatMap((combination) => list.map((item) => [...combination, item])), [[]]);
}

export function grantsOf(statement: ParsedStatement): Grant[] {
  const actions = statement.actions ?? [`NotAction ${(statement.notActions ?? []).join(", ")}`];
  const resources = statement.resources ?? [`NotResource ${(statement.notResources ?? []).join(", ")}`];
  const alternatives = cartesian(statement.conditions.map((condition) => conditionAlternatives(condition)));
  const grants: Grant[] = [];
  for (const action of actions) {
    for (const resource of resources) {
      for (const conditionValues of alternatives) {
        const conditions = conditionText(statement, conditionValues);
        grants.push({ statement, action, resource, conditionValues, text: `${action} on ${resource}${conditions ? ` when ${conditions}` : ""}` });
      }
    }
  }
  return grants;
}

function grantUsedBy(grant: Grant, match: StatementMatch): boolean {
  if (match.statement !== grant.statement) return false;
  if (match.actionPattern !== undefined && match.actionPattern !== grant.action) return false;
  if (match.resourcePattern !== undefined && match.resourcePattern !== grant.resource) return false;
  return grant.conditionValues.every((values, index) => values.every((value) => match.conditionValues[index]?.includes(value)));
}

/** A tracking item's partition key as the report names it: snapshot ids and compaction's days vary per run. */
function leadingKeyShape(key: string): string {
  if (/^\d+$/.test(key)) return "<snapshot id>";
  if (/^\d{4}-\d{2}-\d{2}$/.test(key)) return "<day>";
  return key;
}

/** Groups calls that differ only in what varies per snapshot (object keys, snapshot ids, days, log streams). */
export function callShape(call: ObservedCall): string {
  const { action, resource, context } = call.request;
  const shapedResource = resource.replace(/^(arn:[^:]+:s3:::[^/]+\/[^/]+\/).+$/, "$1…").replace(/(:log-stream:).+$/, "$1…");
  const details: string[] = [];
  const prefix = context["s3:prefix"];
  if (typeof prefix === "string") details.push(`s3:prefix ${prefix.replace(/^([^/]+\/).+$/, "$1…")}`);
  const leadingKeys = context["dynamodb:leadingkeys"];
  if (Array.isArray(leadingKeys)) details.push(`LeadingKeys ${leadingKeys.map(leadingKeyShape).join(", ")}`);
  const via = context["kms:viaservice"];
  if (typeof via === "string") details.push(`via ${via}`);
  const namespace = context["cloudwatch:namespace"];
  if (typeof namespace === "string") details.push(`namespace ${namespace}`);
  return `${action} ${shapedResource}${details.length > 0 ? ` (${details.join("; ")})` : ""}`;
}

function explain(decision: Decision, origin: CallOrigin): string {
  if (decision.outcome === "explicit-deny")
    return `DENIED by ${decision.by.map((match) => `${match.document.name} ${statementLabel(match.statement)}`).join(", ")}`;
  if (decision.outcome === "implicit-deny") {
    const effect = origin === "implied" ? "AWS would answer 403 AccessDenied instead of 404" : "AWS would refuse it";
    return `DENIED: ${decision.why} (${effect})`;
  }
  const parts = decision.by.map((match) =>
    match.document.kind === "identity" ? statementLabel(match.statement) : `${match.document.name} ${statementLabel(match.statement)}`,
  );
  if (decision.enabledBy.length > 0)
    parts[parts.length - 1] +=
      ` (IAM policies count through key policy statement ${decision.enabledBy.map((match) => statementLabel(match.statement)).join(", ")})`;
  parts.push(...decision.grants.map((grant) => `grant: ${grant.description}`));
  return parts.join("; ");
}

export function buildReport(
  access: StackAccess,
  calls: readonly ObservedCall[],
  scenarios: readonly string[],
  reasons: Readonly<Record<string, string>>,
): StackReport {
  const functions: FunctionReport[] = [];
  for (const fn of Object.values(access.functions)) {
    const statements: StatementUse[] = fn.identity.flatMap((document) =>
      document.statements.map((statement) => ({
        statement,
        document,
        grants: grantsOf(statement).map((grant) => ({ grant, uses: 0 })),
        calls: new Map<string, number>(),
        ...(statement.sid !== undefined && reasons[statement.sid] !== undefined ? { reason: reasons[statement.sid] } : {}),
      })),
    );
    const distinct = new Map<string, DistinctCall>();
    for (const call of calls.filter((candidate) => candidate.stage === fn.stage)) {
      const decision = evaluate(call.request, policiesFor(access, call.request));
      const shape = callShape(call);
      const explanation = explain(decision, call.origin);
      const key = `${shape}\u0000${explanation}`;
      const entry = distinct.get(key) ?? {
        shape,
        action: call.request.action,
        origin: call.origin,
        operations: new Set<string>(),
        count: 0,
        outcome: decision.outcome,
        explanation,
      };
      entry.count += 1;
      entry.operations.add(call.operation);
      distinct.set(key, entry);
      if (decision.outcome !== "allowed") continue;
      for (const match of decision.by) {
        const use = statements.find((candidate) => candidate.statement === match.statement);
        if (use === undefined) continue;
        use.calls.set(shape, (use.calls.get(shape) ?? 0) + 1);
        for (const grant of use.grants) if (grantUsedBy(grant.grant, match)) grant.uses += 1;
      }
    }
    functions.push({
      stage: fn.stage,
      functionName: fn.functionName,
      roleArn: fn.principal.roleArn,
      statements,
      calls: [...distinct.values()].sort((a, b) => a.shape.localeCompare(b.shape)),
      unusedGrants: statements.flatMap((use) =>
        use.grants.filter((grant) => grant.uses === 0).map((grant) => ({ grant: grant.grant, ...(use.reason === undefined ? {} : { reason: use.reason }) })),
      ),
    });
  }
  return { stack: access.stack, region: access.region, account: access.account, scenarios: [...scenarios], authorizations: calls.length, functions };
}

export function deniedCalls(report: StackReport): Array<{ functionName: string; call: DistinctCall }> {
  return report.functions.flatMap((fn) => fn.calls.filter((call) => call.outcome !== "allowed").map((call) => ({ functionName: fn.functionName, call })));
}

export function unexplainedGrants(report: StackReport): Array<{ functionName: string; text: string }> {
  return report.functions.flatMap((fn) =>
    fn.unusedGrants
      .filter((unused) => unused.reason === undefined)
      .map((unused) => ({ functionName: fn.functionName, text: `${statementLabel(unused.grant.statement)}: ${unused.grant.text}` })),
  );
}

/** Per function: statements, distinct calls and unused grants, the figures the closing note quotes. */
export function reportFigures(
  report: StackReport,
): Array<{ functionName: string; statements: number; distinctCalls: number; unusedGrants: number; unexplained: number }> {
  return report.functions.map((fn) => ({
    functionName: fn.functionName,
    statements: fn.statements.length,
    distinctCalls: fn.calls.length,
    unusedGrants: fn.unusedGrants.length,
    unexplained: fn.unusedGrants.filter((unused) => unused.reason === undefined).length,
  }));
}
