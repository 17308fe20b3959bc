/**
 * OAuth2 client-credentials tokens for the OpenSky API. A token is kept for the container's life
 * and fetched again a minute before it expires or as soon as the API answers 401, so a warm
 * container asks the token endpoint about once per half hour.
 */
import { isNamedError, namedError, type NamedError } from "../shared/namedError";
import type { CredentialsSource, OpenSkyCredentials } from "./openSkyCredentials";
import { describeBody } from "./snapshotBody";

/** A failure of the token endpoint; `retryable` is false when retrying cannot help (bad credentials). */
export type TokenRequestError = NamedError<"TokenRequestError", { retryable: boolean }>;

export const tokenRequestError = (message: string, retryable: boolean): TokenRequestError =>
  namedError("TokenRequestError", message, { retryable });

export const isTokenRequestError = (error: unknown): error is TokenRequestError => isNamedError(error, "TokenRequestError");

export interface AccessTokenProvider {
  /** A bearer token, or undefined for anonymous access. */
  token(signal: AbortSignal): Promise<string | undefined>;
  /** Forgets the cached token after the API rejected it. */
  invalidate(): void;
}

export interface AccessTokenProviderOptions {
  tokenUrl: string;
  credentials: CredentialsSource;
  fetch: typeof fetch;
  clock: () => Date;
  /** Refresh this long before the token's stated expiry. */
  refreshMarginMs?: number;
}

export const DEFAULT_REFRESH_MARGIN_MS = 60_000;

export function createAccessTokenProvider(options: AccessTokenProviderOptions): AccessTokenProvider {
  const margin = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  let credentials: Promise<OpenSkyCredentials | undefined> | undefined;
  let cached: { value: string; refreshAt: number } | undefined;

  const requestToken = async (client: OpenSkyCredentials, signal: AbortSignal): Promise<string> => {
    const response = await options.fetch(options.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: client.clientId,
        client_secret: client.clientSecret,
      }).toString(),
      signal,
    });
    const text = await response.text();
    const contentType = response.headers.get("content-type") ?? undefined;
    if (!response.ok) {
      const retryable = response.status >= 500 || response.status === 429;
      if (!retryable) credentials = undefined; // the secret may have been rotated: read it again next time
      throw tokenRequestError(
        `OpenSky token endpoint answered ${response.status} for client ${client.clientId} (${describeBody(text, contentType)})`,
        retryable,
      );
    }
    let parsed: { access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw tokenRequestError(`OpenSky token endpoint sent a body that is not JSON (${describeBody(text, contentType)})`, true);
    }
    const { access_token: accessToken, expires_in: expiresIn } = parsed;
    if (typeof accessToken !== "string" || accessToken === "" || typeof expiresIn !== "number" || !(expiresIn > 0)) {
      throw tokenRequestError(
        `OpenSky token endpoint sent no access_token/expires_in (${describeBody(text, contentType)})`,
        true,
      );
    }
    cached = { value: accessToken, refreshAt: options.clock().getTime() + expiresIn * 1000 - margin };
    return accessToken;
  };

  return {
    async token(signal) {
      credentials ??= options.credentials().catch((error: unknown) => {
        credentials = undefined;
        throw error;
      });
      const client = await credentials;
      if (client === undefined) return undefined;
      if (cached !== undefined && options.clock().getTime() < cached.refreshAt) return cached.value;
      return requestToken(client, signal);
    },
    invalidate() {
      cached = undefined;
    },
  };
}
