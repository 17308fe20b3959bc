/**
 * How long to wait before the next OpenSky attempt: exponential with "full jitter" (a uniform
 * draw between 0 and the exponential ceiling), so containers that failed together do not retry
 * together.
 */
export interface BackoffPolicy {
  /** Ceiling of the first wait. */
  baseDelayMs: number;
  /** Ceiling of any wait. */
  maxDelayMs: number;
}

/** `retry` counts from 1 (the wait before the second attempt); `random` returns [0, 1). */
export function computeBackoffMs(retry: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  if (!Number.isInteger(retry) || retry < 1) throw new Error(`retry number ${retry} must be an integer ≥ 1`);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}
