/**
 * What every log line of an invocation carries whichever logger writes it: Lambda's request id,
 * the X-Ray trace id and the snapshot the invocation is working on. A container serves one
 * invocation at a time, so one scope per container, reset by each invocation, is enough.
 *
 * Lambda puts the invocation's trace header in `_X_AMZN_TRACE_ID` before calling the handler
 * (`Root=1-…;Parent=…;Sampled=…`); the line carries its Root, the id the X-Ray console searches by.
 */
import type { LogFields } from "./logger";

export interface InvocationScope {
  begin(requestId: string, traceHeader: string | undefined): void;
  /** The snapshot the invocation works on from now on. */
  focus(snapshotId: string): void;
  end(): void;
  /** The fields for a line written now; empty between invocations. */
  fields(): LogFields;
}

/** The Root of an X-Ray trace header, or undefined when the header has none. */
export function traceIdOf(traceHeader: string | undefined): string | undefined {
  if (traceHeader === undefined) return undefined;
  const root = /(?:^|;)\s*Root=([^;\s]+)/.exec(traceHeader);
  return root?.[1];
}

export function createInvocationScope(): InvocationScope {
  let current: Record<string, string> = {};
  return {
    begin(requestId, traceHeader) {
      const traceId = traceIdOf(traceHeader);
      current = traceId === undefined ? { requestId } : { requestId, traceId };
    },
    focus(snapshotId) {
      current = { ...current, snapshotId };
    },
    end() {
      current = {};
    },
    fields: () => current,
  };
}
