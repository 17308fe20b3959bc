-- Emergency squawks over a UTC day: aircraft that set 7500 (unlawful interference), 7600 (radio failure) or 7700 (general emergency), when first and last seen.
-- Parameters: year, month, day of the UTC day ('2026', '11', '26').
-- Athena and DuckDB: the same text.
SELECT
  icao24,
  callsign,
  squawk,
  CASE squawk WHEN '7500' THEN 'unlawful interference' WHEN '7600' THEN 'radio failure' ELSE 'general emergency' END AS meaning,
  min(snapshot_time) AS first_seen,
  max(snapshot_time) AS last_seen,
  count(*) AS snapshots
FROM states_daily
WHERE year = ? AND month = ? AND day = ? AND squawk IN ('7500', '7600', '7700')
GROUP BY icao24, callsign, squawk
ORDER BY first_seen, icao24, squawk
