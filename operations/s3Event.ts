/**
 * The S3 event a backfill hands a stage for one object: shaped as S3's ObjectCreated notification
 * (key URL-encoded as S3 encodes it, the object's current ETag, so the tracking ledger compares
 * the right input), with `"force": true` at the top level when the stage must redo finished work
 * (handlers/shared/s3EventRecords.ts `forcedReplay`).
 */
import type { S3Event } from "aws-lambda";
import { encodeKeyLikeS3Events } from "../handlers/shared/s3Keys";

export interface ReplayedObject {
  region: string;
  bucket: string;
  key: string;
  eTag: string;
  size: number;
}

export function s3ObjectCreatedEvent(object: ReplayedObject, options: { force: boolean; now?: Date }): S3Event & { force?: true } {
  const now = options.now ?? new Date();
  return {
    Records: [
      {
        eventVersion: "2.1",
        eventSource: "aws:s3",
        awsRegion: object.region,
        eventTime: now.toISOString(),
        eventName: "ObjectCreated:Put",
        userIdentity: { principalId: "flight-data-pipeline-backfill" },
        requestParameters: { sourceIPAddress: "127.0.0.1" },
        responseElements: { "x-amz-request-id": "backfill", "x-amz-id-2": "backfill" },
        s3: {
          s3SchemaVersion: "1.0",
          configurationId: "backfill",
          bucket: { name: object.bucket, ownerIdentity: { principalId: "flight-data-pipeline-backfill" }, arn: `arn:aws:s3:::${object.bucket}` },
          object: { key: encodeKeyLikeS3Events(object.key), size: object.size, eTag: object.eTag, sequencer: now.getTime().toString(16).toUpperCase() },
        },
      },
    ],
    ...(options.force ? { force: true as const } : {}),
  };
}
