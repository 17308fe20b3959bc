/**
 * `npm run backfill` and `npm run redrive` as an operator runs them: a mistake in the command line
 * is refused with the usage text and exit status 2 before anything is touched; `--local` loads
 * what the local run left in its folder, backfills it, exits 0, and writes the outcome back.
 */
import { execFile } from "child_process";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { generateSnapshot } from "../../fixtures/snapshotGenerator";
import { rawKeyForSnapshot } from "../../handlers/shared/s3Keys";
import { removeScratch, scratchLocalRoot } from "../support/pipelineOutputs";

const PROJECT_DIR = path.resolve(__dirname, "..", "..");

function runTool(tool: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", path.join(PROJECT_DIR, "tools", tool), ...args],
      { cwd: PROJECT_DIR, timeout: 170_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe("operator commands", function () {
  this.timeout(300_000);

  it("refuse a bad command line with the usage and exit status 2", async () => {
    const result = await runTool("redrive.ts", ["--stack", "dev", "--stage", "archive"]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain(
      "npm run redrive: --stage archive: must be one of ingestion, processing, validation, compaction, schedule, compaction-schedule",
    );
    expect(result.stderr).to.contain("Usage: npm run redrive");
  });

  describe("backfill --local", () => {
    const localRoot = scratchLocalRoot();
    const times = [1_795_732_500, 1_795_732_800];
    let result: { code: number; stdout: string; stderr: string };

    before(async () => {
      // What an `npm start` left behind: two raw snapshots nothing has processed yet.
      for (const time of times) {
        const file = path.join(localRoot, "dev", ...rawKeyForSnapshot(time).split("/"));
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, JSON.stringify(generateSnapshot({ seed: time, stateCount: 300, time }).snapshot));
      }
      result = await runTool("backfill.ts", ["--stack", "dev", "--local", "--local-root", localRoot, "--from", "2026-11-26T22", "--to", "2026-11-26T22"]);
    });

    after(() => removeScratch(localRoot));

    it("invokes processing for each snapshot, shows progress and a summary, and exits 0", () => {
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.contain("loaded from");
      expect(result.stdout).to.match(/2\/2 \(100%\) +[\d.]+\/s +ETA 0s +skipped 0 +failed 0/);
      expect(result.stdout).to.contain("invoked 2: 2 succeeded, 0 failed; skipped 0");
    });

    it("writes the outcome back to the folder: Parquet, reports and tracking items for both snapshots", () => {
      const tracking = JSON.parse(fs.readFileSync(path.join(localRoot, "dev", "tracking.json"), "utf8")) as Array<Record<string, unknown>>;
      const statuses = tracking
        .filter((item) => item.stage !== "validation" || item.snapshotId !== "circuit-breaker")
        .map((item) => `${item.snapshotId}:${item.stage}:${item.status}`);
      expect(statuses.sort()).to.deep.equal(times.flatMap((time) => [`${time}:processing:succeeded`, `${time}:validation:succeeded`]).sort());
      for (const time of times) {
        const processed = path.join(
          localRoot,
          "dev",
          ...rawKeyForSnapshot(time)
            .replace(/^raw\//, "processed/")
            .replace(/\.json$/, ".parquet")
            .split("/"),
        );
        expect(fs.existsSync(processed), processed).to.equal(true);
      }
      expect(fs.readFileSync(path.join(localRoot, "dev", "logs", "flight-data-pipeline-dev-processing.log"), "utf8")).to.contain('"type":"platform.report"');
    });
  });
});
