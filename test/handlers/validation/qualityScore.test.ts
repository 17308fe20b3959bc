import { expect } from "chai";
import { generateSnapshot } from "../../../fixtures/snapshotGenerator";
import { typeSnapshot } from "../../../handlers/shared/columns";
import { assessSnapshot, thresholdBreaches, type QualityThresholds } from "../../../handlers/validation/qualityAssessment";
import { createQualityChecks } from "../../../handlers/validation/qualityChecks";
import type { CheckInput } from "../../../handlers/validation/qualityChecks";
import { EXPECTED_VALUES_PER_ROW } from "../../../handlers/validation/qualityScore";

const CHECKS = createQualityChecks();

const TIME = 1_766_888_059;
const DEFAULTS: QualityThresholds = { qualityThreshold: 0.8, minCompletenessScore: 0.7, maxErrorRate: 0.05 };

function inputOf(states: unknown[][] | null, quarantinedRowShape = 0): CheckInput {
  return {
    snapshot: typeSnapshot({ time: TIME, states }).snapshot,
    quarantine: { rowShape: quarantinedRowShape, fieldType: 0, sampleRowShapeIcao24: [], sampleFieldTypeIcao24: [] },
  };
}

function generated(options: Parameters<typeof generateSnapshot>[0]): CheckInput {
  const typed = typeSnapshot(generateSnapshot(options).snapshot);
  const count = (reason: string) => typed.quarantined.filter((row) => row.reason === reason).length;
  return {
    snapshot: typed.snapshot,
    quarantine: { rowShape: count("row-shape"), fieldType: count("field-type"), sampleRowShapeIcao24: [], sampleFieldTypeIcao24: [] },
  };
}

describe("completeness, error rate and quality score", () => {
  it("computes the documented definitions on a hand-checked snapshot", () => {
    const T = TIME;
    const rows = [
      // complete and airborne: 8 of 8
      ["aaaaa1", "ABC123  ", "Spain", T, T, 1, 2, 1000, false, 200, 90, 1, null, 1100, "1234", false, 0],
      // no callsign, no vertical rate, only a geometric altitude: 6 of 8
      ["aaaaa2", "        ", "Spain", T, T, 1, 2, null, false, 200, 90, null, null, 1100, null, false, 0],
      // on the ground, so altitude and vertical rate are not expected: 8 of 8
      ["aaaaa3", "ABC124  ", "Spain", T, T, 1, 2, null, true, 5, 90, null, null, null, null, false, 0],
      // latitude out of range (hard) and no country: 7 of 8
      ["aaaaa4", "ABC125  ", "", T, T, 1, 95, 1000, false, 200, 90, 1, null, 1100, null, false, 0],
    ];
    // plus one quarantined row: 0 of 8, and an error
    const { scores } = assessSnapshot(inputOf(rows, 1), DEFAULTS, CHECKS);
    expect(scores.inputRows).to.equal(5);
    expect(scores.completeness).to.equal(29 / (EXPECTED_VALUES_PER_ROW * 5));
    expect(scores.errorRows).to.equal(2);
    expect(scores.errorRate).to.equal(0.4);
    // soft checks: origin_country_present 3/4, the other six 1
    expect(scores.softPassRatio).to.be.closeTo((6 + 0.75) / 7, 1e-12);
    expect(scores.qualityScore).to.be.closeTo(0.5 * 0.6 + 0.25 * (29 / 40) + 0.25 * ((6 + 0.75) / 7), 1e-12);
  });

  it("counts a row failing several hard checks as one error", () => {
    const rows = [["bad!", null, "X", TIME + 50, TIME + 40, 500, 95, 99999, false, 999, 400, 99, null, null, "9999", false, 0]];
    const assessment = assessSnapshot(inputOf(rows), DEFAULTS, CHECKS);
    expect(assessment.checks.filter((check) => check.severity === "hard" && check.failing > 0).length).to.be.greaterThan(5);
    expect(assessment.scores.errorRows).to.equal(1);
    expect(assessment.scores.errorRate).to.equal(1);
  });

  it("scores an empty snapshot as complete, error-free and passing", () => {
    for (const states of [null, []]) {
      const assessment = assessSnapshot(inputOf(states), DEFAULTS, CHECKS);
      expect(assessment.scores).to.deep.include({ inputRows: 0, completeness: 1, errorRate: 0, qualityScore: 1 });
      expect(assessment.passed).to.equal(true);
    }
  });

  it("scores a snapshot whose rows were all quarantined as empty and all wrong", () => {
    const { scores, passed, breaches } = assessSnapshot(inputOf([], 7), DEFAULTS, CHECKS);
    expect(scores).to.deep.include({ inputRows: 7, completeness: 0, errorRate: 1 });
    expect(passed).to.equal(false);
    expect(breaches).to.have.length(3);
  });

  it("lets a realistic snapshot, oddities and all, pass the default thresholds", () => {
    const assessment = assessSnapshot(generated({ seed: 8, stateCount: 6_500 }), DEFAULTS, CHECKS);
    expect(assessment.passed, assessment.breaches.join("; ")).to.equal(true);
    expect(assessment.scores.errorRate).to.be.within(0.001, 0.02);
    expect(assessment.scores.completeness).to.be.within(0.95, 1);
    expect(assessment.emergencies.map((e) => e.squawk).sort()).to.deep.equal(["7500", "7600", "7700"]);
    expect(assessment.contactAges.stale).to.be.greaterThan(0);
  });

  it("fails a snapshot with 10% bad positions on error rate only", () => {
    const assessment = assessSnapshot(generated({ seed: 8, stateCount: 2_000, oddities: false, defects: { "latitude-out-of-range": 0.1 } }), DEFAULTS, CHECKS);
    expect(assessment.scores.errorRate).to.equal(0.1);
    expect(assessment.breaches).to.deep.equal(["error rate 0.1000 > 0.05"]);
    expect(assessment.checks.find((check) => check.name === "latitude_range")?.sampleIcao24).to.have.length(5);
  });

  it("names each threshold a snapshot breaks, and none at the exact limits", () => {
    const scores = { inputRows: 10, errorRows: 1, completeness: 0.7, errorRate: 0.05, softPassRatio: 1, qualityScore: 0.8 };
    expect(thresholdBreaches(scores, DEFAULTS)).to.deep.equal([]);
    expect(thresholdBreaches({ ...scores, qualityScore: 0.79, completeness: 0.69, errorRate: 0.051 }, DEFAULTS)).to.deep.equal([
      "quality score 0.7900 < 0.8",
      "completeness 0.6900 < 0.7",
      "error rate 0.0510 > 0.05",
    ]);
  });

  it("reports emergency squawks and contact ages", () => {
    const T = TIME;
    const row = (icao24: string, squawk: string | null, lastContact: number): unknown[] => [
      icao24,
      "ABC1",
      "X",
      lastContact,
      lastContact,
      1,
      1,
      100,
      false,
      100,
      1,
      1,
      null,
      100,
      squawk,
      false,
      0,
    ];
    const { emergencies, contactAges } = assessSnapshot(
      inputOf([row("aaaaa1", "7700", T), row("aaaaa2", "7600", T - 20), row("aaaaa3", "1200", T - 400), row("aaaaa4", null, T - 2)]),
      DEFAULTS,
      CHECKS,
    );
    expect(emergencies).to.deep.equal([
      { icao24: "aaaaa1", callsign: "ABC1", squawk: "7700", meaning: "general emergency" },
      { icao24: "aaaaa2", callsign: "ABC1", squawk: "7600", meaning: "radio failure" },
    ]);
    expect(contactAges).to.deep.equal({ medianSeconds: 11, maxSeconds: 400, delayed: 1, stale: 1 });
  });
});
