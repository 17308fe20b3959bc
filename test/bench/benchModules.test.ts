/**
 * The benchmark is not run by `npm test` (minutes of CPU), but its modules that need no comparison
 * package are loaded here, so a change elsewhere that breaks them (a config default, a harness
 * export) fails the tests instead of the next `npm run bench`.
 */
import { expect } from "chai";

describe("benchmark modules", () => {
  it("load, with the Parquet settings docs/performance.md's figures were measured with, and validate a snapshot", () => {
    const { PARQUET_DEFAULTS } = require("../../bench/converters/converter");
    expect(PARQUET_DEFAULTS).to.deep.equal({ codec: "snappy", gzipLevel: 6, rowGroupSize: 100000 });
    const { processedParquet } = require("../../bench/validationRun");
    const { generateSnapshot } = require("../../fixtures/snapshotGenerator");
    const { snapshot } = generateSnapshot({ seed: 3, stateCount: 50, time: 1766888059 });
    expect(processedParquet(JSON.stringify(snapshot), 1766888059).byteLength).to.be.greaterThan(1000);
    expect(() => require("../../bench/coldStart")).to.not.throw();
  });

  it("run the stages serialized as Lambda runs them, writing what the modules write", async function () {
    this.timeout(120_000);
    const { generateSnapshot } = require("../../fixtures/snapshotGenerator");
    const { snapshot } = generateSnapshot({ seed: 5, stateCount: 2_000, time: 1766888059 });
    const bytes = new TextEncoder().encode(JSON.stringify(snapshot));
    const { pipelineProcessingStage } = require("../../bench/converters/pipeline");
    const { serializeDeployedStages, loadDeployedStage } = require("../../bench/deployedStages");
    const { validationStage, processedParquet } = require("../../bench/validationRun");

    const written: number = pipelineProcessingStage()(bytes, 1766888059);
    expect(written).to.be.greaterThan(50_000);
    const stages = await serializeDeployedStages();
    expect(loadDeployedStage(stages.processing)(bytes, 1766888059)).to.equal(written);
    expect(loadDeployedStage(stages.genericProcessing)(bytes, 1766888059), "the generic writer writes the same bytes").to.equal(written);
    const parquet = processedParquet(JSON.stringify(snapshot), 1766888059);
    const reportSize: number = await validationStage()(parquet, 1766888059);
    expect(await loadDeployedStage(stages.validation)(parquet, 1766888059)).to.equal(reportSize);

    const { prepareCompactionDay } = require("../../bench/compaction/dayFiles");
    const { pipelineCompactionStage } = require("../../bench/compaction/compactionStages");
    const fs = require("fs");
    const os = require("os");
    const path = require("path");
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-modules-"));
    try {
      const day = prepareCompactionDay(workDir, 6, 500);
      const files = day.files.map((file: { path: string; key: string; snapshotTime: number }) => ({
        ...file,
        bytes: new Uint8Array(fs.readFileSync(file.path)),
      }));
      const compacted: number = await pipelineCompactionStage()(files);
      expect(compacted).to.be.greaterThan(10_000);
      expect(await loadDeployedStage(stages.compaction)(files), "the serialized compaction writes what its modules write").to.equal(compacted);
      expect(await loadDeployedStage(stages.genericCompaction)(files)).to.be.greaterThan(10_000);
    } finally {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  });
});
