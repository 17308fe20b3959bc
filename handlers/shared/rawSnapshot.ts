/**
 * Reads an OpenSky `/api/states/all` body into a RawSnapshot, or says why it cannot: not JSON, an
 * HTML error page, truncated, or not the `{ time, states }` shape. Ingestion checks a body with it
 * before storing, processing before typing. Row contents are not judged
 * here; rows that cannot be typed are split out later, one by one, so one bad row never costs the
 * whole snapshot.
 */
import type { RawSnapshot } from "./stateVector";
import { describeError } from "./namedError";

/** How much of an unexpected body an error message quotes. */
const QUOTED_CHARACTERS = 80;

function quote(body: string): string {
  const trimmed = body.trim();
  const excerpt = trimmed.length > QUOTED_CHARACTERS ? `${trimmed.slice(0, QUOTED_CHARACTERS)}…` : trimmed;
  return JSON.stringify(excerpt);
}

/** A short name for what a JSON value is, for messages. */
export function describeJsonValue(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "string") {
    const shown = value.length > 24 ? `${value.slice(0, 24)}…` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

/** Throws an Error whose message says what arrived instead of a snapshot. */
export function parseRawSnapshot(body: string): RawSnapshot {
  if (body.trim() === "") throw new Error("the body is empty");
  if (/^\s*</.test(body)) throw new Error(`the body is HTML or XML, not JSON: ${quote(body)}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    const reason = describeError(error);
    const trimmed = body.trim();
    if (/^[{[]/.test(trimmed) && !/[}\]]$/.test(trimmed)) {
      // A transfer cut off mid-body: say so, and show the end where it broke off.
      throw new Error(`the body is truncated JSON (${reason}; ${body.length} characters), ending ${JSON.stringify(trimmed.slice(-40))}`, { cause: error });
    }
    throw new Error(`the body is not valid JSON (${reason}; ${body.length} characters): ${quote(body)}`, { cause: error });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`the body is ${describeJsonValue(parsed)}, not an object with "time" and "states"`);
  }
  const { time, states } = parsed as Record<string, unknown>;
  if (typeof time !== "number" || !Number.isSafeInteger(time) || time < 0) {
    throw new Error(`"time" is ${describeJsonValue(time)}; expected whole unix seconds`);
  }
  if (states !== null && !Array.isArray(states)) {
    throw new Error(`"states" is ${describeJsonValue(states)}; expected an array of state rows or null`);
  }
  return { time, states: states as unknown[][] | null };
}
