import { expect } from "chai";
import { generateSnapshot } from "../../../fixtures/snapshotGenerator";
import { MAX_ABS_TIMESTAMP_SECONDS, typeSnapshot, type StateColumns } from "../../../handlers/shared/columns";
import { STATE_VECTOR_FIELDS } from "../../../handlers/shared/stateVector";

const TIME = 1_766_888_059;
/** A valid 17-field row as the API sends it. */
const row = (overrides: Record<number, unknown> = {}): unknown[] => {
  const fields: unknown[] = [
    "a2d2c6",
    "N281MA  ",
    "United States",
    TIME,
    TIME,
    -118.1803,
    33.9294,
    396.24,
    false,
    100.99,
    266.79,
    -1.63,
    null,
    381,
    "4704",
    false,
    0,
  ];
  for (const [index, value] of Object.entries(overrides)) fields[Number(index)] = value;
  return fields;
};
const typeRows = (...rows: unknown[]) => typeSnapshot({ time: TIME, states: rows as unknown[][] });

describe("typeSnapshot", () => {
  it("has one typed column per state-vector field, sensors excluded", () => {
    const { snapshot } = typeRows(row());
    expect(Object.keys(snapshot.columns).sort()).to.deep.equal(STATE_VECTOR_FIELDS.map((field) => field.name).sort());
    expect(Object.keys(snapshot.columns)).to.not.include("sensors");
  });

  it("types every field of a row, trimming the callsign", () => {
    const { snapshot, quarantined } = typeRows(row(), [...row({ 0: "4ca7b5", 1: "", 3: null, 5: null, 6: null }), 4]);
    expect(quarantined).to.deep.equal([]);
    expect(snapshot.rowCount).to.equal(2);
    const c: StateColumns = snapshot.columns;
    expect(c.icao24).to.deep.equal(["a2d2c6", "4ca7b5"]);
    expect(c.callsign).to.deep.equal(["N281MA", null]);
    expect(Array.from(c.time_position)).to.deep.equal([TIME, Number.NaN]);
    expect(Array.from(c.latitude)).to.deep.equal([33.9294, Number.NaN]);
    expect(Array.from(c.on_ground)).to.deep.equal([0, 0]);
    expect(c.squawk).to.deep.equal(["4704", "4704"]);
    expect(Array.from(c.position_source)).to.deep.equal([0, 0]);
    expect(Array.from(c.category)).to.deep.equal([Number.NaN, 4]);
  });

  it("treats an all-space callsign as none and keeps inner spaces", () => {
    const { snapshot } = typeRows(row({ 1: "        " }), row({ 0: "aaaaaa", 1: "AB 12   " }));
    expect(snapshot.columns.callsign).to.deep.equal([null, "AB 12"]);
  });

  it("keeps timestamps to the millisecond and leaves whole seconds alone", () => {
    const { snapshot } = typeRows(row({ 3: 1_766_888_000.12345, 4: 1_766_888_001 }));
    expect(snapshot.columns.time_position[0]).to.equal(1_766_888_000.123);
    expect(snapshot.columns.last_contact[0]).to.equal(1_766_888_001);
  });

  it("accepts the extremes each column can hold", () => {
    const { quarantined, snapshot } = typeRows(row({ 5: -Number.MAX_VALUE, 6: Number.MIN_VALUE, 7: -0, 16: 2_147_483_647, 3: -MAX_ABS_TIMESTAMP_SECONDS }));
    expect(quarantined).to.deep.equal([]);
    expect(snapshot.columns.longitude[0]).to.equal(-Number.MAX_VALUE);
    // Parquet dictionaries cannot keep -0 and 0 apart, so typing makes them one value.
    expect(Object.is(snapshot.columns.baro_altitude[0], 0)).to.equal(true);
  });

  const untypable: [string, unknown, "row-shape" | "field-type", RegExp][] = [
    ["a row of 16 fields", row().slice(0, 16), "row-shape", /the row has 16 fields; expected 17 or 18/],
    ["a row of 19 fields", [...row(), 1, 2], "row-shape", /the row has 19 fields/],
    ["an object for a row", { icao24: "abc123" }, "row-shape", /the row is an object, not an array/],
    ["null for a row", null, "row-shape", /the row is null, not an array/],
    ["a null icao24", row({ 0: null }), "field-type", /icao24 is null; expected a string of well-formed Unicode \(the column is required\)/],
    ["a string latitude", row({ 6: "51.47" }), "field-type", /latitude is the string "51.47"; expected a finite number or null/],
    ["a lone surrogate in a callsign", row({ 1: "AB\uD800" }), "field-type", /callsign is the string .*; expected a string of well-formed Unicode or null/],
    ["an overflowing number", row({ 9: Number.POSITIVE_INFINITY }), "field-type", /velocity is number Infinity; expected a finite number/],
    ["a null on_ground", row({ 8: null }), "field-type", /on_ground is null; expected true or false \(the column is required\)/],
    ["a numeric squawk", row({ 14: 7700 }), "field-type", /squawk is number 7700; expected a string of well-formed Unicode or null/],
    ["a fractional position_source", row({ 16: 1.5 }), "field-type", /position_source is number 1.5; expected a 32-bit integer/],
    ["a category beyond int32", [...row(), 2 ** 31], "field-type", /category is number 2147483648; expected a 32-bit integer or null/],
    ["a null last_contact", row({ 4: null }), "field-type", /last_contact is null; expected unix seconds .* \(the column is required\)/],
    ["a timestamp beyond any date", row({ 3: 1e13 }), "field-type", /time_position is number 10000000000000; expected unix seconds/],
  ];
  for (const [what, bad, reason, detail] of untypable) {
    it(`quarantines ${what} with its reason and keeps the other rows`, () => {
      const { snapshot, quarantined, inputRowCount } = typeRows(row({ 0: "aaaaaa" }), bad, row({ 0: "bbbbbb" }));
      expect(inputRowCount).to.equal(3);
      expect(snapshot.columns.icao24).to.deep.equal(["aaaaaa", "bbbbbb"]);
      expect(quarantined).to.have.length(1);
      expect(quarantined[0]?.rowIndex).to.equal(1);
      expect(quarantined[0]?.reason).to.equal(reason);
      expect(quarantined[0]?.details.join("\n")).to.match(detail);
      expect(quarantined[0]?.row).to.deep.equal(bad);
    });
  }

  it("lists every problem of a row and names its icao24", () => {
    const { quarantined } = typeRows(row({ 6: "north", 8: "no" }));
    expect(quarantined[0]?.icao24).to.equal("a2d2c6");
    expect(quarantined[0]?.details).to.have.length(2);
  });

  it("types an empty and a states: null snapshot as zero rows", () => {
    for (const states of [null, []]) {
      const result = typeSnapshot({ time: TIME, states });
      expect(result.snapshot.rowCount).to.equal(0);
      expect(result.inputRowCount).to.equal(0);
      expect(result.snapshot.columns.icao24).to.deep.equal([]);
    }
  });

  it("quarantines exactly the generator's untypable defects", () => {
    const { snapshot, defectRows } = generateSnapshot({
      seed: 21,
      stateCount: 3_000,
      defects: { "wrong-field-count": 0.01, "not-an-array": 0.01, "missing-icao24": 0.01, "string-latitude": 0.01, "null-on-ground": 0.01 },
    });
    const result = typeSnapshot(snapshot);
    const expected = Object.values(defectRows)
      .flat()
      .sort((a, b) => a - b);
    expect(result.quarantined.map((row) => row.rowIndex)).to.deep.equal(expected);
    expect(result.snapshot.rowCount).to.equal(3_000 - expected.length);
  });
});
