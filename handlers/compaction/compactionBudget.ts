/**
 * How many rows one day may hold for the function's memory. A day is counted from its files'
 * footers before anything is read, so a day too large for the memory fails at once with an error
 * that names it, rather than with the out-of-memory kill Lambda would give halfway through.
 *
 * The figures come from the benchmark (docs/performance.md): a global day of 1.87 million rows
 * peaked under 900 MB in a process of its own, which also held the day's 91 MiB of files and
 * Node's own 60 MB or so: about 400 bytes a row. A row costs 113 bytes where it is kept; the rest is
 * a row group's gathered columns, the file being written (and the copy when its buffer grows) and
 * the garbage of reading. The budget counts 400 bytes a row plus 250 MB for the runtime, the SDK
 * and the code, within 80% of the function's memory.
 */
import { namedError, type NamedError } from "../shared/namedError";
import type { UtcDay } from "../shared/s3Keys";

export const BYTES_PER_ROW = 400;
export const BASELINE_BYTES = 250 * 2 ** 20;
/** Share of the function's memory the budget counts on; the rest is slack for the garbage collector. */
export const USABLE_SHARE = 0.8;

export type CompactionTooLargeError = NamedError<"CompactionTooLargeError", { day: UtcDay; rows: number; budgetRows: number; memorySizeMb: number }>;

/** The most rows a day may have in a function of `memorySizeMb`. */
export function rowBudget(memorySizeMb: number): number {
  return Math.max(0, Math.floor((memorySizeMb * 2 ** 20 * USABLE_SHARE - BASELINE_BYTES) / BYTES_PER_ROW));
}

/** Throws CompactionTooLargeError when the day's rows do not fit the budget. */
export function checkRowBudget(day: UtcDay, rows: number, files: number, memorySizeMb: number): void {
  const budgetRows = rowBudget(memorySizeMb);
  if (rows <= budgetRows) return;
  const neededMb = Math.ceil((rows * BYTES_PER_ROW + BASELINE_BYTES) / USABLE_SHARE / 2 ** 20);
  throw namedError(
    "CompactionTooLargeError",
    `day ${day} has ${rows.toLocaleString("en-US")} rows in ${files} files, more than the ${budgetRows.toLocaleString("en-US")} ` +
      `a ${memorySizeMb} MB function can merge; nothing was written. Raise lambdaConfig.compaction.memorySize to at least ${neededMb} ` +
      "(Lambda allows 10240)",
    { day, rows, budgetRows, memorySizeMb },
  );
}
