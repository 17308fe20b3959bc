/**
 * Compaction's entries in the execution-tracking table: one item per UTC day under the
 * "compaction" stage, keyed by the day (YYYY-MM-DD) where the other stages use a snapshot's time,
 * bracketing each compaction that does work (start, then succeeded or failed). Every use of the
 * tracking store goes through here.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { UtcDay } from "../shared/s3Keys";
import { createTrackingStore, type DetailValue } from "../shared/tracking";

export interface DayRun {
  succeeded(result: { counts: Record<string, number>; s3Keys: Record<string, string>; details: Record<string, DetailValue> }): Promise<void>;
  failed(errorMessage: string): Promise<void>;
}

export interface CompactionTracking {
  start(day: UtcDay, requestId: string | undefined): Promise<DayRun>;
}

export function createCompactionTracking(options: { dynamodb: DynamoDBClient; tableName: string; ttlDays: number; clock: () => Date }): CompactionTracking {
  const store = createTrackingStore(options);
  return {
    async start(day, requestId) {
      const run = await store.start({ snapshotId: day, stage: "compaction", ...(requestId === undefined ? {} : { requestId }) });
      return {
        async succeeded({ counts, s3Keys, details }) {
          await run.finish({ status: "succeeded", counts, s3Keys, details });
        },
        async failed(errorMessage) {
          await run.finish({ status: "failed", errorMessage });
        },
      };
    },
  };
}
