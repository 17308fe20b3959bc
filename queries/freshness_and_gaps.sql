-- Data freshness and gaps over a UTC day: per snapshot, how many aircraft it held, how old their last contacts were, and whether the snapshot before it came later than the schedule says (a gap in the feed).
-- Parameters: year, month, day of the UTC day ('2026', '11', '26'), then the ingestion interval in seconds (300 for rate(5 minutes)).
-- Reads the per-snapshot table, so it also covers today, before the day is compacted.
-- Athena and DuckDB: the same text; date_diff takes (unit, start, end) in both.
WITH snapshots AS (
  SELECT
    snapshot_time,
    count(*) AS aircraft,
    avg(date_diff('second', last_contact, snapshot_time)) AS mean_contact_age_s,
    max(date_diff('second', last_contact, snapshot_time)) AS max_contact_age_s
  FROM states
  WHERE year = ? AND month = ? AND day = ?
  GROUP BY snapshot_time
),
spaced AS (
  SELECT
    snapshot_time,
    aircraft,
    mean_contact_age_s,
    max_contact_age_s,
    date_diff('second', lag(snapshot_time) OVER (ORDER BY snapshot_time), snapshot_time) AS seconds_since_previous
  FROM snapshots
)
SELECT
  snapshot_time,
  aircraft,
  mean_contact_age_s,
  max_contact_age_s,
  seconds_since_previous,
  coalesce(seconds_since_previous > ?, false) AS gap_before
FROM spaced
ORDER BY snapshot_time
