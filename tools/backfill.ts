/**
 * npm run backfill -- --stack <stack> --from <UTC date or hour> --to <…> [--stage processing|validation]
 *                     [--dry-run] [--concurrency N] [--force] [--outputs file | --local]
 *
 * Runs a stage again over a time range's snapshots (operations/backfill.ts) and prints progress,
 * failures and a summary; exits 1 when any snapshot failed. --help for everything.
 */
import { backfill, backfillFailed } from "../operations/backfill";
import { BACKFILL_USAGE, parseBackfillCommand, UsageError } from "../operations/commandLine";
import { type Progress, progressLine } from "../operations/progress";
import { backfillSummaryText, describeRange, snapshotLine } from "../operations/reports";
import { openSession } from "../operations/session";
import { OutputsError } from "../operations/stackOutputs";

/** A progress line at most this often, and always the last. */
const PROGRESS_INTERVAL_MS = 1_000;

async function main(): Promise<number> {
  const command = parseBackfillCommand(process.argv.slice(2));
  if (command.help) {
    console.log(BACKFILL_USAGE);
    return 0;
  }
  const session = await openSession(command.session);
  try {
    console.log(`Backfill of ${command.stage} on ${session.description}`);
    console.log(
      `Snapshots from ${describeRange(command.range)}; ${command.dryRun ? "dry run" : `${command.concurrency} at a time`}${command.force ? ", forced" : ""}`,
    );
    let printedAt = 0;
    const summary = await backfill(session.access, session.target, {
      stage: command.stage,
      range: command.range,
      concurrency: command.concurrency,
      force: command.force,
      dryRun: command.dryRun,
      onSnapshot: (outcome) => {
        if (command.dryRun || outcome.status === "failed") console.log(snapshotLine(outcome));
      },
      onProgress: (progress: Progress) => {
        if (command.dryRun) return;
        const now = Date.now();
        if (progress.done === progress.total || now - printedAt >= PROGRESS_INTERVAL_MS) {
          printedAt = now;
          console.log(progressLine(progress));
        }
      },
    });
    console.log(`\n${backfillSummaryText(summary, command.dryRun)}`);
    return backfillFailed(summary) ? 1 : 0;
  } finally {
    await session.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) console.error(`npm run backfill: ${error.message}\n\n${BACKFILL_USAGE}`);
    else if (error instanceof OutputsError) console.error(`npm run backfill: ${error.message}`);
    else console.error(`npm run backfill failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);
