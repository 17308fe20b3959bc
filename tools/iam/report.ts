/**
 * `npm run iam:report -- --stack <dev|prod> [--markdown]`
 *
 * Runs the stack's local pipeline through the paths its functions take (tools/iam/scenarios.ts),
 * evaluates every authorization they needed against the stack's real documents and prints, per
 * function, each statement with the calls that used it, each call with what allowed it, and every
 * grant no call used. `--markdown` prints the per-function tables docs/security.md holds.
 * Exits 1 when a call would be refused or a grant is unused without a reason. No AWS account needed.
 */
import { parseArgs } from "util";
import { buildReport, deniedCalls, unexplainedGrants } from "./accessReport";
import { GRANT_REASONS } from "./grantReasons";
import { formatReport, markdownReport } from "./reportFormat";
import { observeStack } from "./scenarios";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { stack: { type: "string", default: "dev" }, markdown: { type: "boolean", default: false }, help: { type: "boolean", default: false } },
  });
  if (values.help) {
    process.stdout.write("usage: npm run iam:report -- --stack <dev|prod> [--markdown]\n");
    return 0;
  }
  const stack = values.stack as string;
  const observation = await observeStack(stack, { onProgress: (line) => process.stderr.write(`${line}\n`) });
  const report = buildReport(observation.access, observation.calls, observation.scenarios, GRANT_REASONS);
  process.stdout.write(`${values.markdown ? markdownReport(report) : formatReport(report)}\n`);
  return deniedCalls(report).length > 0 || unexplainedGrants(report).length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);
