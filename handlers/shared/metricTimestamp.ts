/**
 * The timestamp a snapshot's metrics carry: the snapshot's own time, so a retried or slow stage
 * still lands its data in the period the snapshot belongs to. CloudWatch refuses data more than
 * two weeks old (and more than two hours ahead), so a backfilled snapshot's metrics carry the
 * time they are published instead.
 */

/** Two weeks less a day, so a retry close to the edge is not refused either. */
const OLDEST_ACCEPTED_SECONDS = 13 * 86_400;

export function metricTimestamp(snapshotTime: number, now: Date): Date {
  const ageSeconds = now.getTime() / 1000 - snapshotTime;
  return ageSeconds >= 0 && ageSeconds <= OLDEST_ACCEPTED_SECONDS ? new Date(snapshotTime * 1000) : now;
}
