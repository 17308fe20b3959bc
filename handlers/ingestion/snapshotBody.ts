/**
 * Checks an OpenSky `/states/all` body before it is stored, so the raw bucket only ever holds
 * snapshots the next stage can read. What goes wrong in practice: an HTML error page from a proxy
 * with status 200, a body cut off mid-transfer, JSON of some other shape. The error names what
 * arrived, so the DLQ entry says more than "Unexpected token <".
 */
import { namedError, type NamedError } from "../shared/namedError";
import { describeJsonValue, parseRawSnapshot } from "../shared/rawSnapshot";
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

export function checkSnapshotBody(body: string, contentType: string | undefined): RawSnapshot {
  let snapshot: RawSnapshot;
  try {
    snapshot = parseRawSnapshot(body);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw snapshotBodyError(`OpenSky sent an unusable snapshot: ${reason} (${describeBody(body, contentType)})`);
  }
  // Rows are checked here, not only typed later: a raw object must never hold rows of a shape
  // the API does not send.
  snapshot.states?.forEach((row: unknown, index) => {
    if (!Array.isArray(row) || !ROW_FIELD_COUNTS.includes(row.length)) {
      throw snapshotBodyError(
        `OpenSky's states[${index}] is ${describeJsonValue(row)}, expected an array of ${ROW_FIELD_COUNTS.join(" or ")} fields: ${excerpt(JSON.stringify(row) ?? "")}`,
      );
    }
  });
  return snapshot;
}
