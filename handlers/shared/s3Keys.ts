/**
 * The S3 key layout. Every key is derived from the snapshot's `time` (unix seconds, UTC), so a
 * repeated fire or event for the same snapshot always lands on the same key, and each stage can
 * find its neighbours' objects from the key it was handed.
 */
import {
  COMPACTED_QUALITY_PREFIX,
  COMPACTED_STATES_PREFIX,
  PROCESSED_PREFIX,
  PROCESSED_SUFFIX,
  QUARANTINE_PREFIX,
  RAW_PREFIX,
  RAW_SUFFIX,
  REPORTS_PREFIX,
} from "../../contract/dataLayout";

/** The object kinds the pipeline writes, each with its own prefix and suffix. */
export const KEY_KINDS = {
  raw: { prefix: RAW_PREFIX, suffix: RAW_SUFFIX },
  processed: { prefix: PROCESSED_PREFIX, suffix: PROCESSED_SUFFIX },
  report: { prefix: REPORTS_PREFIX, suffix: ".json" },
  quarantine: { prefix: QUARANTINE_PREFIX, suffix: ".jsonl" },
} as const;
export type KeyKind = keyof typeof KEY_KINDS;

/** 10000-01-01T00:00:00Z: from here on the year has five digits, which the key layout has no room for. */
const FIRST_FIVE_DIGIT_YEAR = 253_402_300_800;

/**
 * Snapshot times are whole unix seconds with a four-digit year; anything else would not round-trip
 * through a key. Ingestion refuses far more (see snapshotBody.ts); this keeps every key parsable.
 */
function checkSnapshotTime(time: number): void {
  if (!Number.isSafeInteger(time) || time < 0 || time >= FIRST_FIVE_DIGIT_YEAR) {
    throw new Error(`snapshot time ${String(time)} is not whole unix seconds from 1970 to the year 9999`);
  }
}

function twoDigits(value: number): string {
  return String(value).padStart(2, "0");
}

/** year=YYYY/month=MM/day=DD in UTC: the day's Hive-style partitions. */
export function dayPartitionPath(time: number): string {
  checkSnapshotTime(time);
  const date = new Date(time * 1000);
  return [`year=${date.getUTCFullYear()}`, `month=${twoDigits(date.getUTCMonth() + 1)}`, `day=${twoDigits(date.getUTCDate())}`].join("/");
}

/** year=YYYY/month=MM/day=DD/hour=HH in UTC: Hive-style partitions Athena and DuckDB recognise. */
export function partitionPath(time: number): string {
  return `${dayPartitionPath(time)}/hour=${twoDigits(new Date(time * 1000).getUTCHours())}`;
}

export function keyForSnapshot(kind: KeyKind, time: number): string {
  const { prefix, suffix } = KEY_KINDS[kind];
  return `${prefix}${partitionPath(time)}/states_${time}${suffix}`;
}

export const rawKeyForSnapshot = (time: number): string => keyForSnapshot("raw", time);
export const processedKeyForSnapshot = (time: number): string => keyForSnapshot("processed", time);
export const reportKeyForSnapshot = (time: number): string => keyForSnapshot("report", time);
export const quarantineKeyForSnapshot = (time: number): string => keyForSnapshot("quarantine", time);

const KEY_PATTERN = /^([a-z]+\/)year=(\d{4})\/month=(\d{2})\/day=(\d{2})\/hour=(\d{2})\/states_(\d+)(\.[a-z]+)$/;

export interface ParsedKey {
  kind: KeyKind;
  snapshotTime: number;
}

/**
 * Reads a pipeline key back. Rejects keys whose partitions disagree with their `states_<time>`,
 * so a hand-copied or mangled object cannot be filed under the wrong hour downstream.
 */
export function parseSnapshotKey(key: string): ParsedKey {
  const match = KEY_PATTERN.exec(key);
  const kind = match
    ? (Object.keys(KEY_KINDS) as KeyKind[]).find((candidate) => KEY_KINDS[candidate].prefix === match[1] && KEY_KINDS[candidate].suffix === match[7])
    : undefined;
  if (!match || kind === undefined) {
    throw new Error(
      `S3 key ${JSON.stringify(key)} is not a pipeline key: expected <raw|processed|reports|quarantine>/` +
        "year=YYYY/month=MM/day=DD/hour=HH/states_<unix seconds>.<json|parquet|jsonl>",
    );
  }
  const snapshotTime = Number(match[6]);
  const expected = keyForSnapshot(kind, snapshotTime);
  if (expected !== key) {
    throw new Error(`S3 key ${JSON.stringify(key)} has partitions that disagree with its snapshot time ${snapshotTime}: expected ${JSON.stringify(expected)}`);
  }
  return { kind, snapshotTime };
}

export function snapshotTimeFromKey(key: string): number {
  return parseSnapshotKey(key).snapshotTime;
}

/** The key of the same snapshot's object of another kind, e.g. the processed key of a raw key. */
export function siblingKey(key: string, kind: KeyKind): string {
  return keyForSnapshot(kind, snapshotTimeFromKey(key));
}

export const processedKeyForRawKey = (rawKey: string): string => siblingKey(rawKey, "processed");
export const reportKeyForRawKey = (rawKey: string): string => siblingKey(rawKey, "report");
export const quarantineKeyForRawKey = (rawKey: string): string => siblingKey(rawKey, "quarantine");

/** The tracking table's partition key for a snapshot: its `time`, as every key spells it. */
export function snapshotIdForTime(time: number): string {
  checkSnapshotTime(time);
  return String(time);
}

/**
 * S3 event notifications carry keys URL-encoded the way HTML forms are: spaces as `+`, everything
 * else percent-encoded. `+` has to become a space before percent-decoding, or an encoded `%2B`
 * (a literal plus) would turn into a space too.
 */
export function decodeS3EventKey(encodedKey: string): string {
  const spaced = encodedKey.replace(/\+/g, " ");
  try {
    return decodeURIComponent(spaced);
  } catch {
    throw new Error(`S3 event key ${JSON.stringify(encodedKey)} is not valid URL encoding`);
  }
}

/**
 * The inverse of decodeS3EventKey, as S3 writes keys into its notifications: `/` kept, spaces as
 * `+`, everything else outside [A-Za-z0-9-_.~*'()!] percent-encoded (`year=2025` → `year%3D2025`).
 */
export function encodeKeyLikeS3Events(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, "/").replace(/%20/g, "+");
}

/** A UTC calendar day, YYYY-MM-DD: the unit the compaction stage merges into one file. */
export type UtcDay = string;

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Unix seconds of the day's first instant. Refuses what is not a real calendar day. */
export function dayStartTime(day: UtcDay): number {
  const match = DAY_PATTERN.exec(day);
  const millis = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (!match || Number.isNaN(millis) || new Date(millis).toISOString().slice(0, 10) !== day || millis < 0) {
    throw new Error(`${JSON.stringify(day)} is not a UTC day: expected YYYY-MM-DD, a real date from 1970-01-01 on`);
  }
  return millis / 1000;
}

export function utcDayOfTime(time: number): UtcDay {
  checkSnapshotTime(time);
  return new Date(time * 1000).toISOString().slice(0, 10);
}

/** The day `count` days after (or, negative, before) `day`. */
export function addDays(day: UtcDay, count: number): UtcDay {
  return utcDayOfTime(dayStartTime(day) + count * 86_400);
}

/** Where a day's objects of a kind start: e.g. processed/year=2026/month=11/day=26/ */
export function dayPrefix(kind: KeyKind, day: UtcDay): string {
  return `${KEY_KINDS[kind].prefix}${dayPartitionPath(dayStartTime(day))}/`;
}

/** The day's compacted Parquet: compacted/states/year=…/month=…/day=…/states_YYYY-MM-DD.parquet */
export function compactedStatesKey(day: UtcDay): string {
  return `${COMPACTED_STATES_PREFIX}${dayPartitionPath(dayStartTime(day))}/states_${day}.parquet`;
}

/** The day's validation scores: compacted/quality/year=…/month=…/day=…/quality_YYYY-MM-DD.jsonl */
export function compactedQualityKey(day: UtcDay): string {
  return `${COMPACTED_QUALITY_PREFIX}${dayPartitionPath(dayStartTime(day))}/quality_${day}.jsonl`;
}
