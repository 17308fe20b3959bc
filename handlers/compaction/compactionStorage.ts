/**
 * What compaction asks of S3: the objects under a day's prefix with their ETags, a file's Parquet
 * footer read by ranged GETs (row counts before committing memory; the snapshots a daily file
 * holds), and writing the daily file with the fingerprint of the inputs it was made from. Writes
 * are skipped when the object already holds the same bytes, as processing skips them
 * (s3Objects.ts); when only the fingerprint differs, the metadata is replaced in place.
 */
import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { parquetMetadataAsync, type FileMetaData } from "hyparquet";
import { CONTENT_HASH_METADATA, contentHash } from "../shared/s3Objects";
import { describeError } from "../shared/namedError";

/** x-amz-meta-inputs-sha256: the fingerprint of the objects a daily file was made from. */
export const INPUTS_HASH_METADATA = "inputs-sha256";

/** Parquet footers of the pipeline's files fit in this many bytes from the end, so one GET reads them. */
const FOOTER_FETCH_BYTES = 64 * 1024;

export interface ListedObject {
  key: string;
  /** As S3 lists it: changes whenever the object's content does. */
  etag: string;
  size: number;
}

export interface StoredObject {
  size: number;
  metadata: Record<string, string>;
}

function failure(action: string, bucket: string, key: string, error: unknown): Error {
  return new Error(`could not ${action} s3://${bucket}/${key}: ${describeError(error)}`, { cause: error });
}

export async function listObjects(s3: S3Client, bucket: string, prefix: string): Promise<ListedObject[]> {
  const objects: ListedObject[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) objects.push({ key: object.Key, etag: object.ETag ?? "", size: object.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  } catch (error) {
    throw failure("list", bucket, prefix, error);
  }
  return objects;
}

export async function headObject(s3: S3Client, bucket: string, key: string): Promise<StoredObject | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { size: head.ContentLength ?? 0, metadata: head.Metadata ?? {} };
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || (error instanceof Error && (error.name === "NotFound" || error.name === "NoSuchKey"))) return undefined;
    throw failure("check", bucket, key, error);
  }
}

/** The file's footer, read from its last bytes (and, for a larger footer, the bytes before them). */
export async function readParquetFooter(s3: S3Client, bucket: string, key: string, size: number): Promise<FileMetaData> {
  const slice = async (start: number, end?: number): Promise<ArrayBuffer> => {
    const last = (end ?? size) - 1;
    try {
      const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${last}` }));
      if (response.Body === undefined) throw new Error("the response has no body");
      const bytes = await response.Body.transformToByteArray();
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    } catch (error) {
      throw failure(`read bytes ${start}-${last} of`, bucket, key, error);
    }
  };
  try {
    return await parquetMetadataAsync({ byteLength: size, slice }, { initialFetchSize: FOOTER_FETCH_BYTES });
  } catch (error) {
    if (error instanceof Error && error.message.startsWith("could not read bytes")) throw error;
    throw new Error(`s3://${bucket}/${key} is not a readable Parquet file: ${describeError(error)}`, { cause: error });
  }
}

export type WriteOutcome = "written" | "unchanged" | "metadata-replaced";

export interface CompactedObject {
  key: string;
  body: Uint8Array | string;
  contentType: string;
  inputsHash: string;
}

/**
 * Writes unless the object already holds these bytes. When it does but was made from other inputs
 * (an input rewritten with the same rows), only its metadata is replaced, with a copy onto itself.
 */
export async function writeCompactedObject(s3: S3Client, bucket: string, object: CompactedObject, existing: StoredObject | undefined): Promise<WriteOutcome> {
  const metadata = { [CONTENT_HASH_METADATA]: contentHash(object.body), [INPUTS_HASH_METADATA]: object.inputsHash };
  const sameBytes = existing?.metadata[CONTENT_HASH_METADATA] === metadata[CONTENT_HASH_METADATA];
  if (sameBytes && existing?.metadata[INPUTS_HASH_METADATA] === object.inputsHash) return "unchanged";
  try {
    if (sameBytes) {
      await s3.send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: object.key,
          // The pipeline's keys hold only characters encodeURI leaves as they are or escapes the
          // way S3 expects; "=" stays readable to stand-ins that decode the source with decodeURI.
          CopySource: encodeURI(`${bucket}/${object.key}`),
          MetadataDirective: "REPLACE",
          ContentType: object.contentType,
          Metadata: metadata,
        }),
      );
      return "metadata-replaced";
    }
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: object.key, Body: object.body, ContentType: object.contentType, Metadata: metadata }));
    return "written";
  } catch (error) {
    throw failure("write", bucket, object.key, error);
  }
}

/** Runs `task` over `items` with at most `limit` at once; results in the items' order. */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
