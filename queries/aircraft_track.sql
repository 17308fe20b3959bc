-- One aircraft's track over a UTC day: every position it reported, in time order.
-- Parameters: year, month, day of the UTC day ('2026', '11', '26'), then the aircraft's icao24 ('3c6444').
-- The daily file is sorted by icao24 and each row group records its icao24 bounds, so this reads one row group of the day.
-- Athena and DuckDB: the same text.
SELECT
  snapshot_time,
  callsign,
  latitude,
  longitude,
  baro_altitude,
  geo_altitude,
  velocity,
  true_track,
  vertical_rate,
  on_ground,
  squawk
FROM states_daily
WHERE year = ? AND month = ? AND day = ? AND icao24 = ?
ORDER BY snapshot_time
