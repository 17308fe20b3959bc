import { expect } from "chai";
import { parseRawSnapshot } from "../../../handlers/shared/rawSnapshot";

describe("parseRawSnapshot", () => {
  it("reads a snapshot, a states: null snapshot and an empty one", () => {
    expect(parseRawSnapshot('{"time":1766888059,"states":[["abc123"]]}')).to.deep.equal({
      time: 1766888059,
      states: [["abc123"]],
    });
    expect(parseRawSnapshot('{"time":1766888059,"states":null}')).to.deep.equal({ time: 1766888059, states: null });
    expect(parseRawSnapshot('{"time":1766888059,"states":[]}').states).to.deep.equal([]);
  });

  const unreadable: [string, string, RegExp][] = [
    ["an empty body", "  ", /the body is empty/],
    ["an HTML error page", "<!DOCTYPE html><title>502 Bad Gateway</title>", /HTML or XML, not JSON: "<!DOCTYPE html><title>502 Bad Gateway/],
    ["truncated JSON", '{"time":1766888059,"states":[["abc', /truncated JSON .*; 34 characters\)/],
    ["a JSON array", "[1,2]", /the body is an array of 2, not an object with "time" and "states"/],
    ["a JSON string", '"ok"', /the body is the string "ok", not an object/],
    ["no time", '{"states":[]}', /"time" is missing; expected whole unix seconds/],
    ["a fractional time", '{"time":1.5,"states":[]}', /"time" is number 1.5; expected whole unix seconds/],
    ["a negative time", '{"time":-3,"states":[]}', /"time" is number -3/],
    ["no states", '{"time":1766888059}', /"states" is missing; expected an array of state rows or null/],
    ["states as an object", '{"time":1766888059,"states":{"a":1}}', /"states" is an object; expected an array/],
  ];
  for (const [what, body, message] of unreadable) {
    it(`rejects ${what}, saying what arrived`, () => {
      expect(() => parseRawSnapshot(body)).to.throw(message);
    });
  }
});
