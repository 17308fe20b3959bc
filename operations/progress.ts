/**
 * Progress of a run over many snapshots: done of total, the rate so far, the time left at that
 * rate, and the failures; and the line the tools print for it.
 */

export interface Progress {
  done: number;
  total: number;
  failed: number;
  skipped: number;
  elapsedMs: number;
  /** Snapshots finished per second so far; 0 before the first. */
  ratePerSecond: number;
  /** Seconds left at that rate; undefined before the first snapshot finished. */
  etaSeconds?: number;
}

export function progressOf(counts: { done: number; total: number; failed: number; skipped: number }, elapsedMs: number): Progress {
  const ratePerSecond = elapsedMs > 0 ? (counts.done * 1000) / elapsedMs : 0;
  const left = counts.total - counts.done;
  return {
    ...counts,
    elapsedMs,
    ratePerSecond,
    ...(ratePerSecond > 0 ? { etaSeconds: left / ratePerSecond } : left === 0 ? { etaSeconds: 0 } : {}),
  };
}

/** 75 s → "1m15s"; 3 h 2 min → "3h02m". */
export function duration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole}s`;
  if (whole < 3_600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, "0")}s`;
  if (whole < 86_400) return `${Math.floor(whole / 3_600)}h${String(Math.floor((whole % 3_600) / 60)).padStart(2, "0")}m`;
  return `${Math.floor(whole / 86_400)}d${String(Math.floor((whole % 86_400) / 3_600)).padStart(2, "0")}h`;
}

export function progressLine(progress: Progress): string {
  const width = String(progress.total).length;
  const percent = progress.total === 0 ? 100 : (progress.done * 100) / progress.total;
  return [
    `${String(progress.done).padStart(width)}/${progress.total} (${percent.toFixed(0).padStart(3)}%)`,
    `${progress.ratePerSecond.toFixed(1)}/s`,
    `ETA ${progress.etaSeconds === undefined ? "?" : duration(progress.etaSeconds)}`,
    `skipped ${progress.skipped}`,
    `failed ${progress.failed}`,
  ].join("  ");
}
