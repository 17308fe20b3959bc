/**
 * Decides whether an OpenSky `/states/all` answer may be stored. The raw bucket is the source of
 * truth, so the body is stored exactly as it arrived whenever it is a states answer: an object
 * with a sane `time` and `states` an array or null. What single rows look like (a wrong field
 * count, a null row, wrong types, bytes that are not UTF-8) is processing's to quarantine, row by
 * row; refusing the snapshot for one odd row would lose every other row with it.
 *
 * Refused, with a named error: a body that cannot be a states answer at all (an HTML error page
 * from a proxy with status 200, a transfer cut off mid-body, JSON of some other shape), and a
 * `time` that is not unix seconds from 2010 to a day ahead of the clock (milliseconds, or a broken
 * clock upstream), which would otherwise file the snapshot under an impossible key. The errors
 * quote the body only after redaction, so nothing secret reaches the DLQ through them.
 */
import { describeError, namedError, type NamedError } from "../shared/namedError";
import { parseRawSnapshot } from "../shared/rawSnapshot";
import type { RawSnapshot } from "../shared/stateVector";

export type SnapshotBodyError = NamedError<"SnapshotBodyError">;
export type SnapshotTimeError = NamedError<"SnapshotTimeError", { time: number }>;

export const REFUSED_ANSWER_ERRORS = ["SnapshotBodyError", "SnapshotTimeError"] as const;

/** 2010-01-01T00:00:00Z: OpenSky's data starts later; anything earlier is not a snapshot time. */
export const EARLIEST_SNAPSHOT_TIME = 1_262_304_000;
/** A snapshot may be stamped a little ahead of this function's clock, never a day. */
export const LATEST_SNAPSHOT_LEAD_SECONDS = 86_400;

const EXCERPT_LENGTH = 120;

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(flat.length > EXCERPT_LENGTH ? `${flat.slice(0, EXCERPT_LENGTH)}…` : flat);
}

/**
 * e.g. `text/html, 1532 bytes, starting "<!DOCTYPE html>…"`. `redact` runs on the whole body
 * before it is cut, so a token near the cut cannot survive as a prefix.
 */
export function describeBody(body: string, contentType: string | undefined, redact: (text: string) => string): string {
  return `${contentType ?? "no content-type"}, ${Buffer.byteLength(body)} bytes, starting ${excerpt(redact(body))}`;
}

/** Why `time` cannot be this answer's snapshot time, or undefined when it can. */
export function snapshotTimeProblem(time: number, now: Date): string | undefined {
  const latest = Math.floor(now.getTime() / 1000) + LATEST_SNAPSHOT_LEAD_SECONDS;
  if (time < EARLIEST_SNAPSHOT_TIME) {
    return `"time" ${time} is before 2010-01-01 (${EARLIEST_SNAPSHOT_TIME}): not unix seconds of a snapshot`;
  }
  if (time > latest) {
    const hint = time > latest * 100 ? " (it looks like milliseconds)" : "";
    return `"time" ${time} is more than a day ahead of the clock (${now.toISOString()})${hint}: not unix seconds of a snapshot`;
  }
  return undefined;
}

/**
 * The answer as a snapshot, or a SnapshotBodyError / SnapshotTimeError saying why it cannot be
 * one. `text` is the body decoded for reading only (bytes that are not UTF-8 become U+FFFD here,
 * never in what is stored).
 */
export function checkSnapshotBody(text: string, contentType: string | undefined, now: Date, redact: (text: string) => string): RawSnapshot {
  let snapshot: RawSnapshot;
  try {
    snapshot = parseRawSnapshot(text);
  } catch (error) {
    throw namedError(
      "SnapshotBodyError",
      `OpenSky sent an answer that cannot be a states snapshot: ${redact(describeError(error))} (${describeBody(text, contentType, redact)})`,
      {},
    );
  }
  const timeProblem = snapshotTimeProblem(snapshot.time, now);
  if (timeProblem !== undefined) {
    throw namedError("SnapshotTimeError", `OpenSky sent a snapshot with an impossible time: ${timeProblem}`, { time: snapshot.time });
  }
  return snapshot;
}
