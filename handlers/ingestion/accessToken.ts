/**
 * OAuth2 client-credentials tokens for the OpenSky API. A token is kept for the container's life
 * and fetched again a minute before it expires or as soon as the API answers 401, so a warm
 * container asks the token endpoint about once per half hour.
 */
import { isNamedError, namedError, type NamedError } from "../shared/namedError";
import type { CredentialsSource, OpenSkyCredentials } from "./openSkyCredentials";
import type { Redactor } from "../shared/redaction";
import { describeBody } from "./snapshotBody";

/** A failure of the token endpoint; `retryable` is false when retrying cannot help (bad credentials). */
export type TokenRequestError = NamedError<"TokenRequestError", { retryable: boolean }>;

export const tokenRequestError = (message: string, retryable: boolean): TokenRequestError => namedError("TokenRequestError", message, { retryable });

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
  /** Told every secret the provider handles (the client secret, each token), and applied to any answer it quotes. */
  redactor: Pick<Redactor, "protect" | "text">;
  /** Refresh this long before the token's stated expiry. */
  refreshMarginMs?: number;
}

export const DEFAULT_REFRESH_MARGIN_MS = 60_000;

export function createAccessTokenProvider(options: AccessTokenProviderOptions): AccessTokenProvider {
  const margin = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  let credentials: Promise<OpenSkyCredentials | undefined> | undefined;
  let cached: { value: string; refreshAt: number } | undefined;

  const { redactor } = options;
  const quoted = (text: string, contentType: string | undefined): string => describeBody(text, contentType, redactor.text);

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
      throw tokenRequestError(`OpenSky token endpoint answered ${response.status} for client ${client.clientId} (${quoted(text, contentType)})`, retryable);
    }
    let parsed: { access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw tokenRequestError(`OpenSky token endpoint sent a body that is not JSON (${quoted(text, contentType)})`, true);
    }
    const { access_token: accessToken, expires_in: expiresIn } = parsed;
    // Protected before anything about the answer is said, usable or not.
    if (typeof accessToken === "string") redactor.protect(accessToken);
    if (typeof accessToken !== "string" || accessToken === "" || typeof expiresIn !== "number" || !(expiresIn > 0)) {
      throw tokenRequestError(
        `OpenSky token endpoint sent no usable access_token and expires_in: access_token is ${typeof accessToken === "string" && accessToken !== "" ? "present" : "missing"}, expires_in is ${JSON.stringify(expiresIn) ?? "missing"} (${quoted(text, contentType)})`,
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
      redactor.protect(client.clientSecret);
      if (cached !== undefined && options.clock().getTime() < cached.refreshAt) return cached.value;
      return requestToken(client, signal);
    },
    invalidate() {
      cached = undefined;
    },
  };
}
