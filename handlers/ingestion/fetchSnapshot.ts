/**
 * One `/states/all` snapshot, with the retries OpenSky needs: exponential backoff with jitter on
 * network errors, timeouts and 5xx; a new token after a 401; the API's own wait after a 429. Every
 * wait and every attempt has to fit in the time the invocation has left, so the handler always
 * gets to record what happened. A 429 whose wait does not fit is an outcome, not an error: the
 * next scheduled run will try again, and a Lambda retry would only spend more credits.
 */
import pRetry, { AbortError } from "p-retry";
import type { Logger } from "../shared/logger";
import { describeError, isNamedError, namedError, type NamedError } from "../shared/namedError";
import type { RawSnapshot } from "../shared/stateVector";
import { type AccessTokenProvider, isTokenRequestError } from "./accessToken";
import { type BackoffPolicy, computeBackoffMs } from "./backoff";
import { checkSnapshotBody, describeBody } from "./snapshotBody";

export interface RetryPolicy extends BackoffPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** An attempt is not started, nor a wait begun, unless this much time would be left for it. */
  minAttemptMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 4,
  baseDelayMs: 1_000,
  maxDelayMs: 8_000,
  minAttemptMs: 2_000,
};

export const RATE_LIMIT_REMAINING_HEADER = "x-rate-limit-remaining";
export const RETRY_AFTER_HEADER = "x-rate-limit-retry-after-seconds";

/** A failed attempt; `retryable` says whether another attempt could succeed. */
export type OpenSkyRequestError = NamedError<"OpenSkyRequestError", { retryable: boolean; status?: number }>;

export function openSkyRequestError(message: string, retryable: boolean, status?: number): OpenSkyRequestError {
  return namedError("OpenSkyRequestError", message, status === undefined ? { retryable } : { retryable, status });
}

/** A 429; `retryAfterSeconds` is undefined when it came without a usable X-Rate-Limit-Retry-After-Seconds. */
export type RateLimitedError = NamedError<"RateLimitedError", { retryAfterSeconds?: number }>;

function rateLimitedError(retryAfterSeconds: number | undefined): RateLimitedError {
  return namedError(
    "RateLimitedError",
    `OpenSky answered 429: credits exhausted, retry after ${retryAfterSeconds ?? "an unstated number of"} s`,
    retryAfterSeconds === undefined ? {} : { retryAfterSeconds },
  );
}

const isOpenSkyRequestError = (error: unknown): error is OpenSkyRequestError => isNamedError(error, "OpenSkyRequestError");
const isRateLimitedError = (error: unknown): error is RateLimitedError => isNamedError(error, "RateLimitedError");

export type FetchOutcome =
  /** `body` is the answer's bytes exactly as they arrived. */
  | { kind: "snapshot"; snapshot: RawSnapshot; body: Uint8Array; attempts: number; rateLimitRemaining?: number }
  | { kind: "rateLimited"; retryAfterSeconds?: number; attempts: number; rateLimitRemaining?: number };

export interface FetchSnapshotOptions {
  url: URL;
  requestTimeoutMs: number;
  tokens: AccessTokenProvider;
  fetch: typeof fetch;
  /** Milliseconds this stage may still spend fetching (the invocation's remaining time less what storing needs). */
  timeLeftMs: () => number;
  policy: RetryPolicy;
  sleep: (ms: number) => Promise<void>;
  logger: Logger;
  random?: () => number;
  clock: () => Date;
  /** Applied to any answer before it is quoted in an error or a log line. */
  redact: (text: string) => string;
}

function parseRetryAfter(header: string | null): number | undefined {
  const seconds = header === null ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : undefined;
}

function parseRemaining(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim());
}

/** What went wrong with fetch() itself, in words: a timeout, a refused connection, a reset. */
function describeFetchFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return `no complete answer within ${timeoutMs} ms`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return `network error: ${cause?.code ?? cause?.message ?? describeError(error)}`;
}

export async function fetchSnapshot(options: FetchSnapshotOptions): Promise<FetchOutcome> {
  const { policy, logger } = options;
  let attempts = 0;
  let rateLimitRemaining: number | undefined;
  let retriedWithNewToken = false;

  const attempt = async (): Promise<FetchOutcome> => {
    attempts += 1;
    const timeoutMs = Math.min(options.requestTimeoutMs, options.timeLeftMs());
    const signal = AbortSignal.timeout(Math.max(1, timeoutMs));
    let token: string | undefined;
    let response: Response;
    let body: Uint8Array;
    // The token request and the states request share the attempt's timeout.
    let calling = "token endpoint";
    try {
      token = await options.tokens.token(signal);
      const headers: Record<string, string> = { accept: "application/json" };
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      calling = options.url.pathname;
      response = await options.fetch(options.url, { headers, signal });
      body = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      if (isTokenRequestError(error)) {
        throw error.retryable ? error : new AbortError(error);
      }
      throw openSkyRequestError(`OpenSky ${calling}: ${describeFetchFailure(error, timeoutMs)}`, true);
    }

    rateLimitRemaining = parseRemaining(response.headers.get(RATE_LIMIT_REMAINING_HEADER)) ?? rateLimitRemaining;
    const contentType = response.headers.get("content-type") ?? undefined;
    const status = response.status;
    // For reading only: what is stored is `body`, byte for byte.
    const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");

    if (status === 200) {
      try {
        const snapshot = checkSnapshotBody(text, contentType, options.clock(), options.redact);
        const outcome: FetchOutcome = { kind: "snapshot", snapshot, body, attempts };
        if (rateLimitRemaining !== undefined) outcome.rateLimitRemaining = rateLimitRemaining;
        return outcome;
      } catch (error) {
        // A malformed body is not retried here: each call costs credits, and a proxy serving an
        // error page tends to keep serving it. The Lambda retry comes minutes later.
        throw new AbortError(error as Error);
      }
    }
    if (status === 429) throw rateLimitedError(parseRetryAfter(response.headers.get(RETRY_AFTER_HEADER)));
    const what = `OpenSky ${options.url.pathname} answered ${status} (${describeBody(text, contentType, options.redact)})`;
    if (status === 401 && token !== undefined) {
      options.tokens.invalidate();
      if (retriedWithNewToken) throw new AbortError(openSkyRequestError(`${what} even with a newly issued token`, false, status));
      retriedWithNewToken = true;
      throw openSkyRequestError(what, true, status);
    }
    if (status >= 500) throw openSkyRequestError(what, true, status);
    throw new AbortError(openSkyRequestError(what, false, status));
  };

  /** Milliseconds to wait before the next attempt, or undefined when none should be made. */
  const waitBefore = (error: Error, retry: number): number | undefined => {
    // An unstated wait is taken as too long to wait for: the run ends as rate-limited.
    if (isRateLimitedError(error)) return (error.retryAfterSeconds ?? Number.POSITIVE_INFINITY) * 1000;
    if (isOpenSkyRequestError(error) && error.status === 401) return 0;
    if (isOpenSkyRequestError(error) || isTokenRequestError(error)) {
      return error.retryable ? computeBackoffMs(retry, policy, options.random) : undefined;
    }
    return undefined;
  };

  try {
    return await pRetry(attempt, {
      retries: policy.retries,
      // The waits are ours (computeBackoffMs, Retry-After), taken in onFailedAttempt.
      minTimeout: 0,
      shouldRetry: ({ error, attemptNumber }) => waitBefore(error, attemptNumber) !== undefined,
      // A refresh after 401 is not a failure of OpenSky's; it does not use up a retry.
      shouldConsumeRetry: ({ error }) => !(isOpenSkyRequestError(error) && error.status === 401),
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        const wait = waitBefore(error, attemptNumber);
        if (wait === undefined || retriesLeft === 0) return;
        const timeLeft = options.timeLeftMs();
        if (wait + policy.minAttemptMs > timeLeft) {
          logger.warn("not retrying OpenSky: the wait would not fit in the invocation", {
            error: error.message,
            waitMs: wait,
            timeLeftMs: timeLeft,
            attempts,
          });
          throw error;
        }
        logger.info("retrying OpenSky", { error: error.message, waitMs: wait, attempt: attemptNumber });
        await options.sleep(wait);
      },
    });
  } catch (error) {
    if (isRateLimitedError(error)) {
      const outcome: FetchOutcome = { kind: "rateLimited", attempts };
      if (error.retryAfterSeconds !== undefined) outcome.retryAfterSeconds = error.retryAfterSeconds;
      if (rateLimitRemaining !== undefined) outcome.rateLimitRemaining = rateLimitRemaining;
      return outcome;
    }
    if (isOpenSkyRequestError(error) || isTokenRequestError(error)) {
      const status = isOpenSkyRequestError(error) ? error.status : undefined;
      throw openSkyRequestError(`${error.message}; gave up after ${attempts} attempt(s)`, false, status);
    }
    throw error;
  }
}
