import { expect } from "chai";
import { QUALITY_CHECK_NAMES } from "../../../contract/publishedMetrics";
import { generateSnapshot, type DefectKind } from "../../../fixtures/snapshotGenerator";
import { typeSnapshot } from "../../../handlers/shared/columns";
import type { RawSnapshot } from "../../../handlers/shared/stateVector";
import { createQualityChecks, type CheckInput, type QuarantineSummary } from "../../../handlers/validation/qualityChecks";
import { runChecks } from "../../../handlers/validation/qualityScore";

const QUALITY_CHECKS = createQualityChecks();

const NO_QUARANTINE: QuarantineSummary = { rowShape: 0, fieldType: 0, sampleRowShapeIcao24: [], sampleFieldTypeIcao24: [] };

function checkInput(raw: RawSnapshot): CheckInput {
  const typed = typeSnapshot(raw);
  const count = (reason: string) => typed.quarantined.filter((row) => row.reason === reason).length;
  const sample = (reason: string) => typed.quarantined.filter((row) => row.reason === reason).map((row) => row.icao24 ?? "");
  return {
    snapshot: typed.snapshot,
    quarantine: {
      rowShape: count("row-shape"),
      fieldType: count("field-type"),
      sampleRowShapeIcao24: sample("row-shape"),
      sampleFieldTypeIcao24: sample("field-type"),
    },
  };
}

function failuresOf(input: CheckInput): Record<string, number> {
  return Object.fromEntries(
    runChecks(QUALITY_CHECKS, input)
      .filter((r) => r.failing > 0)
      .map((r) => [r.name, r.failing]),
  );
}

/** Each defect the generator injects, and the check (or checks) it must fail. */
const DEFECT_CHECKS: [DefectKind, string[]][] = [
  ["wrong-field-count", ["row_shape"]],
  ["not-an-array", ["row_shape"]],
  ["missing-icao24", ["field_types"]],
  ["string-latitude", ["field_types"]],
  ["null-on-ground", ["field_types"]],
  ["malformed-icao24", ["icao24_format"]],
  ["duplicate-icao24", ["icao24_unique"]],
  ["lowercase-callsign", ["callsign_format"]],
  ["empty-origin-country", ["origin_country_present"]],
  ["missing-position", ["position_present"]],
  ["latitude-out-of-range", ["latitude_range"]],
  ["longitude-out-of-range", ["longitude_range"]],
  ["time-position-after-contact", ["timestamp_order"]],
  ["contact-after-snapshot", ["timestamp_order"]],
  ["stale-contact", ["contact_freshness"]],
  ["delayed-contact", ["contact_delay"]],
  ["baro-altitude-out-of-range", ["baro_altitude_range"]],
  ["velocity-out-of-range", ["velocity_range"]],
  ["true-track-out-of-range", ["true_track_range"]],
  ["vertical-rate-out-of-range", ["vertical_rate_range"]],
  ["malformed-squawk", ["squawk_format"]],
  ["fast-on-ground", ["on_ground_consistency"]],
  ["unknown-position-source", ["position_source_known"]],
  ["category-out-of-range", ["category_range"]],
];

describe("quality checks", () => {
  it("has at least the sixteen checks of the design reference, each named once, hard or soft", () => {
    const names = QUALITY_CHECKS.map((check) => check.name);
    expect(new Set(names).size).to.equal(names.length);
    expect(names.length).to.be.at.least(16);
    const hard = QUALITY_CHECKS.filter((check) => check.severity === "hard").map((check) => check.name);
    expect(hard).to.include.members([
      "row_shape",
      "icao24_format",
      "icao24_unique",
      "latitude_range",
      "longitude_range",
      "timestamp_order",
      "contact_freshness",
      "baro_altitude_range",
      "velocity_range",
      "true_track_range",
      "vertical_rate_range",
      "squawk_format",
    ]);
    const soft = QUALITY_CHECKS.filter((check) => check.severity === "soft").map((check) => check.name);
    expect(soft).to.include.members(["callsign_format", "origin_country_present", "position_present", "contact_delay", "on_ground_consistency"]);
  });

  it("runs exactly the contract's checks, in its order: one CheckFailures series each, as the cost estimate counts them", () => {
    expect(QUALITY_CHECKS.map((check) => check.name)).to.deep.equal([...QUALITY_CHECK_NAMES]);
  });

  it("passes every check on a clean snapshot", () => {
    const input = checkInput(generateSnapshot({ seed: 2, stateCount: 3_000, categoryShare: 0.5, oddities: false }).snapshot);
    const results = runChecks(QUALITY_CHECKS, input);
    expect(failuresOf(input)).to.deep.equal({});
    expect(results.every((result) => result.passRatio === 1)).to.equal(true);
  });

  for (const [defect, checks] of DEFECT_CHECKS) {
    it(`fails ${checks.join(", ")} for exactly the rows given ${defect}, with their icao24`, () => {
      const { snapshot, defectRows } = generateSnapshot({
        seed: 3,
        stateCount: 1_000,
        categoryShare: 0.5,
        oddities: false,
        defects: { [defect]: 0.012 },
      });
      const input = checkInput(snapshot);
      const expected = Object.fromEntries(checks.map((check) => [check, 12]));
      expect(failuresOf(input)).to.deep.equal(expected);
      const result = runChecks(QUALITY_CHECKS, input).find((candidate) => candidate.name === checks[0]);
      expect(result?.passRatio).to.be.closeTo(1 - 12 / (result?.applicable ?? 1), 1e-12);
      if (result?.failingRows !== undefined) {
        const icao24 = input.snapshot.columns.icao24;
        const failing = [...result.failingRows].map((row) => icao24[row]);
        const injected = (defectRows[defect] ?? []).map((index) => ((snapshot.states ?? [])[index] as unknown[])[0]);
        expect(failing).to.have.members(injected);
      }
    });
  }

  it("judges range checks only on present values and passes their edges", () => {
    const row = (overrides: Record<number, unknown>): unknown[] => {
      const fields: unknown[] = ["abcdef", "AB12", "X", 100, 100, 0, 0, 0, false, 0, 0, 0, null, 0, "0000", false, 0, 0];
      for (const [index, value] of Object.entries(overrides)) fields[Number(index)] = value;
      return fields;
    };
    const edges = [
      row({ 0: "000001", 5: -180, 6: -90, 7: -1000, 9: 0, 10: 0, 11: -60, 17: 0 }),
      row({ 0: "000002", 5: 180, 6: 90, 7: 30000, 9: 350, 10: 359.99, 11: 60, 16: 3, 17: 20 }),
      row({ 0: "000003", 5: null, 6: null, 7: null, 9: null, 10: null, 11: null, 14: null, 17: null, 1: null }),
      row({ 0: "000004", 4: 100 - 300, 3: 100 - 300 }),
    ];
    const failures = failuresOf(checkInput({ time: 100, states: edges }));
    // The third row lacks a position; the fourth is exactly 300 s old: fresh, but delayed.
    expect(failures).to.deep.equal({ position_present: 1, contact_delay: 1 });
  });

  it("counts a stale contact once, under contact_freshness, not also as delayed", () => {
    const input = checkInput({
      time: 1_000,
      states: [["abcdef", "AB1", "X", 600, 600, 0, 0, 0, false, 0, 0, 0, null, 0, null, false, 0]],
    });
    expect(failuresOf(input)).to.deep.equal({ contact_freshness: 1 });
  });

  it("takes the quarantine checks from processing's counts and samples", () => {
    const input: CheckInput = {
      snapshot: typeSnapshot({ time: 1, states: null }).snapshot,
      quarantine: { ...NO_QUARANTINE, rowShape: 2, fieldType: 3, sampleFieldTypeIcao24: ["abc123"] },
    };
    const results = runChecks(QUALITY_CHECKS, input);
    expect(results.find((r) => r.name === "row_shape")).to.include({ applicable: 5, failing: 2 });
    expect(results.find((r) => r.name === "field_types")).to.deep.include({ applicable: 5, failing: 3, sampleIcao24: ["abc123"] });
  });
});
