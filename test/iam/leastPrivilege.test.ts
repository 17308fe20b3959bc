/**
 * Least privilege, proven by what each function does: both stacks' local pipelines run through
 * the paths their functions take (tools/iam/scenarios.ts), and every authorization they needed is
 * evaluated against the stack's real documents. No call may be one AWS would refuse, and no grant
 * may go unused unless its statement says why the local run cannot use it. docs/security.md holds
 * the per-function tables of this same run.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { buildReport, deniedCalls, type StackReport, unexplainedGrants } from "../../tools/iam/accessReport";
import { GRANT_REASONS } from "../../tools/iam/grantReasons";
import { parsePolicy, type PolicyDocument } from "../../tools/iam/policyLanguage";
import { markdownReport } from "../../tools/iam/reportFormat";
import { observeStack, type StackObservation } from "../../tools/iam/scenarios";
import type { StackAccess } from "../../tools/iam/stackAccess";

const STACKS = ["dev", "prod"] as const;
type Stack = (typeof STACKS)[number];

/** The stack's access model with processing's identity policies changed. */
function withProcessingIdentity(access: StackAccess, change: (documents: PolicyDocument[]) => PolicyDocument[]): StackAccess {
  const fn = access.functions.processing;
  return { ...access, functions: { ...access.functions, processing: { ...fn, identity: change(fn.identity) } } };
}

describe("least privilege, proven by the local run (npm run iam:report)", function () {
  this.timeout(300_000);
  const observations = {} as Record<Stack, StackObservation>;
  const reports = {} as Record<Stack, StackReport>;

  before(async () => {
    // The programs are built one after the other (the mocked build is process-wide); the rest of
    // dev's run overlaps prod's.
    let devBuilt: () => void = () => undefined;
    const built = new Promise<void>((resolve) => (devBuilt = resolve));
    const dev = observeStack("dev", { onBuilt: () => devBuilt() });
    await Promise.race([built, dev]);
    const prod = observeStack("prod");
    [observations.dev, observations.prod] = await Promise.all([dev, prod]);
    for (const stack of STACKS) {
      const { access, calls, scenarios } = observations[stack];
      reports[stack] = buildReport(access, calls, scenarios, GRANT_REASONS);
    }
  });

  for (const stack of STACKS) {
    it(`${stack}: AWS would allow every call the functions made, and what AWS asks for on their behalf`, () => {
      const denied = deniedCalls(reports[stack]).map(({ functionName, call }) => `${functionName}: ${call.shape} — ${call.explanation}`);
      expect(denied, denied.join("\n")).to.deep.equal([]);
    });

    it(`${stack}: every grant is used by a call, or its statement says why the local run cannot use it`, () => {
      const unexplained = unexplainedGrants(reports[stack]).map(({ functionName, text }) => `${functionName}: ${text}`);
      expect(unexplained, unexplained.join("\n")).to.deep.equal([]);
    });
  }

  it("took the paths that need the rarer grants: every DLQ, the 404s, the circuit breaker, the OpenSky secret", () => {
    for (const stack of STACKS) {
      const shapes = (stage: string) =>
        new Set(observations[stack].calls.filter((call) => call.stage === stage).map((call) => `${call.origin} ${call.request.action}`));
      for (const stage of ["ingestion", "processing", "validation"]) expect(shapes(stage), `${stack} ${stage}`).to.include("platform sqs:SendMessage");
      for (const stage of ["ingestion", "processing", "validation"]) expect(shapes(stage), `${stack} ${stage}`).to.include("implied s3:ListBucket");
      expect(shapes("validation"), stack).to.include("call dynamodb:PutItem");
      expect(shapes("ingestion").has("call secretsmanager:GetSecretValue"), stack).to.equal(stack === "prod");
    }
  });

  it("leaves the circuit breaker's item to validation, and every KMS use to a service working for the function", () => {
    for (const stack of STACKS) {
      const calls = observations[stack].calls;
      const breaker = calls.filter((call) => (call.request.context["dynamodb:leadingkeys"] as string[] | undefined)?.includes("circuit-breaker"));
      expect(breaker.length, stack).to.be.greaterThan(0);
      expect(new Set(breaker.map((call) => call.stage)), stack).to.deep.equal(new Set(["validation"]));
      for (const call of calls.filter((candidate) => candidate.request.action.startsWith("kms:"))) {
        expect(call.request.context["kms:viaservice"], `${stack} ${call.operation}`).to.match(
          /^(s3|sqs|sns|dynamodb|secretsmanager|lambda)\.us-east-1\.amazonaws\.com$/,
        );
      }
    }
  });

  it("would fail on a grant that is missing: without DecryptThroughServices, processing could not read raw snapshots", () => {
    const { access, calls, scenarios } = observations.dev;
    const narrowed = withProcessingIdentity(access, (documents) =>
      documents.map((document) => ({ ...document, statements: document.statements.filter((statement) => statement.sid !== "DecryptThroughServices") })),
    );
    const key = [...access.keys.keys()][0];
    const denied = deniedCalls(buildReport(narrowed, calls, scenarios, GRANT_REASONS)).map(({ call }) => call.shape);
    expect(denied).to.include.members([`kms:Decrypt ${key} (via s3.us-east-1.amazonaws.com)`, `kms:Decrypt ${key} (via dynamodb.us-east-1.amazonaws.com)`]);
  });

  it("would fail on a grant no call uses: dynamodb:PutItem on snapshot items, which processing never calls", () => {
    const { access, calls, scenarios } = observations.dev;
    const table = access.tables[0]?.arn;
    const extra = parsePolicy("extra", "identity", {
      Version: "2012-10-17",
      Statement: [{ Sid: "Overwrite", Effect: "Allow", Action: "dynamodb:PutItem", Resource: table }],
    });
    const widened = withProcessingIdentity(access, (documents) => [...documents, extra]);
    expect(unexplainedGrants(buildReport(widened, calls, scenarios, GRANT_REASONS)).map(({ text }) => text)).to.deep.equal([
      `Overwrite: dynamodb:PutItem on ${table}`,
    ]);
  });

  it("docs/security.md holds this run's per-function tables for both stacks", () => {
    const document = fs.readFileSync(path.resolve(__dirname, "../../docs/security.md"), "utf8");
    for (const stack of STACKS) {
      const block = new RegExp(`<!-- iam-report ${stack} -->\\n([\\s\\S]*?)<!-- /iam-report ${stack} -->`).exec(document)?.[1];
      expect(block, `docs/security.md has no <!-- iam-report ${stack} --> block`).to.be.a("string");
      expect(block?.trim(), `regenerate it with: npm run -s iam:report -- --stack ${stack} --markdown`).to.equal(markdownReport(reports[stack]).trim());
    }
  });
});
