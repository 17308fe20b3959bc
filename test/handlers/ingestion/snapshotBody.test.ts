import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { checkSnapshotBody, describeBody, snapshotTimeProblem } from "../../../handlers/ingestion/snapshotBody";
import { createRedactor } from "../../../handlers/shared/redaction";
import { sampleSnapshot } from "../../support/sampleSnapshot";

const NOW = new Date("2026-12-01T00:00:00Z");
const noRedaction = (text: string): string => text;
const check = (body: string, contentType: string | undefined, now = NOW) => checkSnapshotBody(body, contentType, now, noRedaction);

describe("OpenSky body check", () => {
  it("accepts a snapshot with 17- and 18-field rows", () => {
    const snapshot = sampleSnapshot(1766888059);
    expect(check(JSON.stringify(snapshot), "application/json")).to.deep.equal(snapshot);
  });

  it('accepts "states": null as an empty snapshot', () => {
    expect(check('{"time":1766888059,"states":null}', "application/json")).to.deep.equal({ time: 1766888059, states: null });
  });

  it("accepts a states answer whatever its rows look like: odd rows are processing's to quarantine", () => {
    const rows = [["a", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], Array(19).fill(null), null, "a2d2c6", { icao24: "a2d2c6" }];
    const snapshot = check(JSON.stringify({ time: 1766888059, states: rows }), "application/json");
    expect(snapshot.states).to.deep.equal(rows);
  });

  describe("snapshot times", () => {
    const cases: [string, number, RegExp | undefined][] = [
      ["a time of 2010-01-01", 1_262_304_000, undefined],
      ["the clock's own time", NOW.getTime() / 1000, undefined],
      ["a time just under a day ahead", NOW.getTime() / 1000 + 86_399, undefined],
      ["a time in milliseconds", NOW.getTime(), /more than a day ahead .* \(it looks like milliseconds\)/],
      ["1e13", 1e13, /more than a day ahead/],
      ["a time a day and a second ahead", NOW.getTime() / 1000 + 86_401, /more than a day ahead/],
      ["a time before 2010", 1_262_303_999, /before 2010-01-01/],
      ["0", 0, /before 2010-01-01/],
    ];
    for (const [what, time, problem] of cases) {
      it(`${problem ? "refuses" : "accepts"} ${what}`, () => {
        const found = snapshotTimeProblem(time, NOW);
        if (problem === undefined) expect(found).to.equal(undefined);
        else expect(found).to.match(problem);
      });
    }

    it("refuses an answer with an impossible time with a SnapshotTimeError naming it", () => {
      expect(() => check(`{"time":${NOW.getTime()},"states":[]}`, "application/json"))
        .to.throw(/impossible time: "time" 1796083200000 is more than a day ahead/)
        .with.property("name", "SnapshotTimeError");
    });
  });

  const bad: [string, string, string | undefined, RegExp][] = [
    [
      "an HTML error page",
      "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>",
      "text/html",
      /HTML or XML, not JSON.* \(text\/html, 65 bytes, starting "<!DOCTYPE html><html><body><h1>502 Bad Gateway/,
    ],
    [
      "truncated JSON",
      '{"time":1766888059,"states":[["a2d2c6","N281MA  ","United Sta',
      "application/json",
      /truncated JSON .*, ending ".*United Sta" \(application\/json, 61 bytes, starting /,
    ],
    ["an empty body", "", "application/json", /the body is empty \(application\/json, 0 bytes/],
    ["plain text", "Service temporarily unavailable", undefined, /not valid JSON .* \(no content-type, 31 bytes, starting "Service temporarily unavailable"\)/],
    ["a JSON array", "[1,2]", "application/json", /the body is an array of 2, not an object with "time" and "states"/],
    ["a missing time", '{"states":null}', "application/json", /"time" is missing; expected whole unix seconds/],
    ["a time in milliseconds as a string", '{"time":"1766888059000","states":null}', "application/json", /"time" is the string "1766888059000"/],
    ["states as an object", '{"time":1766888059,"states":{}}', "application/json", /"states" is an object; expected an array of state rows or null/],
  ];
  for (const [what, body, contentType, message] of bad) {
    it(`rejects ${what} with a SnapshotBodyError naming what arrived`, () => {
      expect(() => check(body, contentType))
        .to.throw(message)
        .with.property("name", "SnapshotBodyError");
    });
  }

  it("cuts long bodies to a short excerpt in messages", () => {
    const description = describeBody(`<html>${"x".repeat(10_000)}</html>`, "text/html", noRedaction);
    expect(description).to.have.length.below(200);
    expect(description).to.match(/^text\/html, 10013 bytes, starting "<html>x+…"$/);
  });

  it("redacts a credential in the body before cutting it, so no prefix of it survives in the excerpt", () => {
    const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJmbGlnaHQtZGF0YSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
    const body = `${"<p>".repeat(30)}{"access_token":"${token}"}`;
    const redactor = createRedactor();
    const description = describeBody(body, "text/html", redactor.text);
    expect(description).to.not.contain(token.slice(0, 12));
    let message = "";
    try {
      checkSnapshotBody(`<html>${body}`, "text/html", NOW, redactor.text);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/HTML or XML/);
    expect(message).to.not.contain(token.slice(0, 12));
  });

  // Realism check against real snapshots, when the shared data folder is present (it is not in a fresh clone).
  const realDirectory = path.resolve(__dirname, "../../../../shared/data/opensky");
  const realFiles = fs.existsSync(realDirectory) ? fs.readdirSync(realDirectory).filter((name) => name.endsWith(".json")) : [];
  for (const name of realFiles) {
    it(`accepts the real snapshot ${name}`, () => {
      const body = fs.readFileSync(path.join(realDirectory, name), "utf8");
      const snapshot = check(body, "application/json");
      expect(snapshot.states?.length).to.be.greaterThan(1000);
    });
  }
});
