-- Data quality over a month, hour by hour: the validation stage's scores for every snapshot, averaged per hour, with the snapshots that failed the thresholds.
-- Parameters: year, month ('2026', '11').
-- Reads quality_daily, the day's validation reports in one JSON-lines file each.
-- Athena and DuckDB: the same text. quality_daily's snapshot_time is a plain TIMESTAMP (UTC) in both.
SELECT
  date_trunc('hour', snapshot_time) AS hour,
  count(*) AS snapshots,
  avg(quality_score) AS mean_quality_score,
  min(quality_score) AS min_quality_score,
  avg(completeness) AS mean_completeness,
  avg(error_rate) AS mean_error_rate,
  sum(CASE WHEN passed THEN 0 ELSE 1 END) AS failed_snapshots
FROM quality_daily
WHERE year = ? AND month = ?
GROUP BY date_trunc('hour', snapshot_time)
ORDER BY hour
