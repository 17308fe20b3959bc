/**
 * Writes the API's body, as received, to the raw bucket under the key of its snapshot time, at
 * most once: `If-None-Match: *` makes S3 refuse the write when the key exists (412), or while
 * another conditional write to it is in flight (409). Either way the snapshot is already stored,
 * and no ObjectCreated event fires a second time for it.
 */
import { PutObjectCommand, type S3Client, S3ServiceException } from "@aws-sdk/client-s3";

export interface StoreResult {
  key: string;
  /** False when the object was already there. */
  stored: boolean;
}

export interface RawObject {
  bucket: string;
  key: string;
  body: string;
  metadata: Record<string, string>;
}

/** An array, not a Set: a module-level Set does not survive Pulumi's function serialization. */
const ALREADY_WRITTEN_STATUSES = [409, 412];

export async function storeRawSnapshot(s3: S3Client, object: RawObject): Promise<StoreResult> {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: object.bucket,
        Key: object.key,
        Body: object.body,
        ContentType: "application/json",
        Metadata: object.metadata,
        IfNoneMatch: "*",
      }),
    );
    return { key: object.key, stored: true };
  } catch (error) {
    if (error instanceof S3ServiceException && ALREADY_WRITTEN_STATUSES.includes(error.$metadata.httpStatusCode ?? 0)) {
      return { key: object.key, stored: false };
    }
    throw error;
  }
}
