/**
 * The OpenSky Network on loopback: `GET /api/states/all` and the Keycloak client-credentials token
 * endpoint, behaving as the live service does (bounding-box filtering, `extended=1`, bearer tokens
 * that expire, credits counted down in `X-Rate-Limit-Remaining`, 429 when they run out), plus a
 * per-request script of failures for the cases the live service produces only now and then.
 */
import { randomUUID } from "crypto";
import type * as http from "http";
import type { RawSnapshot } from "../handlers/shared/stateVector";
import { type LoopbackServer, readBody, sendJson, startLoopbackServer } from "./loopbackServer";

export const STATES_PATH = "/api/states/all";
export const TOKEN_PATH = "/auth/realms/opensky-network/protocol/openid-connect/token";

/** OpenSky's daily credits: anonymous callers get 400, a registered account 4,000. */
export const DAILY_CREDITS = { anonymous: 400, registered: 4_000 } as const;

/**
 * One scripted answer. With `status` it replaces the normal answer; without, the normal answer is
 * sent after `delayMs`, which is how a slow response beyond the client's timeout is played.
 */
export interface ScriptedResponse {
  delayMs?: number;
  status?: number;
  headers?: Record<string, string>;
  contentType?: string;
  /** Bytes are sent as they are, so a test can serve a body that is not UTF-8. */
  body?: string | Uint8Array;
}

/** The failures OpenSky has been seen to produce, ready to queue. */
export const openSkyFailures = {
  /** What a bearer token past its 30 minutes gets. */
  unauthorized: (): ScriptedResponse => ({ status: 401, contentType: "text/plain", body: "" }),
  rateLimited: (retryAfterSeconds: number): ScriptedResponse => ({
    status: 429,
    headers: { "X-Rate-Limit-Retry-After-Seconds": String(retryAfterSeconds) },
    contentType: "text/plain",
    body: "Too many requests",
  }),
  serverError: (status = 500): ScriptedResponse => ({
    status,
    contentType: "text/html",
    body: `<html><head><title>${status}</title></head><body><h1>${status} Server Error</h1></body></html>`,
  }),
  slow: (delayMs: number): ScriptedResponse => ({ delayMs }),
  /** A 200 with exactly this body: one the API does not document (HTML, truncated JSON), or crafted bytes. */
  body: (body: string | Uint8Array, contentType = "application/json"): ScriptedResponse => ({ status: 200, contentType, body }),
} as const;

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization?: string;
  /** Form fields of a token request. */
  form?: Record<string, string>;
}

export interface OpenSkyEmulator extends LoopbackServer {
  /** e.g. http://127.0.0.1:41234/api, as OPENSKY_API_URL expects. */
  readonly apiUrl: string;
  readonly tokenUrl: string;
  readonly requests: readonly RecordedRequest[];
  /** Access tokens issued so far. */
  readonly tokensIssued: readonly string[];
  setSnapshot(snapshot: RawSnapshot): void;
  /** Queues answers for the next `/states/all` requests, one each, in order. */
  scriptStates(...responses: ScriptedResponse[]): void;
  scriptToken(...responses: ScriptedResponse[]): void;
  /** Makes every issued token invalid, as if 30 minutes had passed. */
  expireTokens(): void;
  setCredits(identity: string, credits: number): void;
  stateRequests(): RecordedRequest[];
  tokenRequests(): RecordedRequest[];
}

export interface OpenSkyEmulatorOptions {
  snapshot?: RawSnapshot;
  /** client id → client secret */
  clients?: Record<string, string>;
  tokenLifetimeSeconds?: number;
  clock?: () => Date;
}

const BOX_PARAMS = ["lamin", "lomin", "lamax", "lomax"] as const;

/** OpenSky's credit cost of a /states/all call by the box's area in square degrees. */
export function creditCost(box: Record<(typeof BOX_PARAMS)[number], number> | undefined): number {
  if (!box) return 4;
  const area = (box.lamax - box.lamin) * (box.lomax - box.lomin);
  if (area <= 25) return 1;
  if (area <= 100) return 2;
  if (area <= 400) return 3;
  return 4;
}

function secondsToUtcMidnight(now: Date): number {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.ceil((midnight - now.getTime()) / 1000);
}

export async function startOpenSkyEmulator(options: OpenSkyEmulatorOptions = {}): Promise<OpenSkyEmulator> {
  const clock = options.clock ?? (() => new Date());
  const clients = options.clients ?? {};
  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 1_800;
  let snapshot: RawSnapshot = options.snapshot ?? { time: Math.floor(clock().getTime() / 1000), states: [] };
  const requests: RecordedRequest[] = [];
  const tokensIssued: string[] = [];
  /** token → client id and expiry (ms) */
  const tokens = new Map<string, { clientId: string; expiresAt: number }>();
  const credits = new Map<string, number>();
  const statesScript: ScriptedResponse[] = [];
  const tokenScript: ScriptedResponse[] = [];
  const pendingDelays = new Set<NodeJS.Timeout>();

  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        pendingDelays.delete(timer);
        resolve();
      }, ms);
      pendingDelays.add(timer);
    });

  const sendScripted = (response: http.ServerResponse, scripted: ScriptedResponse): void => {
    const body = typeof scripted.body === "string" || scripted.body === undefined ? Buffer.from(scripted.body ?? "", "utf8") : Buffer.from(scripted.body);
    response.writeHead(scripted.status ?? 200, {
      "content-type": scripted.contentType ?? "text/plain",
      "content-length": body.length,
      ...scripted.headers,
    });
    response.end(body);
  };

  const serveToken = async (request: http.IncomingMessage, response: http.ServerResponse, form: Record<string, string>) => {
    const scripted = tokenScript.shift();
    if (scripted?.delayMs) await delay(scripted.delayMs);
    if (scripted?.status !== undefined) return sendScripted(response, scripted);
    if (request.method !== "POST") return sendJson(response, 405, { error: "method_not_allowed" });
    if (form.grant_type !== "client_credentials") {
      return sendJson(response, 400, { error: "unsupported_grant_type", error_description: "Unsupported grant_type" });
    }
    const clientId = form.client_id ?? "";
    if (clients[clientId] === undefined || clients[clientId] !== form.client_secret) {
      return sendJson(response, 401, {
        error: "unauthorized_client",
        error_description: "Invalid client or Invalid client credentials",
      });
    }
    const token = `opensky-emulator-${randomUUID()}`;
    tokens.set(token, { clientId, expiresAt: clock().getTime() + tokenLifetimeSeconds * 1000 });
    tokensIssued.push(token);
    return sendJson(response, 200, {
      access_token: token,
      expires_in: tokenLifetimeSeconds,
      refresh_expires_in: 0,
      token_type: "Bearer",
      "not-before-policy": 0,
      scope: "profile email",
    });
  };

  const serveStates = async (request: http.IncomingMessage, response: http.ServerResponse, query: Record<string, string>) => {
    const scripted = statesScript.shift();
    if (scripted?.delayMs) await delay(scripted.delayMs);
    if (scripted?.status !== undefined) return sendScripted(response, scripted);

    let identity = "anonymous";
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const token = /^Bearer (.+)$/.exec(authorization)?.[1];
      const grant = token === undefined ? undefined : tokens.get(token);
      if (!grant || grant.expiresAt <= clock().getTime()) {
        return sendScripted(response, openSkyFailures.unauthorized());
      }
      identity = grant.clientId;
    }

    const givenBoxParams = BOX_PARAMS.filter((name) => query[name] !== undefined);
    let box: Record<(typeof BOX_PARAMS)[number], number> | undefined;
    if (givenBoxParams.length > 0) {
      const values = BOX_PARAMS.map((name) => Number(query[name]));
      if (givenBoxParams.length !== 4 || values.some((value) => !Number.isFinite(value))) {
        return sendScripted(response, { status: 400, body: "Bad Request: lamin, lomin, lamax and lomax must all be numbers" });
      }
      const [lamin, lomin, lamax, lomax] = values as [number, number, number, number];
      box = { lamin, lomin, lamax, lomax };
    }

    const cost = creditCost(box);
    const remaining = credits.get(identity) ?? (identity === "anonymous" ? DAILY_CREDITS.anonymous : DAILY_CREDITS.registered);
    if (remaining < cost) {
      return sendScripted(response, openSkyFailures.rateLimited(secondsToUtcMidnight(clock())));
    }
    credits.set(identity, remaining - cost);

    let states = snapshot.states;
    if (states !== null && box !== undefined) {
      const { lamin, lomin, lamax, lomax } = box;
      states = states.filter((row) => {
        const [longitude, latitude] = [row[5], row[6]];
        return (
          typeof latitude === "number" && typeof longitude === "number" && latitude >= lamin && latitude <= lamax && longitude >= lomin && longitude <= lomax
        );
      });
    }
    // extended=1 adds the category column, 0 meaning "no information".
    if (states !== null && query.extended === "1") states = states.map((row) => (row.length === 17 ? [...row, 0] : row));
    // The API answers `"states": null`, not an empty list, when nothing matched.
    return sendJson(
      response,
      200,
      { time: snapshot.time, states: states === null || states.length === 0 ? null : states },
      { "X-Rate-Limit-Remaining": String(remaining - cost) },
    );
  };

  const server = await startLoopbackServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const query = Object.fromEntries(url.searchParams);
    const recorded: RecordedRequest = { method: request.method ?? "GET", path: url.pathname, query };
    if (request.headers.authorization !== undefined) recorded.authorization = request.headers.authorization;
    if (url.pathname === TOKEN_PATH) {
      const form = Object.fromEntries(new URLSearchParams((await readBody(request)).toString("utf8")));
      recorded.form = form;
      requests.push(recorded);
      return serveToken(request, response, form);
    }
    requests.push(recorded);
    if (url.pathname === STATES_PATH && request.method === "GET") return serveStates(request, response, query);
    return sendScripted(response, { status: 404, body: `Not Found: ${url.pathname}` });
  });

  return {
    ...server,
    apiUrl: `${server.endpoint}/api`,
    tokenUrl: `${server.endpoint}${TOKEN_PATH}`,
    requests,
    tokensIssued,
    setSnapshot(next) {
      snapshot = next;
    },
    scriptStates(...responses) {
      statesScript.push(...responses);
    },
    scriptToken(...responses) {
      tokenScript.push(...responses);
    },
    expireTokens() {
      for (const grant of tokens.values()) grant.expiresAt = 0;
    },
    setCredits(identity, remaining) {
      credits.set(identity, remaining);
    },
    stateRequests: () => requests.filter((request) => request.path === STATES_PATH),
    tokenRequests: () => requests.filter((request) => request.path === TOKEN_PATH),
    async stop() {
      for (const timer of pendingDelays) clearTimeout(timer);
      pendingDelays.clear();
      await server.stop();
    },
  };
}
