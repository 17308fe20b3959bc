/**
 * Keeps secrets inside the function. Anything that leaves it (a log line, an error message and so
 * the DLQ record, a tracking item) passes through a redactor first, which replaces:
 *
 * - values the function has been told are secret (the OpenSky client secret when it is read, each
 *   access token when it is issued), wherever they appear, also JSON-escaped;
 * - what has the shape of a credential even when nobody registered it: a bearer token after
 *   `Bearer`, the value of an `access_token` / `refresh_token` / `id_token` / `client_secret`
 *   field in JSON or a form body, and anything shaped like a JWT.
 *
 * Redact before cutting a text short: an excerpt that ends mid-token no longer matches the token.
 */

export const REDACTED = "[REDACTED]";

export interface Redactor {
  /** Registers a value that must never leave the function. Short values are ignored: they would redact ordinary words. */
  protect(value: string | undefined): void;
  text(value: string): string;
  /** Redacts an error's message and stack, and those of its causes, in place; returns the error. */
  error<T>(error: T): T;
}

/** Shorter values are too likely to occur by chance (a client id of "abc" inside an English word). */
const MIN_PROTECTED_LENGTH = 6;

export function createRedactor(): Redactor {
  const protectedValues: string[] = [];
  // Built here, not at module level (docs/serialization.md).
  const credentialPatterns: Array<[RegExp, string]> = [
    [/(bearer\s+)[^\s"'\\,;]+/gi, `$1${REDACTED}`],
    [/((?:access_token|refresh_token|id_token|client_secret|clientSecret|accessToken)\\?"?\s*[:=]\s*\\?"?)[^"\\&\s,}]+/gi, `$1${REDACTED}`],
    [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  ];

  const text = (value: string): string => {
    let redacted = value;
    for (const secret of protectedValues) {
      if (redacted.includes(secret)) redacted = redacted.split(secret).join(REDACTED);
      const escaped = JSON.stringify(secret).slice(1, -1);
      if (escaped !== secret && redacted.includes(escaped)) redacted = redacted.split(escaped).join(REDACTED);
    }
    for (const [pattern, replacement] of credentialPatterns) redacted = redacted.replace(pattern, replacement);
    return redacted;
  };

  const redactError = <T>(error: T): T => {
    const seen: unknown[] = [];
    let current: unknown = error;
    while (current instanceof Error && !seen.includes(current)) {
      seen.push(current);
      current.message = text(current.message);
      if (current.stack !== undefined) current.stack = text(current.stack);
      current = current.cause;
    }
    return error;
  };

  return {
    protect(value) {
      if (value !== undefined && value.length >= MIN_PROTECTED_LENGTH && !protectedValues.includes(value)) {
        protectedValues.push(value);
        // Longest first, so a secret that contains another is replaced whole.
        protectedValues.sort((a, b) => b.length - a.length);
      }
    },
    text,
    error: redactError,
  };
}
