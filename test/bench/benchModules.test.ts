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
});
