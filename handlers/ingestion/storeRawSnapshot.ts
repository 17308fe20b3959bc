/**
 * Writes the API's body, byte for byte, to the raw bucket under the key of its snapshot time, at
 * most once: `If-None-Match: *` makes S3 refuse the write when the key exists (412), or while
 * another conditional write to it is in flight (409). No ObjectCreated event fires a second time.
 *
 * A refusal does not always mean someone else stored the snapshot: when the response to this
 * run's own write is lost, the SDK retries and S3 answers the retry with 412. Each write carries
 * the run's writer id in its metadata, so the stored object says whose it is: this run's (the
 * snapshot is stored, by us) or another's (a duplicate fire).
 */
import { HeadObjectCommand, PutObjectCommand, type S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { contentHash, CONTENT_HASH_METADATA } from "../shared/s3Objects";
import { describeError } from "../shared/namedError";

/** x-amz-meta-writer: the id of the run that stored the object. */
export const WRITER_METADATA = "writer";

export interface StoreResult {
  key: string;
  /** True when this run's write is the one stored (also when its response was lost). */
  stored: boolean;
  /** How many times S3 refused the conditional write before the outcome was known. */
  refusals: number;
}

export interface RawObject {
  bucket: string;
  key: string;
  body: Uint8Array;
  metadata: Record<string, string>;
  /** Unique to this run: the invocation's request id and a nonce. */
  writerId: string;
}

/** An array, not a Set (docs/serialization.md). */
const ALREADY_WRITTEN_STATUSES = [409, 412];

/** Rounds of put-then-look before giving up on knowing whose the object is. */
const MAX_ROUNDS = 4;

const statusOf = (error: unknown): number | undefined =>
  error instanceof S3ServiceException ? error.$metadata.httpStatusCode : (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;

/** The writer recorded on the stored object, or undefined while there is none (a 409's write still in flight). */
async function storedWriter(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return head.Metadata?.[WRITER_METADATA] ?? "";
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw new Error(`could not tell who stored s3://${bucket}/${key} after S3 refused the conditional write: ${describeError(error)}`, {
      cause: error,
    });
  }
}

export async function storeRawSnapshot(
  s3: S3Client,
  object: RawObject,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<StoreResult> {
  const metadata = { ...object.metadata, [CONTENT_HASH_METADATA]: contentHash(object.body), [WRITER_METADATA]: object.writerId };
  let refusals = 0;
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    try {
      await s3.send(
        new PutObjectCommand({
          Bucket: object.bucket,
          Key: object.key,
          Body: object.body,
          ContentType: "application/json",
          Metadata: metadata,
          IfNoneMatch: "*",
        }),
      );
      return { key: object.key, stored: true, refusals };
    } catch (error) {
      if (!ALREADY_WRITTEN_STATUSES.includes(statusOf(error) ?? 0)) throw error;
      refusals += 1;
    }
    const writer = await storedWriter(s3, object.bucket, object.key);
    if (writer !== undefined) return { key: object.key, stored: writer === object.writerId, refusals };
    // A write was in flight and has not landed (or failed): look again shortly, or write ourselves.
    await sleep(200 * round);
  }
  throw new Error(`S3 refused ${refusals} conditional writes of s3://${object.bucket}/${object.key} while no object appeared there; giving up for this run`);
}
