/**
 * Checks an OpenSky `/states/all` body before it is stored, so the raw bucket only ever holds
 * snapshots the next stage can read. What goes wrong in practice: an HTML error page from a proxy
 * with status 200, a body cut off mid-transfer, JSON of some other shape. The error names what
 * arrived, so the DLQ entry says more than "Unexpected token <".
 */
import { namedError, type NamedError } from "../shared/namedError";
import { ROW_FIELD_COUNTS, type RawSnapshot } from "../shared/stateVector";

export type SnapshotBodyError = NamedError<"SnapshotBodyError">;

const snapshotBodyError = (message: string): SnapshotBodyError => namedError("SnapshotBodyError", message, {});

const EXCERPT_LENGTH = 120;

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(flat.length > EXCERPT_LENGTH ? `${flat.slice(0, EXCERPT_LENGTH)}…` : flat);
}

/** e.g. `text/html, 1532 bytes, starting "<!DOCTYPE html>…"` */
export function describeBody(body: string, contentType: string | undefined): string {
  return `${contentType ?? "no content-type"}, ${Buffer.byteLength(body)} bytes, starting ${excerpt(body)}`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}

export function checkSnapshotBody(body: string, contentType: string | undefined): RawSnapshot {
  const arrived = (): string => describeBody(body, contentType);
  const trimmed = body.trim();
  if (trimmed === "") throw snapshotBodyError(`OpenSky sent an empty body (${contentType ?? "no content-type"})`);
  if (trimmed.startsWith("<")) throw snapshotBodyError(`OpenSky sent an HTML/XML page instead of JSON (${arrived()})`);

  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const looksCutOff = /^[{[]/.test(trimmed) && !/[}\]]$/.test(trimmed);
    if (looksCutOff) {
      throw snapshotBodyError(
        `OpenSky sent truncated JSON (${arrived()}, ending ${JSON.stringify(trimmed.slice(-40))}): ${reason}`,
      );
    }
    throw snapshotBodyError(`OpenSky sent a body that is not JSON (${arrived()}): ${reason}`);
  }

  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw snapshotBodyError(`OpenSky sent JSON that is ${describeValue(parsed)}, not an object with time and states (${arrived()})`);
  }
  const { time, states } = parsed as { time?: unknown; states?: unknown };
  if (typeof time !== "number" || !Number.isSafeInteger(time) || time < 0) {
    throw snapshotBodyError(`OpenSky's "time" is ${describeValue(time)}, expected whole unix seconds (${arrived()})`);
  }
  if (states === null) return { time, states: null };
  if (!Array.isArray(states)) {
    throw snapshotBodyError(`OpenSky's "states" is ${describeValue(states)}, expected an array or null (${arrived()})`);
  }
  states.forEach((row: unknown, index) => {
    if (!Array.isArray(row) || !ROW_FIELD_COUNTS.includes(row.length)) {
      throw snapshotBodyError(
        `OpenSky's states[${index}] is ${describeValue(row)}, expected an array of ${ROW_FIELD_COUNTS.join(" or ")} fields: ${excerpt(JSON.stringify(row) ?? "")}`,
      );
    }
  });
  return { time, states: states as unknown[][] };
}
