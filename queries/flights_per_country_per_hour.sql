-- Flights per country per hour: how many aircraft each country of registration had in the air feed, hour by hour, over one UTC day.
-- Parameters: year, month, day of the UTC day, as written in the keys ('2026', '11', '26').
-- Reads the daily table: one file per day instead of 288.
-- Athena and DuckDB: the same text. DuckDB reads snapshot_time as TIMESTAMP WITH TIME ZONE and truncates it in the session's time zone, so set TimeZone to UTC there; Athena's timestamps are UTC already.
SELECT
  date_trunc('hour', snapshot_time) AS hour,
  origin_country,
  count(DISTINCT icao24) AS aircraft,
  count(*) AS positions
FROM states_daily
WHERE year = ? AND month = ? AND day = ?
GROUP BY date_trunc('hour', snapshot_time), origin_country
ORDER BY hour, aircraft DESC, origin_country
