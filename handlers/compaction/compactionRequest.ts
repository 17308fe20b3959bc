/**
 * Which UTC days an invocation compacts. The daily schedule fires after a day ends and checks that
 * day and the `lookbackDays - 1` before it, so a snapshot that arrives late (a retried ingestion, a
 * reprocessed raw object) gets its day compacted again. A backfill names its days by hand:
 *
 *   {"days": ["2021-10-17", "2021-10-18"]}    or    {"from": "2021-10-01", "to": "2021-10-31"}
 */
import { describeError, namedError, type NamedError } from "../shared/namedError";
import { addDays, dayStartTime, utcDayOfTime, type UtcDay } from "../shared/s3Keys";

/** One invocation compacts at most this many days, so a backfill cannot outrun the timeout unnoticed. */
export const MAX_DAYS_PER_INVOCATION = 31;

export type BadCompactionRequestError = NamedError<"BadCompactionRequestError", { event: string }>;

const USAGE = 'expected an EventBridge scheduled event, {"days": ["YYYY-MM-DD", …]} or {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}';

function badRequest(event: unknown, problem: string): BadCompactionRequestError {
  const text = JSON.stringify(event) ?? String(event);
  return namedError("BadCompactionRequestError", `compaction request ${text.slice(0, 300)}: ${problem}; ${USAGE}`, { event: text });
}

function checkedDay(event: unknown, value: unknown): UtcDay {
  if (typeof value !== "string") throw badRequest(event, `${JSON.stringify(value)} is not a day`);
  try {
    dayStartTime(value);
  } catch (error) {
    throw badRequest(event, describeError(error));
  }
  return value;
}

function checkCount(event: unknown, count: number): void {
  if (count === 0) throw badRequest(event, "it names no day");
  if (count > MAX_DAYS_PER_INVOCATION) {
    throw badRequest(event, `it names ${count} days; one invocation compacts at most ${MAX_DAYS_PER_INVOCATION}, split the backfill`);
  }
}

/** The days the scheduled run at `time` checks: the day before `time`'s day and lookbackDays - 1 before that, oldest first. */
export function scheduledDays(time: Date, lookbackDays: number): UtcDay[] {
  const today = utcDayOfTime(Math.floor(time.getTime() / 1000));
  return Array.from({ length: lookbackDays }, (_, index) => addDays(today, index - lookbackDays));
}

/** The days `event` asks for, oldest first, each once. */
export function requestedDays(event: unknown, lookbackDays: number, now: Date): UtcDay[] {
  const request = (event ?? {}) as Record<string, unknown>;
  if (typeof request !== "object" || Array.isArray(request)) throw badRequest(event, "it is not an object");
  if (request["detail-type"] === "Scheduled Event") {
    const time = typeof request.time === "string" ? new Date(request.time) : now;
    if (Number.isNaN(time.getTime())) throw badRequest(event, `its time ${JSON.stringify(request.time)} is not a timestamp`);
    return scheduledDays(time, lookbackDays);
  }
  if (Array.isArray(request.days)) {
    const days = [...new Set(request.days.map((day) => checkedDay(event, day)))].sort();
    checkCount(event, days.length);
    return days;
  }
  if (request.from !== undefined || request.to !== undefined) {
    const from = checkedDay(event, request.from);
    const to = checkedDay(event, request.to);
    if (to < from) throw badRequest(event, `"to" ${to} is before "from" ${from}`);
    const count = Math.round((dayStartTime(to) - dayStartTime(from)) / 86_400) + 1;
    checkCount(event, count);
    return Array.from({ length: count }, (_, index) => addDays(from, index));
  }
  throw badRequest(event, "it names no days");
}
