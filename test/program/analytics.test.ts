/**
 * The analytics side of the program under mocks: the compaction stage (schedule, role, package,
 * nothing notified of its output), the catalog's tables with a partition projection derived here
 * from the keys the pipeline writes, the saved queries as shipped, and retention per prefix.
 */
import { expect } from "chai";
import fc from "fast-check";
import { COMPACTED_PREFIX, COMPACTED_QUALITY_PREFIX, COMPACTED_STATES_PREFIX, PROCESSED_PREFIX } from "../../contract/dataLayout";
import { ENV } from "../../contract/environment";
import { DEFAULT_CATALOG_FIRST_YEAR, parseStackConfig } from "../../config/stackConfig";
import { processedBucketRetentionRules } from "../../components/support/retentionRules";
import { QUALITY_ROLLUP_COLUMNS } from "../../handlers/compaction/qualityRollup";
import { compactedQualityKey, compactedStatesKey, keyForSnapshot, utcDayOfTime } from "../../handlers/shared/s3Keys";
import { PARQUET_COLUMNS } from "../../handlers/shared/stateVector";
import { buildMockedProgram, type MockedResource } from "../../mocked-program/mockedProgram";
import { savedQueries } from "../../queries/savedQueries";
import { ProgramQueries } from "../support/programQueries";

/** name=value pairs of a key's directory, outermost first. */
function partitionsOf(key: string, prefix: string): [string, string][] {
  const directory = key.slice(prefix.length, key.lastIndexOf("/"));
  return directory.split("/").map((part) => {
    const [name, value, ...rest] = part.split("=");
    expect(rest, `${key}: ${part} is name=value`).to.deep.equal([]);
    return [name, value];
  });
}

/** What Athena lists for one projected column, by the table's parameters, at `now`. */
function projectedValues(parameters: Record<string, string>, column: string, now: Date): string[] {
  const type = parameters[`projection.${column}.type`];
  const [low, high] = parameters[`projection.${column}.range`].split(",");
  if (type === "integer") {
    const digits = Number(parameters[`projection.${column}.digits`] ?? "1");
    return Array.from({ length: Number(high) - Number(low) + 1 }, (_, index) => String(Number(low) + index).padStart(digits, "0"));
  }
  expect(type, `${column}: integer or date`).to.equal("date");
  expect(parameters[`projection.${column}.format`]).to.equal("yyyy");
  expect(parameters[`projection.${column}.interval.unit`]).to.equal("YEARS");
  const last = high === "NOW" ? now.getUTCFullYear() : Number(high);
  return Array.from({ length: last - Number(low) + 1 }, (_, index) => String(Number(low) + index));
}

describe("analytics: compaction, catalog, saved queries and retention under mocks", function () {
  let prod: ProgramQueries;
  let bucket: string;
  const table = (name: string): MockedResource => {
    const found = prod.ofType("aws:glue/catalogTable:CatalogTable").find((candidate) => candidate.inputs.name === name);
    if (!found) throw new Error(`no Glue table ${name}`);
    return found;
  };

  /** A first year other than the default, so the tests see the setting reach the tables. */
  const FIRST_YEAR = 2013;

  before(async () => {
    prod = new ProgramQueries(await buildMockedProgram({ stack: "prod", config: { catalog: { firstYear: FIRST_YEAR } } }));
    bucket = prod.one("aws:s3/bucket:Bucket", "lake-processed").state.bucket;
  });

  describe("partition projection, derived from the keys the pipeline writes", () => {
    const now = new Date();
    const firstInstant = Date.UTC(FIRST_YEAR, 0, 1) / 1000;
    const nowSeconds = Math.floor(now.getTime() / 1000);
    /** Any second from the first projected year to now, with the edges of years, months and days. */
    const snapshotTimes = fc.oneof(
      fc.integer({ min: firstInstant, max: nowSeconds }),
      fc.constantFrom(
        firstInstant,
        nowSeconds,
        Date.UTC(2020, 1, 29, 23, 59, 59) / 1000,
        Date.UTC(2021, 9, 17, 0, 0, 0) / 1000,
        Date.UTC(2024, 11, 31, 23, 0, 0) / 1000,
      ),
    );

    function checkCovered(tableName: string, prefix: string, key: string): void {
      const parameters = table(tableName).inputs.parameters as Record<string, string>;
      const partitions = partitionsOf(key, prefix);
      expect(
        partitions.map(([name]) => name),
        key,
      ).to.deep.equal(table(tableName).inputs.partitionKeys.map((partition: { name: string }) => partition.name));
      let location = parameters["storage.location.template"];
      for (const [name, value] of partitions) {
        expect(projectedValues(parameters, name, now), `${key}: ${name}=${value} is projected`).to.include(value);
        location = location.replace(`\${${name}}`, value);
      }
      expect(`s3://${bucket}/${key}`.startsWith(location), `${key} lies under ${location}`).to.equal(true);
      expect(location).to.equal(`s3://${bucket}/${key.slice(0, key.lastIndexOf("/") + 1)}`);
    }

    it("lists the partition of every per-snapshot key from the first year to now", () => {
      fc.assert(
        fc.property(snapshotTimes, (time) => checkCovered("states", PROCESSED_PREFIX, keyForSnapshot("processed", time))),
        { numRuns: 300 },
      );
    });

    it("lists the partition of every daily file, states and quality, over the same years", () => {
      fc.assert(
        fc.property(snapshotTimes, (time) => {
          checkCovered("states_daily", COMPACTED_STATES_PREFIX, compactedStatesKey(utcDayOfTime(time)));
          checkCovered("quality_daily", COMPACTED_QUALITY_PREFIX, compactedQualityKey(utcDayOfTime(time)));
        }),
        { numRuns: 200 },
      );
    });

    it("lists no year before catalog.firstYear and none after the current one, so no empty centuries", () => {
      for (const name of ["states", "states_daily", "quality_daily"]) {
        const years = projectedValues(table(name).inputs.parameters, "year", now);
        expect(years[0]).to.equal(String(FIRST_YEAR));
        expect(years.at(-1)).to.equal(String(now.getUTCFullYear()));
      }
      // Every projected month, day and hour is one a key can have (February 30 and the like aside).
      const parameters = table("states").inputs.parameters;
      const widths = partitionsOf(keyForSnapshot("processed", Date.UTC(2016, 0, 1, 0) / 1000), PROCESSED_PREFIX).map(([, value]) => value.length);
      expect(["year", "month", "day", "hour"].map((column) => projectedValues(parameters, column, now)[0].length)).to.deep.equal(widths);
      expect(projectedValues(parameters, "hour", now)).to.have.length(24);
      expect(projectedValues(parameters, "month", now)).to.have.length(12);
    });

    it("starts at 2016 unless the stack says otherwise", () => {
      expect(DEFAULT_CATALOG_FIRST_YEAR).to.equal(2016);
      expect(parseStackConfig({ ingestionScheduleExpression: "rate(15 minutes)" }).catalog.firstYear).to.equal(DEFAULT_CATALOG_FIRST_YEAR);
    });
  });

  describe("AnalyticsCatalog tables and saved queries", () => {
    it("reads the per-snapshot and daily Parquet with the same columns, and the quality lines as JSON", () => {
      const columns = (name: string) =>
        table(name).inputs.storageDescriptor.columns.map((column: { name: string; type: string }) => `${column.name}:${column.type}`);
      expect(columns("states_daily")).to.deep.equal(columns("states"));
      expect(columns("states").map((column: string) => column.split(":")[0])).to.deep.equal(PARQUET_COLUMNS.map((field) => field.name));
      expect(columns("quality_daily")).to.deep.equal(QUALITY_ROLLUP_COLUMNS.map((column) => `${column.name}:${column.type}`));
      expect(table("states_daily").inputs.storageDescriptor.location).to.equal(`s3://${bucket}/${COMPACTED_STATES_PREFIX}`);
      expect(table("quality_daily").inputs.storageDescriptor.serDeInfo.serializationLibrary).to.equal("org.apache.hive.hcatalog.data.JsonSerDe");
      expect(table("states_daily").inputs.storageDescriptor.serDeInfo.serializationLibrary).to.match(/ParquetHiveSerDe$/);
    });

    it("creates every query in queries/ as a named query, with its text as shipped, in the workgroup and database", () => {
      const saved = savedQueries();
      expect(saved.map((query) => query.name)).to.include.members([
        "flights_per_country_per_hour",
        "aircraft_track",
        "emergency_squawks",
        "freshness_and_gaps",
        "quality_over_time",
      ]);
      const named = prod.ofType("aws:athena/namedQuery:NamedQuery");
      expect(named.map((query) => query.inputs.name).sort()).to.deep.equal(saved.map((query) => query.name).sort());
      const database = prod.one("aws:glue/catalogDatabase:CatalogDatabase").state.name;
      const workgroup = prod.one("aws:athena/workgroup:Workgroup").state.name;
      for (const query of saved) {
        const created = named.find((candidate) => candidate.inputs.name === query.name)!;
        expect(created.inputs).to.include({ query: query.sql, database, workgroup, description: query.description });
        expect(query.description.length, `${query.name}: Athena takes descriptions up to 1024 characters`).to.be.at.most(1024);
      }
    });
  });

  describe("CompactionStage", () => {
    it("runs daily after the UTC day ends, with its settings, its DLQ and the schedule's alarm", () => {
      const rule = prod.one("aws:cloudwatch/eventRule:EventRule", "compaction-schedule");
      expect(rule.inputs.scheduleExpression).to.equal("cron(15 0 * * ? *)");
      const target = prod.one("aws:cloudwatch/eventTarget:EventTarget", "compaction-schedule-target");
      expect(target.inputs.arn).to.equal(prod.one("aws:lambda/alias:Alias", "compaction-live").state.arn);
      const env = prod.fn("compaction").inputs.environment.variables;
      expect(env).to.include({ [ENV.compactionLookbackDays]: "7", [ENV.compactionRowGroupSize]: "1000000", [ENV.parquetCodec]: "snappy" });
      expect(env[ENV.processedBucket]).to.equal(bucket);
      expect(prod.one("aws:cloudwatch/metricAlarm:MetricAlarm", "compaction-schedule-dlq-messages").inputs.dimensions.QueueName).to.equal(
        prod.one("aws:sqs/queue:Queue", "compaction-schedule-dlq").state.name,
      );
    });

    it("writes only where no bucket notification looks, so validation never sees a daily file", () => {
      const daily = compactedStatesKey("2026-11-26");
      expect(daily.startsWith(COMPACTED_PREFIX)).to.equal(true);
      for (const notification of prod.ofType("aws:s3/bucketNotification:BucketNotification")) {
        for (const target of notification.inputs.lambdaFunctions) {
          expect(target.lambdaFunctionArn).to.not.contain("compaction");
          for (const key of [daily, compactedQualityKey("2026-11-26")]) {
            expect(
              key.startsWith(target.filterPrefix) && key.endsWith(target.filterSuffix),
              `${key} against ${target.filterPrefix}*${target.filterSuffix}`,
            ).to.equal(false);
          }
        }
      }
    });
  });

  describe("retention", () => {
    const rules = (q: ProgramQueries) =>
      q.ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").find((lifecycle) => lifecycle.name.includes("-lake-processed"))!.inputs
        .rules as Record<string, any>[];
    const byPrefix = (all: Record<string, any>[], prefix: string) => all.find((rule) => rule.filter?.prefix === prefix);

    it("expires per-snapshot files, reports and quarantine, and keeps the daily files in a cheaper class", () => {
      const all = rules(prod);
      expect(byPrefix(all, "processed/")).to.deep.include({ status: "Enabled", expiration: { days: 30 } });
      expect(byPrefix(all, "reports/")?.expiration).to.deep.equal({ days: 90 });
      expect(byPrefix(all, "quarantine/")?.expiration).to.deep.equal({ days: 90 });
      const compacted = byPrefix(all, "compacted/");
      expect(compacted?.transitions).to.deep.equal([{ days: 90, storageClass: "STANDARD_IA" }]);
      expect(compacted).to.not.have.property("expiration");
      const results = prod
        .ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
        .find((lifecycle) => lifecycle.name.includes("athena-results"))!;
      expect(results.inputs.rules[0].expiration).to.deep.equal({ days: 30 });
    });

    it("takes each period from the stack, and refuses per-snapshot files expiring before compaction is done with them", () => {
      const schedule = { ingestionScheduleExpression: "rate(15 minutes)" };
      const config = parseStackConfig({
        ...schedule,
        dataLake: {
          processedExpirationDays: 14,
          compactedStorageClass: "GLACIER_IR",
          compactedTransitionDays: 7,
          compactedExpirationDays: 3650,
          reportsExpirationDays: 30,
          quarantineExpirationDays: 400,
        },
      });
      const custom = processedBucketRetentionRules(config.dataLake);
      expect(byPrefix(custom, "processed/")?.expiration).to.deep.equal({ days: 14 });
      expect(byPrefix(custom, "compacted/")).to.deep.include({ transitions: [{ days: 7, storageClass: "GLACIER_IR" }], expiration: { days: 3650 } });
      expect(byPrefix(custom, "quarantine/")?.expiration).to.deep.equal({ days: 400 });
      expect(() => parseStackConfig({ ...schedule, dataLake: { processedExpirationDays: 8 } })).to.throw(
        /dataLake\.processedExpirationDays = 8: must be more than compaction\.lookbackDays \+ 1 \(8\)/,
      );
      expect(() => parseStackConfig({ ...schedule, dataLake: { compactedTransitionDays: 10 } })).to.throw(
        /dataLake\.compactedTransitionDays = 10: must be at least 30 for STANDARD_IA/,
      );
      expect(() => parseStackConfig({ ...schedule, dataLake: { compactedExpirationDays: 60 } })).to.throw(
        /dataLake\.compactedExpirationDays = 60: must be later than/,
      );
    });
  });
});
