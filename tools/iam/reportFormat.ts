/**
 * The report as `npm run iam:report` prints it, and as Markdown for docs/security.md. ARNs are
 * shortened to `<service>:<resource>`: every one is in the stack's own account and region, which
 * the header names. The Markdown leaves out counts, which vary from run to run (how many duplicate
 * deliveries found the work done or still busy), so that the document can be checked against a
 * fresh run.
 */
import { type DistinctCall, type FunctionReport, type StackReport, type StatementUse, statementLabel } from "./accessReport";

/** arn:aws:kms:us-east-1:123456789012:key/k → kms:key/k; arn:aws:s3:::bucket/raw/* → s3:bucket/raw/*. */
export function shortArns(text: string): string {
  return text.replace(/arn:aws[\w-]*:([a-z0-9-]+):[a-z0-9-]*:\d*:/g, "$1:");
}

function table(rows: string[][], indent = "  "): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join("  ")
        .trimEnd(),
  );
}

function grantSummary(use: StatementUse): string {
  return shortArns(fullGrantSummary(use));
}

function fullGrantSummary(use: StatementUse): string {
  const { statement } = use;
  const actions = statement.actions ?? [`NotAction ${(statement.notActions ?? []).join(", ")}`];
  const resources = statement.resources ?? [`NotResource ${(statement.notResources ?? []).join(", ")}`];
  const conditions = statement.conditions.map((condition) => `${condition.key} ${condition.text} ${condition.values.join(", ")}`);
  return `${statement.effect} ${actions.join(", ")} on ${resources.join(", ")}${conditions.length > 0 ? ` when ${conditions.join("; ")}` : ""}`;
}

function functionText(fn: FunctionReport): string[] {
  const lines = [`== ${fn.stage}: ${fn.functionName}`, `   role ${fn.roleArn}`, "", "  Statements of the role's policy, and the calls that used them"];
  for (const use of fn.statements) {
    lines.push(`  ${statementLabel(use.statement)}: ${grantSummary(use)}`);
    if (use.calls.size === 0) lines.push(`      used by no call${use.reason ? `: ${use.reason}` : ""}`);
    const rows = [...use.calls].sort(([a], [b]) => a.localeCompare(b)).map(([shape, count]) => [`${count}×`, shortArns(shape)]);
    lines.push(...table(rows, "      "));
  }
  lines.push("", "  Calls, and what allowed each");
  const rows = [
    ["COUNT", "CALL", "ORIGIN", "ALLOWED BY"],
    ...fn.calls.map((call) => [String(call.count), shortArns(call.shape), call.origin, call.explanation]),
  ];
  lines.push(...table(rows));
  lines.push("", "  Grants no call used");
  if (fn.unusedGrants.length === 0) lines.push("    none");
  for (const unused of fn.unusedGrants) {
    lines.push(`    ${statementLabel(unused.grant.statement)}: ${shortArns(unused.grant.text)}`);
    lines.push(`      ${unused.reason ? `why: ${unused.reason}` : "NO REASON GIVEN: drop it, or give the statement a reason in its component"}`);
  }
  return lines;
}

export function formatReport(report: StackReport): string {
  const denied = report.functions.flatMap((fn) => fn.calls.filter((call) => call.outcome !== "allowed"));
  const unexplained = report.functions.flatMap((fn) => fn.unusedGrants.filter((unused) => unused.reason === undefined));
  const lines = [
    `IAM report for stack ${report.stack}: ${report.authorizations} authorizations of ${report.functions.length} functions over ${report.scenarios.length} paths, ` +
      `evaluated against the stack's role, bucket, queue, topic and key policies`,
    `ARNs are shortened to <service>:<resource>; all are in account ${report.account}, region ${report.region}.`,
    "",
    "Paths the local run took:",
    ...report.scenarios.map((scenario, index) => `  ${String(index + 1).padStart(2)}. ${scenario}`),
    "",
  ];
  for (const fn of report.functions) lines.push(...functionText(fn), "");
  lines.push(
    "Summary",
    ...table([
      ["FUNCTION", "STATEMENTS", "DISTINCT CALLS", "DENIED", "UNUSED GRANTS", "UNEXPLAINED"],
      ...report.functions.map((fn) => [
        fn.functionName,
        String(fn.statements.length),
        String(fn.calls.length),
        String(fn.calls.filter((call) => call.outcome !== "allowed").length),
        String(fn.unusedGrants.length),
        String(fn.unusedGrants.filter((unused) => unused.reason === undefined).length),
      ]),
    ]),
    "",
    denied.length === 0 && unexplained.length === 0
      ? "Every call is allowed, and every grant is used or explained."
      : `${denied.length} distinct calls would be refused, ${unexplained.length} grants are unused without a reason.`,
  );
  return lines.join("\n");
}

const code = (text: string) => `\`${text.replace(/\|/g, "\\|")}\``;

function markdownCalls(calls: ReadonlyMap<string, number> | undefined, fnCalls: readonly DistinctCall[], use: StatementUse): string {
  if (use.calls.size === 0) return use.reason ? `not exercised locally: ${use.reason}` : "**nothing**";
  const origins = new Map(fnCalls.map((call) => [call.shape, call.origin]));
  return [...(calls ?? use.calls).keys()]
    .sort()
    .map((shape) => `${code(shortArns(shape))}${origins.get(shape) === "call" ? "" : ` (${origins.get(shape)})`}`)
    .join("<br>");
}

/** Per function, the statements of its role and the distinct calls each allowed, without counts. */
export function markdownReport(report: StackReport): string {
  const lines: string[] = [];
  for (const fn of report.functions) {
    lines.push(`#### ${fn.stage} (${code(fn.functionName)})`, "", "| statement | grants | used by (distinct calls in the local run) |", "|---|---|---|");
    for (const use of fn.statements) {
      lines.push(`| ${code(statementLabel(use.statement))} | ${code(grantSummary(use))} | ${markdownCalls(undefined, fn.calls, use)} |`);
    }
    const platform = fn.calls.filter((call) => call.outcome === "allowed" && call.explanation.startsWith("grant:"));
    for (const call of platform) lines.push(`| (KMS grant) | ${call.explanation.slice("grant: ".length)} | ${code(shortArns(call.shape))} (${call.origin}) |`);
    lines.push("");
  }
  return lines.join("\n");
}
