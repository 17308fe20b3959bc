/**
 * npm run redrive -- --stack <stack> --stage <ingestion|processing|validation|compaction|schedule|compaction-schedule>
 *                    [--dry-run] [--max N] [--force] [--outputs file | --local]
 *
 * Replays a stage's dead-letter queue (operations/redrive.ts), printing each message's error, age
 * and snapshots and what became of it; exits 1 when any replay failed. --help for everything.
 */
import { parseRedriveCommand, REDRIVE_USAGE, UsageError } from "../operations/commandLine";
import { redrive, redriveFailed } from "../operations/redrive";
import { letterLine, redriveSummaryText } from "../operations/reports";
import { openSession } from "../operations/session";
import { OutputsError } from "../operations/stackOutputs";

async function main(): Promise<number> {
  const command = parseRedriveCommand(process.argv.slice(2));
  if (command.help) {
    console.log(REDRIVE_USAGE);
    return 0;
  }
  const session = await openSession(command.session);
  try {
    console.log(`Redrive of the ${command.stage} dead-letter queue on ${session.description}${command.dryRun ? " (dry run)" : ""}`);
    const summary = await redrive(session.access, session.target, {
      stage: command.stage,
      max: command.max,
      force: command.force,
      dryRun: command.dryRun,
      onLetter: (outcome) => console.log(letterLine(outcome, new Date())),
    });
    console.log(redriveSummaryText(summary, command.dryRun));
    return redriveFailed(summary) ? 1 : 0;
  } finally {
    await session.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) console.error(`npm run redrive: ${error.message}\n\n${REDRIVE_USAGE}`);
    else if (error instanceof OutputsError) console.error(`npm run redrive: ${error.message}`);
    else console.error(`npm run redrive failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);
