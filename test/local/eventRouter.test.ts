/** S3 notification routing as the program's BucketNotification rules declare it. */
import type { S3EventRecord } from "aws-lambda";
import { expect } from "chai";
import { encodeKeyLikeS3Events } from "../../handlers/shared/s3Keys";
import { functionsNotifiedBy } from "../../local/pipeline/eventRouter";
import type { BucketNotificationRule } from "../../local/pipeline/topology";

const RULES: BucketNotificationRule[] = [
  { bucket: "raw-bucket", functionName: "processing", events: ["s3:ObjectCreated:*"], filterPrefix: "raw/", filterSuffix: ".json" },
  { bucket: "processed-bucket", functionName: "validation", events: ["s3:ObjectCreated:Put"], filterPrefix: "processed/", filterSuffix: ".parquet" },
];

const record = (bucket: string, key: string, eventName = "ObjectCreated:Put") =>
  ({ eventName, s3: { bucket: { name: bucket }, object: { key: encodeKeyLikeS3Events(key) } } }) as S3EventRecord;

describe("local S3 event routing", () => {
  it("matches prefix and suffix on the decoded key, as S3 does", () => {
    expect(functionsNotifiedBy(RULES, record("raw-bucket", "raw/year=2026/month=11/states_1.json"))).to.deep.equal(["processing"]);
    expect(functionsNotifiedBy(RULES, record("processed-bucket", "processed/year=2026/states_1.parquet"))).to.deep.equal(["validation"]);
  });

  it("ignores other buckets, prefixes, suffixes and event names", () => {
    expect(functionsNotifiedBy(RULES, record("processed-bucket", "raw/states_1.json"))).to.be.empty;
    expect(functionsNotifiedBy(RULES, record("processed-bucket", "reports/year=2026/states_1.json"))).to.be.empty;
    expect(functionsNotifiedBy(RULES, record("raw-bucket", "raw/states_1.json.tmp"))).to.be.empty;
    expect(functionsNotifiedBy(RULES, record("processed-bucket", "processed/states_1.parquet", "ObjectCreated:Copy"))).to.be.empty;
    expect(functionsNotifiedBy(RULES, record("raw-bucket", "raw/states_1.json", "ObjectRemoved:Delete"))).to.be.empty;
  });

  it("decodes + as a space and %2B as a plus before matching", () => {
    expect(functionsNotifiedBy(RULES, record("raw-bucket", "raw/a b+c.json"))).to.deep.equal(["processing"]);
  });
});
