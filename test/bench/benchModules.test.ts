/**
 * The benchmark is not run by `npm test` (minutes of CPU), but its modules that need no comparison
 * package are loaded here, so a change elsewhere that breaks them (a config default, a harness
 * export) fails the tests instead of the next `npm run bench`.
 */
import { expect } from "chai";

describe("benchmark modules", () => {
  it("load with the project's own defaults and validate a snapshot", () => {
    const { PARQUET_DEFAULTS } = require("../../bench/converters/converter");
    expect(PARQUET_DEFAULTS).to.deep.equal({ codec: "snappy", gzipLevel: 6, rowGroupSize: 100000 });
    const { processedParquet } = require("../../bench/validationRun");
    const { generateSnapshot } = require("../../fixtures/snapshotGenerator");
    const { snapshot } = generateSnapshot({ seed: 3, stateCount: 50, time: 1766888059 });
    expect(processedParquet(JSON.stringify(snapshot), 1766888059).byteLength).to.be.greaterThan(1000);
    expect(require("../../bench/coldStart").measureColdStarts).to.be.a("function");
  });

  it("time the generic writer the pipeline replaced on the same bytes the pipeline writes", async () => {
    const { generateSnapshot } = require("../../fixtures/snapshotGenerator");
    const { snapshot } = generateSnapshot({ seed: 5, stateCount: 2_000, time: 1766888059 });
    const input = { bytes: new TextEncoder().encode(JSON.stringify(snapshot)), path: "unused.json", snapshotTime: 1766888059 };
    const pipeline = await require("../../bench/converters/pipeline").createPipelineConverter();
    const generic = await require("../../bench/converters/genericWriter").createGenericWriterConverter();
    const written = await pipeline.convert(input);
    expect(written).to.be.greaterThan(50_000);
    expect(await generic.convert(input)).to.equal(written);
  });
});
