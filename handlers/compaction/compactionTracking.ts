/**
 * Compaction's entries in the tracking ledger: one item per UTC day under the "compaction" stage,
 * keyed by the day (YYYY-MM-DD) where the other stages use a snapshot's time. A day is claimed,
 * with its inputs' fingerprint as the input, only once the daily file's own metadata showed it is
 * not made from these inputs, so the claim is forced (the file, not the item, says what is done)
 * and serves as a lease: two invocations (the schedule and a backfill) never compact a day at once.
 * Every use of the tracking store goes through here.
 */
import type { UtcDay } from "../shared/s3Keys";
import type { DetailValue, TrackingRun, TrackingStore } from "../shared/tracking";

export interface DayRun {
  succeeded(result: { counts: Record<string, number>; s3Keys: Record<string, string>; details: Record<string, DetailValue> }): Promise<void>;
  failed(errorMessage: string): Promise<void>;
}

/** `busy`: another invocation is compacting the day. */
export type DayClaim = { kind: "acquired"; run: DayRun } | { kind: "busy" };

export interface CompactionTracking {
  claim(day: UtcDay, inputsFingerprint: string, requestId: string, leaseMs: number): Promise<DayClaim>;
}

function dayRun(run: TrackingRun): DayRun {
  return {
    async succeeded({ counts, s3Keys, details }) {
      await run.finish({ status: "succeeded", counts, s3Keys, details });
    },
    async failed(errorMessage) {
      await run.finish({ status: "failed", errorMessage });
    },
  };
}

export function createCompactionTracking(store: TrackingStore): CompactionTracking {
  return {
    async claim(day, inputsFingerprint, requestId, leaseMs) {
      const claim = await store.claim({ snapshotId: day, stage: "compaction", requestId, input: inputsFingerprint, leaseMs, force: true });
      return claim.kind === "acquired" ? { kind: "acquired", run: dayRun(claim.run) } : { kind: "busy" };
    },
  };
}
