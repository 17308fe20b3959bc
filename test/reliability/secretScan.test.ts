/**
 * Secrets never leave the function. The prod stack runs locally (OAuth client credentials from
 * Secrets Manager) while the OpenSky token endpoint answers every odd way we could think of, each
 * answer carrying a known token or echoing the client secret; the states endpoint once echoes the
 * bearer token back. Then every output is searched for the secret and the tokens: the exported run
 * folder (raw, processed, reports, quarantine, metrics, alerts, tracking, dead letters), the
 * function logs, the tracking table, every queue, every metric.
 */
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { generateSnapshot } from "../../fixtures/snapshotGenerator";
import type { AttemptReport } from "../../local/pipeline/asyncInvoker";
import { type LocalPipeline, startLocalPipeline } from "../../local/pipeline/localPipeline";
import { collectRunResults, exportRunResults, type RunResults } from "../../local/pipeline/runResults";
import { removeScratch, scratchLocalRoot } from "../support/pipelineOutputs";

const CLIENT_SECRET = "scan-client-secret-7Hq2Lx9Pz4";
const TOKENS = {
  stringExpiry: "scan-token-string-expiry-Ab12Cd34",
  zeroExpiry: "scan-token-zero-expiry-Ef56Gh78",
  noExpiry: "scan-token-no-expiry-Ij90Kl12",
  formBody: "scan-token-form-body-Mn34Op56",
  echoedByStates: "scan-token-echoed-by-states-Qr78St90",
  negativeJwt: "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzY2FuLWNsaWVudCJ9.U2NhblNpZ25hdHVyZVZhbHVlMTIz",
} as const;

describe("reliability: no secret leaves the function, whatever the token endpoint answers", function () {
  this.timeout(300_000);
  const localRoot = scratchLocalRoot();
  const logLines: string[] = [];
  const attempts: AttemptReport[] = [];
  let pipeline: LocalPipeline;
  let results: RunResults;

  before(async () => {
    pipeline = await startLocalPipeline({
      stack: "prod",
      config: { openskyClientSecret: CLIENT_SECRET },
      openSky: "stand-in",
      localRoot,
      retryDelayMs: 10,
      onLog: (_name, line) => logLines.push(line),
      onAttempt: (report) => attempts.push(report),
    });
    const opensky = pipeline.emulators.opensky;
    const json = (body: unknown) => ({ status: 200, contentType: "application/json", body: JSON.stringify(body) });
    opensky.scriptToken(
      // First scheduled event, first attempt: five retryable answers in a row.
      json({ access_token: TOKENS.stringExpiry, expires_in: "soon", token_type: "Bearer" }),
      json({ access_token: TOKENS.zeroExpiry, expires_in: 0 }),
      json({ access_token: TOKENS.noExpiry }),
      { status: 500, contentType: "text/html", body: `<html><pre>POST grant_type=client_credentials&client_secret=${CLIENT_SECRET}</pre></html>` },
      { status: 200, contentType: "text/plain", body: `access_token=${TOKENS.formBody}&client_secret=${CLIENT_SECRET}` },
      // Second attempt: a token the API then rejects, echoing it; then a refusal quoting the secret.
      json({ access_token: TOKENS.echoedByStates, expires_in: 1800 }),
      {
        status: 400,
        contentType: "application/json",
        body: JSON.stringify({ error: "invalid_client", error_description: `client_secret ${CLIENT_SECRET} does not match` }),
      },
      // Third attempt: a JWT-shaped token with a negative lifetime, then the same refusal: the event goes to the DLQ.
      json({ access_token: TOKENS.negativeJwt, expires_in: -1 }),
      {
        status: 401,
        contentType: "application/json",
        body: JSON.stringify({ error: "unauthorized_client", error_description: `bad secret ${CLIENT_SECRET}` }),
      },
    );
    opensky.scriptStates({ status: 401, contentType: "text/plain", body: `Authorization: Bearer ${TOKENS.echoedByStates} is not valid` });

    const start = Math.floor(Date.now() / 1000 / 300) * 300;
    opensky.setSnapshot(generateSnapshot({ seed: 3, stateCount: 400, time: start - 600 }).snapshot);
    pipeline.fireScheduledEvent();
    await pipeline.idle();
    // The stand-in's own tokens from here on: the next tick goes through.
    opensky.setSnapshot(generateSnapshot({ seed: 4, stateCount: 400, time: start - 300 }).snapshot);
    pipeline.fireScheduledEvent();
    await pipeline.idle();
    results = await collectRunResults(pipeline);
    await exportRunResults(pipeline, results);
  });

  after(async () => {
    await pipeline?.stop();
    removeScratch(localRoot);
  });

  const needles = [CLIENT_SECRET, ...Object.values(TOKENS)];
  const leaksIn = (where: string, text: string): string[] =>
    needles.filter((needle) => text.includes(needle) || text.includes(needle.slice(0, 16))).map((needle) => `${where}: ${needle}`);

  it("played every odd answer: all scripted token answers were consumed, and the first event ended in the DLQ", () => {
    expect(pipeline.emulators.opensky.tokenRequests().length).to.be.at.least(9);
    const ingestion = pipeline.topology.functions.ingestion.name;
    expect(attempts.filter((report) => report.functionName === ingestion && !report.result.ok)).to.have.length(3);
    const deadLetters = Object.entries(results.deadLetters).filter(([name]) => name.includes("ingestion-dlq"));
    expect(deadLetters.flatMap(([, records]) => records)).to.have.length(1);
    expect(results.tracking.some((item) => item.stage === "ingestion" && item.status === "succeeded")).to.equal(true);
  });

  it("finds neither the client secret nor any token in any output", () => {
    const leaks: string[] = [];
    leaks.push(...leaksIn("function logs", logLines.join("\n")));
    leaks.push(...leaksIn("tracking table", JSON.stringify(results.tracking)));
    leaks.push(...leaksIn("dead-letter queues", JSON.stringify(results.deadLetters)));
    leaks.push(...leaksIn("alerts", JSON.stringify(results.alerts)));
    leaks.push(...leaksIn("metrics", JSON.stringify(results.metrics)));
    const runDir = pipeline.stackDir;
    const walk = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) return entry.name === "packages" ? [] : walk(full);
        return [full];
      });
    const files = walk(runDir);
    expect(files.some((file) => file.endsWith("dead-letters.json"))).to.equal(true);
    for (const file of files) leaks.push(...leaksIn(path.relative(runDir, file), fs.readFileSync(file).toString("latin1")));
    expect(leaks).to.deep.equal([]);
  });

  it("still says what went wrong, with the secrets blanked out", () => {
    const failures = results.tracking.filter((item) => item.stage === "ingestion" && item.status === "failed");
    const messages = [...failures.map((item) => String(item.errorMessage)), JSON.stringify(results.deadLetters)].join("\n");
    expect(messages).to.match(/OpenSky token endpoint answered (400|401) for client [\w.-]+ \(/);
    expect(messages).to.contain("[REDACTED]");
    expect(logLines.join("\n"), "the log says what was wrong with the answer").to.match(/expires_in is \\"soon\\"/);
  });
});
