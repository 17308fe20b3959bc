import { expect } from "chai";
import { creditCost, DAILY_CREDITS } from "../../emulators/opensky";
import { openSkyFailures, type RunningEmulators, startEmulators } from "../../emulators";

const row = (icao24: string, longitude: number | null, latitude: number | null): unknown[] => [
  icao24,
  "TEST123 ",
  "Germany",
  1766888000,
  1766888000,
  longitude,
  latitude,
  10000,
  false,
  230,
  90,
  0,
  null,
  10200,
  "1000",
  false,
  0,
];

describe("OpenSky emulator", () => {
  let emulators: RunningEmulators<"opensky">;
  const snapshot = { time: 1766888059, states: [row("3c6444", 8.5, 50.0), row("4ca123", -6.2, 53.4), row("a00001", null, null)] };

  before(async () => {
    emulators = await startEmulators({
      services: ["opensky"],
      opensky: { snapshot, clients: { "pipeline-client": "s3cret" } },
    });
  });
  after(() => emulators.stop());

  const token = async (clientSecret: string) => {
    const response = await fetch(emulators.opensky.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: "pipeline-client", client_secret: clientSecret }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it("issues a 30-minute bearer token for the right client credentials and 401 for wrong ones", async () => {
    const granted = await token("s3cret");
    expect(granted.status).to.equal(200);
    expect(granted.body).to.include({ expires_in: 1800, token_type: "Bearer" });
    const refused = await token("wrong");
    expect(refused.status).to.equal(401);
    expect(refused.body.error).to.equal("unauthorized_client");
    expect(emulators.opensky.tokenRequests().at(-1)?.form).to.include({ grant_type: "client_credentials", client_id: "pipeline-client" });
  });

  it("serves the snapshot anonymously, counting credits down in X-Rate-Limit-Remaining", async () => {
    const response = await fetch(`${emulators.opensky.apiUrl}/states/all`);
    expect(response.status).to.equal(200);
    expect(response.headers.get("x-rate-limit-remaining")).to.equal(String(DAILY_CREDITS.anonymous - 4));
    expect(await response.json()).to.deep.equal(snapshot);
  });

  it("honours the bounding box (rows without a position drop out) and extended=1", async () => {
    const response = await fetch(`${emulators.opensky.apiUrl}/states/all?lamin=45&lomin=5&lamax=55&lomax=15&extended=1`);
    const body = (await response.json()) as { states: unknown[][] };
    expect(body.states.map((state) => state[0])).to.deep.equal(["3c6444"]);
    expect(body.states[0]).to.have.length(18);
    const empty = await fetch(`${emulators.opensky.apiUrl}/states/all?lamin=-10&lomin=-10&lamax=-5&lomax=-5`);
    expect(((await empty.json()) as { states: unknown }).states).to.equal(null);
    expect(emulators.opensky.stateRequests().at(-2)?.query).to.include({ lamin: "45", extended: "1" });
  });

  it("accepts a valid bearer token and answers 401 once tokens have expired", async () => {
    const { body } = await token("s3cret");
    const authorization = `Bearer ${String(body.access_token)}`;
    expect((await fetch(`${emulators.opensky.apiUrl}/states/all`, { headers: { authorization } })).status).to.equal(200);
    emulators.opensky.expireTokens();
    expect((await fetch(`${emulators.opensky.apiUrl}/states/all`, { headers: { authorization } })).status).to.equal(401);
    expect(emulators.opensky.stateRequests().at(-1)?.authorization).to.equal(authorization);
  });

  it("answers 429 with X-Rate-Limit-Retry-After-Seconds when the credits run out", async () => {
    emulators.opensky.setCredits("anonymous", 3);
    const response = await fetch(`${emulators.opensky.apiUrl}/states/all`);
    expect(response.status).to.equal(429);
    expect(Number(response.headers.get("x-rate-limit-retry-after-seconds"))).to.be.within(1, 86_400);
    emulators.opensky.setCredits("anonymous", DAILY_CREDITS.anonymous);
  });

  it("plays scripted failures in order, then serves normally again", async () => {
    emulators.opensky.scriptStates(openSkyFailures.serverError(503), openSkyFailures.rateLimited(7), openSkyFailures.body("<html>oops</html>", "text/html"));
    const statuses: number[] = [];
    for (let index = 0; index < 4; index += 1) {
      const response = await fetch(`${emulators.opensky.apiUrl}/states/all`);
      statuses.push(response.status);
      if (response.status === 429) expect(response.headers.get("x-rate-limit-retry-after-seconds")).to.equal("7");
      await response.text();
    }
    expect(statuses).to.deep.equal([503, 429, 200, 200]);
  });

  it("can hold a response longer than the client waits", async () => {
    emulators.opensky.scriptStates(openSkyFailures.slow(2_000));
    const started = Date.now();
    const error = await fetch(`${emulators.opensky.apiUrl}/states/all`, { signal: AbortSignal.timeout(100) }).then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    expect(error?.name).to.equal("TimeoutError");
    expect(Date.now() - started).to.be.below(1_000);
  });

  it("charges credits by box area as OpenSky does", () => {
    expect(creditCost(undefined)).to.equal(4);
    expect(creditCost({ lamin: 0, lomin: 0, lamax: 5, lomax: 5 })).to.equal(1);
    expect(creditCost({ lamin: 0, lomin: 0, lamax: 10, lomax: 10 })).to.equal(2);
    expect(creditCost({ lamin: 0, lomin: 0, lamax: 20, lomax: 20 })).to.equal(3);
    expect(creditCost({ lamin: 0, lomin: 0, lamax: 30, lomax: 30 })).to.equal(4);
  });
});
