/**
 * The saved queries in queries/, exactly as the stack creates them in Athena, run on DuckDB over
 * the output of a short local run of the prod stack: a stretch of yesterday (UTC) fetched by the
 * ingestion schedule with one tick missing and one snapshot bad, processed, validated, then
 * compacted by the compaction schedule's event. Each answer is checked against what the
 * generated snapshots say it must be.
 */
import { expect } from "chai";
import { generateDay } from "../../fixtures/dayGenerator";
import { addDays, dayStartTime, utcDayOfTime } from "../../handlers/shared/s3Keys";
import type { RawSnapshot } from "../../handlers/shared/stateVector";
import { type LocalPipeline, startLocalPipeline } from "../../local/pipeline/localPipeline";
import { collectRunResults, exportRunResults, type RunResults } from "../../local/pipeline/runResults";
import { renderSummary } from "../../local/cli/runSummary";
import { savedQueries, type SavedQuery } from "../../queries/savedQueries";
import { removeScratch, scratchLocalRoot } from "../support/pipelineOutputs";
import { type LocalCatalog, openLocalCatalog, type QueryRow } from "../support/duckdbCatalog";

const TICKS = 8;
/** Position of the tick the feed misses, and of the snapshot made bad on purpose. */
const MISSING = 4;
const BAD = 1;
const INTERVAL_SECONDS = 300;
const STATES = 2_000;

interface StateRow {
  time: number;
  icao24: string;
  callsign: string | null;
  country: string;
  squawk: string | null;
  lastContact: number;
  latitude: number | null;
  longitude: number | null;
}

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();
const hourOf = (seconds: number): string => iso(Math.floor(seconds / 3600) * 3600);
const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

function stateRows(snapshots: readonly RawSnapshot[]): StateRow[] {
  return snapshots.flatMap((snapshot) =>
    (snapshot.states ?? []).map((row) => ({
      time: snapshot.time,
      icao24: row[0] as string,
      callsign: typeof row[1] === "string" && row[1].trim() !== "" ? row[1].trim() : null,
      country: row[2] as string,
      squawk: (row[14] as string | null) ?? null,
      lastContact: row[4] as number,
      longitude: row[5] as number | null,
      latitude: row[6] as number | null,
    })),
  );
}

describe("saved queries on DuckDB over a local run's compacted output", function () {
  this.timeout(180_000);
  const localRoot = scratchLocalRoot();
  const day = addDays(utcDayOfTime(Math.floor(Date.now() / 1000)), -1);
  const [year, month, dayOfMonth] = day.split("-");
  const firstTime = dayStartTime(day) + 86_400 - TICKS * INTERVAL_SECONDS;
  const snapshots = generateDay({
    seed: 31,
    firstTime,
    snapshots: TICKS,
    statesPerSnapshot: STATES,
    missing: [MISSING],
    defects: { [BAD]: { "latitude-out-of-range": 0.2 } },
  });
  const rows = stateRows(snapshots);
  const queries = new Map(savedQueries().map((query) => [query.name, query]));
  const exercised = new Set<string>();
  let pipeline: LocalPipeline;
  let results: RunResults;
  let catalog: LocalCatalog;

  before(async () => {
    pipeline = await startLocalPipeline({ stack: "prod", openSky: "stand-in", localRoot, retryDelayMs: 10 });
    for (const snapshot of snapshots) {
      pipeline.emulators.opensky.setSnapshot(snapshot);
      pipeline.fireScheduledEvent();
      await pipeline.idle();
    }
    pipeline.fireSchedule("compaction", new Date(`${addDays(day, 1)}T00:15:00Z`));
    await pipeline.idle();
    results = await collectRunResults(pipeline);
    await exportRunResults(pipeline, results);
    catalog = await openLocalCatalog(pipeline.stackDir);
  });

  after(async () => {
    catalog?.close();
    await pipeline?.stop();
    removeScratch(localRoot);
  });

  async function run(name: string, parameters: (string | number)[]): Promise<QueryRow[]> {
    const query = queries.get(name) as SavedQuery;
    expect(query, `queries/${name}.sql`).to.not.equal(undefined);
    expect(parameters, `${name}: its placeholders`).to.have.length(query.placeholderCount);
    exercised.add(name);
    return catalog.query(query.sql, parameters);
  }

  it("compacts the run's day from the compaction schedule's event, and the run's summary shows it", () => {
    const tracked = results.tracking.find((item) => item.stage === "compaction" && item.snapshotId === day);
    expect(tracked).to.deep.include({ status: "succeeded" });
    expect(tracked?.counts).to.deep.include({ inputFiles: TICKS - 1, rows: rows.length, rowGroups: 1 });
    const summary = renderSummary(pipeline.topology, pipeline.functions, results);
    expect(summary).to.match(new RegExp(`${day}\\s+succeeded\\s+${TICKS - 1}\\s+[\\d.]+ KiB\\s+[\\d.]+ KiB\\s+${rows.length}\\s+1`));
    expect(pipeline.functions.compaction.figures).to.deep.include({ invocations: 1, errors: 0 });
  });

  it("flights_per_country_per_hour: distinct aircraft and positions per country and hour", async () => {
    const groups = new Map<string, { hour: string; origin_country: string; aircraft: Set<string>; positions: number }>();
    for (const row of rows) {
      const key = `${hourOf(row.time)}|${row.country}`;
      const group = groups.get(key) ?? { hour: hourOf(row.time), origin_country: row.country, aircraft: new Set<string>(), positions: 0 };
      group.aircraft.add(row.icao24);
      group.positions++;
      groups.set(key, group);
    }
    const expected = [...groups.values()]
      .map(({ hour, origin_country, aircraft, positions }) => ({ hour, origin_country, aircraft: aircraft.size, positions }))
      .sort((a, b) => a.hour.localeCompare(b.hour) || b.aircraft - a.aircraft || byteOrder(a.origin_country, b.origin_country));
    expect(await run("flights_per_country_per_hour", [year, month, dayOfMonth])).to.deep.equal(expected);
  });

  it("aircraft_track: every position of one aircraft over the day, in time order", async () => {
    const seen = new Map<string, number>();
    for (const row of rows) seen.set(row.icao24, (seen.get(row.icao24) ?? 0) + 1);
    const icao24 = [...seen.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
    const expected = rows.filter((row) => row.icao24 === icao24).sort((a, b) => a.time - b.time);
    expect(expected.length, "the aircraft stays in the feed for several snapshots").to.be.greaterThan(2);
    const track = await run("aircraft_track", [year, month, dayOfMonth, icao24]);
    expect(track.map((point) => [point.snapshot_time, point.latitude, point.longitude, point.callsign])).to.deep.equal(
      expected.map((row) => [iso(row.time), row.latitude, row.longitude, row.callsign]),
    );
  });

  it("emergency_squawks: each aircraft that set 7500, 7600 or 7700, when first and last seen", async () => {
    const meanings: Record<string, string> = { "7500": "unlawful interference", "7600": "radio failure", "7700": "general emergency" };
    const groups = new Map<string, QueryRow & { first: number; last: number }>();
    for (const row of rows.filter((candidate) => candidate.squawk !== null && candidate.squawk in meanings)) {
      const key = `${row.icao24}|${row.callsign}|${row.squawk}`;
      const group = groups.get(key) ?? {
        icao24: row.icao24,
        callsign: row.callsign,
        squawk: row.squawk,
        meaning: meanings[row.squawk as string],
        first: row.time,
        last: row.time,
        snapshots: 0,
      };
      group.first = Math.min(group.first, row.time);
      group.last = Math.max(group.last, row.time);
      group.snapshots = Number(group.snapshots) + 1;
      groups.set(key, group);
    }
    const expected = [...groups.values()]
      .sort((a, b) => a.first - b.first || byteOrder(String(a.icao24), String(b.icao24)) || String(a.squawk).localeCompare(String(b.squawk)))
      .map(({ first, last, ...group }) => ({
        icao24: group.icao24,
        callsign: group.callsign,
        squawk: group.squawk,
        meaning: group.meaning,
        first_seen: iso(first),
        last_seen: iso(last),
        snapshots: group.snapshots,
      }));
    expect(expected.length, "the generator puts each emergency code in every global snapshot").to.be.at.least(3);
    expect(await run("emergency_squawks", [year, month, dayOfMonth])).to.deep.equal(expected);
  });

  it("freshness_and_gaps: per snapshot, its aircraft and contact ages, and the gap where a tick is missing", async () => {
    const answer = await run("freshness_and_gaps", [year, month, dayOfMonth, INTERVAL_SECONDS]);
    expect(answer.map((snapshot) => snapshot.snapshot_time)).to.deep.equal(snapshots.map((snapshot) => iso(snapshot.time)));
    const gapAfter = iso(firstTime + (MISSING + 1) * INTERVAL_SECONDS);
    for (const [index, snapshot] of snapshots.entries()) {
      const own = rows.filter((row) => row.time === snapshot.time);
      const ages = own.map((row) => snapshot.time - row.lastContact);
      const found = answer[index];
      expect(found.aircraft).to.equal(own.length);
      expect(found.mean_contact_age_s).to.be.closeTo(ages.reduce((sum, age) => sum + age, 0) / ages.length, 1e-9);
      expect(found.max_contact_age_s).to.equal(Math.max(...ages));
      expect(found.seconds_since_previous).to.equal(index === 0 ? null : snapshot.time - snapshots[index - 1].time);
      expect(found.gap_before, String(found.snapshot_time)).to.equal(found.snapshot_time === gapAfter);
    }
  });

  it("quality_over_time: the validation scores per hour, with the snapshot that failed", async () => {
    const reports = [...results.reports.values()];
    expect(reports).to.have.length(TICKS - 1);
    const hours = new Map<string, { scores: number[]; completeness: number[]; errors: number[]; failed: number }>();
    for (const report of reports) {
      const hour = hourOf(report.snapshotTime);
      const entry = hours.get(hour) ?? { scores: [], completeness: [], errors: [], failed: 0 };
      entry.scores.push(report.scores.qualityScore);
      entry.completeness.push(report.scores.completeness);
      entry.errors.push(report.scores.errorRate);
      entry.failed += report.passed ? 0 : 1;
      hours.set(hour, entry);
    }
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const answer = await run("quality_over_time", [year, month]);
    // The quality lines' times are plain timestamps; DuckDB hands them over as UTC instants.
    expect(answer.map((hour) => hour.hour)).to.deep.equal([...hours.keys()].sort());
    for (const found of answer) {
      const entry = hours.get(String(found.hour))!;
      expect(found.snapshots).to.equal(entry.scores.length);
      expect(found.mean_quality_score).to.be.closeTo(mean(entry.scores), 1e-12);
      expect(found.min_quality_score).to.equal(Math.min(...entry.scores));
      expect(found.mean_completeness).to.be.closeTo(mean(entry.completeness), 1e-12);
      expect(found.mean_error_rate).to.be.closeTo(mean(entry.errors), 1e-12);
      expect(found.failed_snapshots).to.equal(entry.failed);
    }
    expect(
      answer.reduce((sum, hour) => sum + Number(hour.failed_snapshots), 0),
      "the snapshot made bad on purpose",
    ).to.be.at.least(1);
  });

  it("leaves no saved query untested", () => {
    expect([...exercised].sort()).to.deep.equal([...queries.keys()].sort());
  });
});
