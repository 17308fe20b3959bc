/** What `npm run backfill` and `npm run redrive` print: one line per notable snapshot or message, and the summaries. */
import type { BackfillSummary, SnapshotOutcome } from "./backfill";
import { duration } from "./progress";
import { type LetterOutcome, MISSED_TICKS_EXPLANATION, type RedriveSummary } from "./redrive";
import type { SnapshotRange } from "./snapshotRange";

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString().replace(/\.000Z$/, "Z");

export function describeRange(range: SnapshotRange): string {
  return `${iso(range.fromTime)} to ${iso(range.toTime - 1)}`;
}

export function snapshotLine(outcome: SnapshotOutcome): string {
  const when = /^\d+$/.test(outcome.snapshotId) ? iso(Number(outcome.snapshotId)) : "";
  const was = outcome.recorded === undefined ? "" : ` (was ${outcome.recorded})`;
  const took = outcome.durationMs === undefined ? "" : ` in ${(outcome.durationMs / 1000).toFixed(1)}s`;
  const error = outcome.error === undefined ? "" : `: ${outcome.error}`;
  return `  ${outcome.snapshotId}  ${when}  ${outcome.status}${was}${took}${error}`;
}

export function backfillSummaryText(summary: BackfillSummary, dryRun: boolean): string {
  const { counts } = summary;
  const seconds = summary.elapsedMs / 1000;
  const invoked = counts.succeeded + counts.busy + counts.failed;
  const lines = [
    `Backfill of ${summary.stage} ${dryRun ? "(dry run) " : ""}over ${summary.found} snapshot(s) in ${summary.bucket}, ${duration(seconds)}:`,
    dryRun
      ? `  would invoke ${counts["would-invoke"]}, would skip ${counts.skipped} (finished for the object they hold)`
      : `  invoked ${invoked}: ${counts.succeeded} succeeded, ${counts.failed} failed` +
        (counts.busy > 0 ? `, ${counts.busy} left to another invocation holding them` : "") +
        `; skipped ${counts.skipped} (finished for the object they hold)` +
        (invoked > 0 && seconds > 0 ? `; ${(invoked / seconds).toFixed(1)} invocations/s` : ""),
  ];
  const failed = summary.outcomes.filter((outcome) => outcome.status === "failed");
  if (failed.length > 0) lines.push("", `Failed (${failed.length}):`, ...failed.map(snapshotLine));
  if (summary.found === 0) lines.push("  nothing to do: no input objects in the range");
  return lines.join("\n");
}

function age(failedAt: Date | undefined, now: Date): string {
  return failedAt === undefined ? "age ?" : `${duration((now.getTime() - failedAt.getTime()) / 1000)} ago`;
}

const ACTION_TEXT: Record<LetterOutcome["action"], string> = {
  redriven: "replayed: succeeded, message deleted",
  failed: "replayed: FAILED again, message kept",
  kept: "kept",
  acknowledged: "acknowledged, message deleted",
  unreadable: "cannot be replayed by this command, message kept",
};

export function letterLine(outcome: LetterOutcome, now: Date): string {
  const { letter } = outcome;
  const what = letter.snapshots.length === 0 ? "snapshot ?" : letter.snapshots.map((id) => (/^\d+$/.test(id) ? `${id} (${iso(Number(id))})` : id)).join(", ");
  const attempts = letter.attempts === undefined ? "" : `, ${letter.attempts} attempts`;
  const lines = [`  ${what}  failed ${age(letter.failedAt, now)}${attempts}: ${letter.error}`, `    → ${ACTION_TEXT[outcome.action]}`];
  if (outcome.error !== undefined) lines.push(`      ${outcome.error}`);
  return lines.join("\n");
}

export function redriveSummaryText(summary: RedriveSummary, dryRun: boolean): string {
  const count = (action: LetterOutcome["action"]) => summary.outcomes.filter((outcome) => outcome.action === action).length;
  const missedTicks = summary.stage === "ingestion" || summary.stage === "schedule";
  const lines: string[] = [];
  if (summary.outcomes.length === 0) {
    lines.push(`The ${summary.stage} dead-letter queue is empty: nothing to do.`);
    return lines.join("\n");
  }
  if (missedTicks) {
    lines.push("", MISSED_TICKS_EXPLANATION, "");
    if (summary.check !== undefined) {
      lines.push(
        summary.check.ok
          ? `Ingestion check run: succeeded (${JSON.stringify(summary.check.result)})`
          : `Ingestion check run: FAILED (${summary.check.error}); the missed ticks stay in the queue`,
      );
    }
    lines.push(
      dryRun
        ? `${summary.outcomes.length} missed tick(s) listed; nothing invoked or deleted (dry run).`
        : `${count("acknowledged")} missed tick(s) acknowledged and deleted, ${count("kept")} kept, ${count("unreadable")} unreadable.`,
    );
    return lines.join("\n");
  }
  lines.push(
    dryRun
      ? `${summary.outcomes.length} message(s) listed; nothing invoked or deleted (dry run).`
      : `${count("redriven")} replayed and deleted, ${count("failed")} failed again and kept, ${count("unreadable")} unreadable and kept.`,
  );
  return lines.join("\n");
}
