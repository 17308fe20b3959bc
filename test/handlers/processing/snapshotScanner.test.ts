import { expect } from "chai";
import fc from "fast-check";
import { DEFECT_KINDS, generateSnapshot } from "../../../fixtures/snapshotGenerator";
import { createSnapshotScanner } from "../../../handlers/processing/snapshotScanner";
import { typeSnapshot, type TypingResult } from "../../../handlers/shared/columns";
import { parseRawSnapshot } from "../../../handlers/shared/rawSnapshot";
import type { RawSnapshot } from "../../../handlers/shared/stateVector";
import { rawSnapshot, repetitiveSnapshot } from "../../support/snapshotArbitraries";

const TIME = 1_766_888_059;
const ROW = '["a2d2c6","N281MA  ","United States",1766888059,1766888059,-118.1803,33.9294,396.24,false,100.99,266.79,-1.63,null,381,"4704",false,0]';
const body = (...rows: string[]) => `{"time":${TIME},"states":[${rows.join(",")}]}`;
/** ROW with field `index` spelled `spelling`. */
const rowWith = (index: number, spelling: string): string => {
  const fields = ROW.slice(1, -1).split(",");
  fields[index] = spelling;
  return `[${fields.join(",")}]`;
};

/** Columns as plain arrays, with -0 and NaN told apart, so deep equality means identical values. */
function comparable(result: TypingResult): unknown {
  const columns = Object.entries(result.snapshot.columns).map(([name, values]) => [
    name,
    Array.from(values as ArrayLike<unknown>, (value) => (Object.is(value, -0) ? "-0" : Number.isNaN(value) ? "NaN" : value)),
  ]);
  return { ...result, snapshot: { ...result.snapshot, columns } };
}

/** The scan gives exactly what JSON.parse and typeSnapshot give, from the text and, when ASCII, from its bytes in pieces. */
function expectSameAsParse(text: string): void {
  const scanned = scanCleanSnapshot(text, TIME);
  expect(scanned, "scanned").to.not.equal(undefined);
  const parsed = comparable(typeSnapshot(parseRawSnapshot(text)));
  expect(comparable(scanned as TypingResult)).to.deep.equal(parsed);
  if (isAsciiText(text)) {
    const pieces = scanInPieces(Buffer.from(text, "latin1"), TIME);
    // A piece may only end inside a row where a string value holds "],[", and then the scan gives up.
    if (pieces === undefined) expect(hasSeparatorInString(text), "scanned in pieces").to.equal(true);
    else expect(comparable(pieces)).to.deep.equal(parsed);
  }
}

const scanCleanSnapshot = createSnapshotScanner();
/** Reads an ASCII body from its bytes in pieces of about 64 bytes, so every row crosses a piece. */
const scanInPieces = createSnapshotScanner({ pieceBytes: 64 });
const isAsciiText = (text: string): boolean => [...text].every((character) => character.charCodeAt(0) < 0x80);
function hasSeparatorInString(text: string): boolean {
  let found = false;
  JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === "string" && value.includes("],[")) found = true;
    return value;
  });
  return found;
}

describe("the processing scanner", () => {
  it("types generated snapshots exactly as JSON.parse and typeSnapshot do", () => {
    for (const stateCount of [0, 1, 300]) {
      for (const categoryShare of [0, 0.5, 1]) {
        const { snapshot } = generateSnapshot({ seed: stateCount + categoryShare, stateCount, time: TIME, categoryShare });
        expectSameAsParse(JSON.stringify(snapshot));
        expectSameAsParse(JSON.stringify(snapshot, null, 2));
      }
    }
    expectSameAsParse(JSON.stringify(generateSnapshot({ seed: 1, stateCount: 0, time: TIME, statesNull: true }).snapshot));
  });

  it("reads every JSON spelling of a number to the value JSON.parse gives", () => {
    const spellings = [
      "0",
      "-0",
      "0.0",
      "-0.000",
      "1E2",
      "2.5e+3",
      "0.1e-5",
      "123456789012345.6",
      "9007199254740993",
      "0.30000000000000004",
      "-118.18030000000001",
      "1766888059.0005",
      "33.92940",
      "1e-7",
    ];
    for (const spelling of spellings) {
      for (const index of [5, 7, 13]) expectSameAsParse(body(rowWith(index, spelling)));
    }
    for (const spelling of ["-0", "1766888059.0005", "1766888059.00049", "1.766888059e9", "8.64e12"]) {
      expectSameAsParse(body(rowWith(3, spelling)));
    }
    for (const spelling of ["0", "-0", "2.0", "3e0"]) expectSameAsParse(body(rowWith(16, spelling)));
  });

  it("takes non-ASCII strings, an 18th field and a non-null sensors value, which typing ignores", () => {
    expectSameAsParse(body(rowWith(2, '"Curaçao"'), rowWith(12, '"x"'), `${ROW.slice(0, -1)},4]`));
    // A value holding the row separator, where a piece of bytes may end inside the row.
    expectSameAsParse(body(rowWith(1, '"],["'), ROW, rowWith(2, '"a],[b"'), ROW));
  });

  it("gives up, for the JSON.parse path to decide, on anything else", () => {
    const others = [
      body(rowWith(1, '"N\\u0032"')), // an escape
      body(rowWith(12, "[1,2]")), // a nested value
      body(rowWith(5, '"west"')), // a row to quarantine
      body(rowWith(5, "1e400")), // a number that overflows to Infinity
      body(rowWith(16, "01")), // not JSON
      body(rowWith(5, "1.")),
      body("[]"),
      body(`${ROW.slice(0, -1)},4,5]`), // 19 fields
      `{"time":${TIME + 1},"states":[${ROW}]}`,
      `{"states":[${ROW}],"time":${TIME}}`,
      `{"time":${TIME},"states":[${ROW}],"extra":1}`,
      `${body(ROW)} x`,
      body(ROW).slice(0, -2),
      "",
    ];
    for (const text of others) {
      expect(scanCleanSnapshot(text, TIME), text).to.equal(undefined);
      expect(scanInPieces(Buffer.from(text, "latin1"), TIME), text).to.equal(undefined);
    }
    for (const kind of DEFECT_KINDS) {
      const { snapshot } = generateSnapshot({ seed: 3, stateCount: 200, time: TIME, defects: { [kind]: 0.1 } });
      const text = JSON.stringify(snapshot);
      const scanned = scanCleanSnapshot(text, TIME);
      if (scanned === undefined) expect(typeSnapshot(parseRawSnapshot(text)).quarantined, kind).to.not.deep.equal([]);
      else expectSameAsParse(text);
    }
  });

  it("types any body it takes exactly as JSON.parse and typeSnapshot do, and takes most", () => {
    // Callsigns padded or wrapped in spaces, ASCII and not, as trimming must treat them.
    const spaces = fc.constantFrom(" ", "  ", "\u00a0", " \u3000", "\t", "");
    const padded = fc.tuple(spaces, fc.constantFrom("N281MA", "", "DLH4AB", "ÆØÅ1"), spaces).map(([a, b, c]) => a + b + c);
    const withCallsigns = fc
      .tuple(fc.oneof(rawSnapshot, repetitiveSnapshot), fc.array(padded, { minLength: 1, maxLength: 8 }))
      .map(([raw, callsigns]): RawSnapshot => ({
        ...raw,
        states: raw.states?.map((row, i) => (Array.isArray(row) && i % 2 === 0 ? [row[0], callsigns[i % callsigns.length], ...row.slice(2)] : row)) ?? null,
      }));
    let taken = 0;
    fc.assert(
      fc.property(withCallsigns, fc.boolean(), (raw, indent) => {
        const text = JSON.stringify({ ...raw, time: TIME }, null, indent ? 1 : undefined);
        // Giving up is always allowed (a nested sensors value, an escape): the JSON.parse path decides.
        if (scanCleanSnapshot(text, TIME) === undefined) {
          if (isAsciiText(text)) expect(scanInPieces(Buffer.from(text, "latin1"), TIME)).to.equal(undefined);
          return;
        }
        taken++;
        expectSameAsParse(text);
      }),
      { numRuns: 400 },
    );
    expect(taken, "bodies the scanner took").to.be.greaterThan(100);
  });
});
