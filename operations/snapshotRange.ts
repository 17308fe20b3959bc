/**
 * The snapshots a backfill covers: `--from` and `--to` as UTC dates (2026-11-26) or hours
 * (2026-11-26T22), both inclusive, so `--from 2026-11-26 --to 2026-11-26` is that whole day and
 * `--to 2026-11-26T22` ends at 22:59:59. The objects are listed one day partition at a time.
 */
import { partitionPath } from "../handlers/shared/s3Keys";

export interface SnapshotRange {
  /** Unix seconds, inclusive. */
  fromTime: number;
  /** Unix seconds, exclusive. */
  toTime: number;
}

const HOUR = 3_600;
const DAY = 24 * HOUR;

/** A UTC date or hour: its first second and the first second after it. */
export function parseBoundary(flag: string, value: string): { start: number; end: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::00(?::00)?)?Z?)?$/.exec(value.trim());
  const start = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(match[4] ?? 0)) / 1000 : Number.NaN;
  const date = new Date(start * 1000);
  const valid =
    match !== null &&
    Number.isFinite(start) &&
    date.getUTCFullYear() === Number(match[1]) &&
    date.getUTCMonth() + 1 === Number(match[2]) &&
    date.getUTCDate() === Number(match[3]) &&
    (match[4] === undefined || date.getUTCHours() === Number(match[4]));
  if (!valid) throw new RangeError(`${flag} ${value}: expected a UTC date (2026-11-26) or hour (2026-11-26T22)`);
  return { start, end: start + (match?.[4] === undefined ? DAY : HOUR) };
}

export function snapshotRange(from: string, to: string): SnapshotRange {
  const fromTime = parseBoundary("--from", from).start;
  const toTime = parseBoundary("--to", to).end;
  if (toTime <= fromTime) throw new RangeError(`--to ${to} is before --from ${from}`);
  return { fromTime, toTime };
}

export const inRange = (range: SnapshotRange, time: number): boolean => time >= range.fromTime && time < range.toTime;

/** `<prefix>year=YYYY/month=MM/day=DD/` for every day the range touches. */
export function dayPrefixes(prefix: string, range: SnapshotRange): string[] {
  const prefixes: string[] = [];
  for (let day = Math.floor(range.fromTime / DAY) * DAY; day < range.toTime; day += DAY) {
    prefixes.push(`${prefix}${partitionPath(day).replace(/hour=\d{2}$/, "")}`);
  }
  return prefixes;
}
