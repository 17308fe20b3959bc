/**
 * The flags Lambda's Node.js runtime starts `node` with, which follow the function's memory size:
 * a tenth of it for V8's young generation (two semi-spaces), the rest for the old generation. A
 * function whose heap outgrows its memory size then fails locally as it would in Lambda, and the
 * garbage collector works in the heap it has there, which the cold-start bench measures.
 */
export function lambdaNodeFlags(memorySizeMb: number): string[] {
  if (!Number.isSafeInteger(memorySizeMb) || memorySizeMb < 128)
    throw new Error(`a Lambda memory size is a whole number of MB from 128 up, got ${memorySizeMb}`);
  const newSpaceMb = Math.floor(memorySizeMb / 10);
  return [
    "--expose-gc",
    "--max-http-header-size=81920",
    `--max-semi-space-size=${Math.floor(newSpaceMb / 2)}`,
    `--max-old-space-size=${memorySizeMb - newSpaceMb}`,
  ];
}
