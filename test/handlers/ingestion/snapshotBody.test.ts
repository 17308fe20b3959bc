import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { checkSnapshotBody, describeBody } from "../../../handlers/ingestion/snapshotBody";
import { sampleSnapshot } from "./sampleSnapshot";

describe("OpenSky body check", () => {
  it("accepts a snapshot with 17- and 18-field rows", () => {
    const snapshot = sampleSnapshot(1766888059);
    expect(checkSnapshotBody(JSON.stringify(snapshot), "application/json")).to.deep.equal(snapshot);
  });

  it('accepts "states": null as an empty snapshot', () => {
    expect(checkSnapshotBody('{"time":1766888059,"states":null}', "application/json")).to.deep.equal({ time: 1766888059, states: null });
  });

  const bad: [string, string, string | undefined, RegExp][] = [
    ["an HTML error page", "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>", "text/html", /HTML or XML, not JSON.* \(text\/html, 65 bytes, starting "<!DOCTYPE html><html><body><h1>502 Bad Gateway/],
    ["truncated JSON", '{"time":1766888059,"states":[["a2d2c6","N281MA  ","United Sta', "application/json", /truncated JSON .*, ending ".*United Sta" \(application\/json, 61 bytes, starting /],
    ["an empty body", "", "application/json", /the body is empty \(application\/json, 0 bytes/],
    ["plain text", "Service temporarily unavailable", undefined, /not valid JSON .* \(no content-type, 31 bytes, starting "Service temporarily unavailable"\)/],
    ["a JSON array", "[1,2]", "application/json", /the body is an array of 2, not an object with "time" and "states"/],
    ["a missing time", '{"states":null}', "application/json", /"time" is missing; expected whole unix seconds/],
    ["a time in milliseconds as a string", '{"time":"1766888059000","states":null}', "application/json", /"time" is the string "1766888059000"/],
    ["states as an object", '{"time":1,"states":{}}', "application/json", /"states" is an object; expected an array of state rows or null/],
    ["a 16-field row", '{"time":1,"states":[["a",1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]]}', "application/json", /states\[0\] is an array of 16, expected an array of 17 or 18 fields: "\[\\"a\\",1,2/],
    ["a row that is not an array", '{"time":1,"states":[[' + Array(17).fill("1").join(",") + '],"a2d2c6"]}', "application/json", /states\[1\] is the string "a2d2c6"/],
  ];
  for (const [what, body, contentType, message] of bad) {
    it(`rejects ${what}, naming what arrived`, () => {
      expect(() => checkSnapshotBody(body, contentType)).to.throw(message);
    });
  }

  it("cuts long bodies to a short excerpt in messages", () => {
    const description = describeBody(`<html>${"x".repeat(10_000)}</html>`, "text/html");
    expect(description).to.have.length.below(200);
    expect(description).to.match(/^text\/html, 10013 bytes, starting "<html>x+…"$/);
  });

  // Realism check against real snapshots, when the shared data folder is present (it is not in a fresh clone).
  const realDirectory = path.resolve(__dirname, "../../../../shared/data/opensky");
  const realFiles = fs.existsSync(realDirectory) ? fs.readdirSync(realDirectory).filter((name) => name.endsWith(".json")) : [];
  for (const name of realFiles) {
    it(`accepts the real snapshot ${name}`, () => {
      const body = fs.readFileSync(path.join(realDirectory, name), "utf8");
      const snapshot = checkSnapshotBody(body, "application/json");
      expect(snapshot.states?.length).to.be.greaterThan(1000);
    });
  }
});
