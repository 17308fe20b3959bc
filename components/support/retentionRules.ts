import type * as aws from "@pulumi/aws";
import { COMPACTED_PREFIX, PROCESSED_PREFIX, QUARANTINE_PREFIX, REPORTS_PREFIX } from "../../contract/dataLayout";

export interface ProcessedBucketRetention {
  /** Per-snapshot Parquet: deleted once compaction no longer looks at its day. */
  processedExpirationDays: number;
  compactedTransitionDays: number;
  compactedStorageClass: string;
  /** Unset keeps the daily files. */
  compactedExpirationDays?: number;
  reportsExpirationDays: number;
  quarantineExpirationDays: number;
}

/**
 * Lifecycle rules for the processed bucket, one per prefix: the per-snapshot files, validation
 * reports and quarantined rows expire; the daily compacted files move to a cheaper class and stay
 * unless told otherwise. They sit beside the bucket's own rule (noncurrent versions, incomplete
 * uploads), whose transition then concerns only what lives longer than these.
 */
export function processedBucketRetentionRules(args: ProcessedBucketRetention): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
  const compactedExpiration = args.compactedExpirationDays === undefined ? {} : { expiration: { days: args.compactedExpirationDays } };
  return [
    { id: "processed-snapshots-expire", status: "Enabled", filter: { prefix: PROCESSED_PREFIX }, expiration: { days: args.processedExpirationDays } },
    {
      id: "compacted-days-age",
      status: "Enabled",
      filter: { prefix: COMPACTED_PREFIX },
      transitions: [{ days: args.compactedTransitionDays, storageClass: args.compactedStorageClass }],
      ...compactedExpiration,
    },
    { id: "validation-reports-expire", status: "Enabled", filter: { prefix: REPORTS_PREFIX }, expiration: { days: args.reportsExpirationDays } },
    { id: "quarantine-expires", status: "Enabled", filter: { prefix: QUARANTINE_PREFIX }, expiration: { days: args.quarantineExpirationDays } },
  ];
}
