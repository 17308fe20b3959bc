import { expect } from "chai";
import { computeBackoffMs } from "../../../handlers/ingestion/backoff";
import { parseCredentialsSecret } from "../../../handlers/ingestion/openSkyCredentials";
import { buildStatesUrl } from "../../../handlers/ingestion/statesRequest";

describe("ingestion: states URL", () => {
  it("asks for the whole world without parameters", () => {
    expect(buildStatesUrl("https://opensky-network.org/api", { extended: false }).href).to.equal("https://opensky-network.org/api/states/all");
  });

  it("adds the bounding box and extended=1", () => {
    const url = buildStatesUrl("http://127.0.0.1:8080/api/", {
      boundingBox: { lamin: 45.8389, lomin: 5.9962, lamax: 47.8229, lomax: 10.5226 },
      extended: true,
    });
    expect(url.href).to.equal("http://127.0.0.1:8080/api/states/all?lamin=45.8389&lomin=5.9962&lamax=47.8229&lomax=10.5226&extended=1");
  });
});

describe("ingestion: backoff", () => {
  const policy = { baseDelayMs: 100, maxDelayMs: 1_000 };

  it("doubles the ceiling per retry up to the maximum", () => {
    const ceiling = (retry: number) => computeBackoffMs(retry, policy, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6].map(ceiling)).to.deep.equal([99, 199, 399, 799, 999, 999]);
  });

  it("draws the wait uniformly below the ceiling (full jitter)", () => {
    expect(computeBackoffMs(3, policy, () => 0)).to.equal(0);
    expect(computeBackoffMs(3, policy, () => 0.5)).to.equal(200);
    const waits = Array.from({ length: 200 }, () => computeBackoffMs(2, policy));
    expect(Math.min(...waits)).to.be.at.least(0);
    expect(Math.max(...waits)).to.be.below(200);
    expect(new Set(waits).size).to.be.greaterThan(20);
  });

  it("refuses a retry number below 1", () => {
    expect(() => computeBackoffMs(0, policy)).to.throw(/retry number 0 must be an integer ≥ 1/);
  });
});

describe("ingestion: credentials secret", () => {
  it("reads clientId and clientSecret", () => {
    expect(parseCredentialsSecret('{"clientId":"me-api-client","clientSecret":"s"}', "arn:s")).to.deep.equal({
      clientId: "me-api-client",
      clientSecret: "s",
    });
  });

  it("names the secret and the missing field, never the value", () => {
    expect(() => parseCredentialsSecret("hunter2", "arn:s")).to.throw(/^secret arn:s is not JSON/);
    let message = "";
    try {
      parseCredentialsSecret('{"client_id":"x","clientSecret":"hunter2"}', "arn:s");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/secret arn:s lacks a non-empty string clientId/);
    expect(message).not.to.include("hunter2");
  });
});
