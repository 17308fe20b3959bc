import { expect } from "chai";
import {
  decodeS3EventKey,
  parseSnapshotKey,
  processedKeyForRawKey,
  quarantineKeyForRawKey,
  rawKeyForSnapshot,
  reportKeyForRawKey,
  snapshotIdForTime,
  snapshotTimeFromKey,
} from "../../../handlers/shared/s3Keys";

describe("S3 key layout", () => {
  // 2025-12-28T02:14:19Z, the time of a real global snapshot
  const time = 1766888059;
  const raw = "raw/year=2025/month=12/day=28/hour=02/states_1766888059.json";

  it("derives the raw key from the snapshot time, in UTC, zero-padded", () => {
    expect(rawKeyForSnapshot(time)).to.equal(raw);
    expect(rawKeyForSnapshot(0)).to.equal("raw/year=1970/month=01/day=01/hour=00/states_0.json");
    // 23:59:59 UTC stays on its day whatever the machine's time zone
    expect(rawKeyForSnapshot(1767225599)).to.equal("raw/year=2025/month=12/day=31/hour=23/states_1767225599.json");
  });

  it("derives the processed, report and quarantine keys of the same snapshot", () => {
    expect(processedKeyForRawKey(raw)).to.equal("processed/year=2025/month=12/day=28/hour=02/states_1766888059.parquet");
    expect(reportKeyForRawKey(raw)).to.equal("reports/year=2025/month=12/day=28/hour=02/states_1766888059.json");
    expect(quarantineKeyForRawKey(raw)).to.equal("quarantine/year=2025/month=12/day=28/hour=02/states_1766888059.jsonl");
  });

  it("parses any pipeline key back to its kind and snapshot time", () => {
    expect(parseSnapshotKey(raw)).to.deep.equal({ kind: "raw", snapshotTime: time });
    expect(parseSnapshotKey(processedKeyForRawKey(raw))).to.deep.equal({ kind: "processed", snapshotTime: time });
    expect(snapshotTimeFromKey(reportKeyForRawKey(raw))).to.equal(time);
  });

  it("rejects keys that are not the pipeline's, or whose partitions disagree with their time", () => {
    expect(() => parseSnapshotKey("raw/states_1.json")).to.throw(/"raw\/states_1.json" is not a pipeline key/);
    expect(() => parseSnapshotKey("raw/year=2025/month=12/day=28/hour=02/states_1766888059.parquet")).to.throw(/not a pipeline key/);
    expect(() => parseSnapshotKey("raw/year=2025/month=12/day=28/hour=03/states_1766888059.json")).to.throw(
      /disagree with its snapshot time 1766888059: expected "raw\/year=2025\/month=12\/day=28\/hour=02\/states_1766888059.json"/,
    );
  });

  it("refuses snapshot times that are not whole seconds of a four-digit year, so every key parses back", () => {
    expect(() => rawKeyForSnapshot(1.5)).to.throw(/snapshot time 1.5 is not whole unix seconds from 1970 to the year 9999/);
    expect(() => rawKeyForSnapshot(1_796_094_300_000)).to.throw(/1796094300000/);
    expect(() => rawKeyForSnapshot(1e13)).to.throw(/10000000000000/);
    expect(parseSnapshotKey(rawKeyForSnapshot(253_402_300_799)).snapshotTime).to.equal(253_402_300_799);
    expect(() => rawKeyForSnapshot(-1)).to.throw(/-1/);
    expect(() => snapshotIdForTime(Number.NaN)).to.throw(/NaN/);
    expect(snapshotIdForTime(time)).to.equal("1766888059");
  });

  it("decodes S3 event keys: + is a space, %2B a plus, %3D an equals sign", () => {
    expect(decodeS3EventKey("raw/year%3D2025/month%3D12/states_1.json")).to.equal("raw/year=2025/month=12/states_1.json");
    expect(decodeS3EventKey("a+b%2Bc")).to.equal("a b+c");
    expect(() => decodeS3EventKey("bad%E0%A4%A")).to.throw(/"bad%E0%A4%A" is not valid URL encoding/);
  });
});
