import { UnknownValueError } from "@pulumi/policy";

/**
 * During a preview the engine hands rules their resources' properties through
 * `unknownCheckingProxy`: reading a property whose value is computed from another resource's
 * outputs throws `UnknownValueError`. The engine catches that error and reports an advisory
 * "can't run policy ... during preview" instead of the rule's result; the rule runs again with
 * known values before `pulumi up` changes anything, where its enforcement level applies.
 *
 * The helpers here keep one unknown value from hiding everything else a rule can check.
 */

/** Stands for a property value that is unknown during the preview. */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");

export type MaybeUnknown<T> = T | typeof UNKNOWN;

export function isUnknownValueError(error: unknown): boolean {
  return error instanceof UnknownValueError;
}

/** Reads through the proxy, answering UNKNOWN where the read would throw, so joins can fall back to the dependency graph. */
export function readKnown<T>(read: () => T): MaybeUnknown<T> {
  try {
    return read();
  } catch (error) {
    if (isUnknownValueError(error)) return UNKNOWN;
    throw error;
  }
}

/**
 * Checks every item even when some of them hold unknown values. Violations found in the known
 * items are reported as they are found; the first unknown-value error is rethrown at the end so
 * the engine still tells the user what could not be verified.
 */
export function checkEach<T>(items: Iterable<T>, check: (item: T) => void): void {
  let firstUnknown: unknown;
  for (const item of items) {
    try {
      check(item);
    } catch (error) {
      if (!isUnknownValueError(error)) throw error;
      firstUnknown ??= error;
    }
  }
  if (firstUnknown !== undefined) throw firstUnknown;
}
