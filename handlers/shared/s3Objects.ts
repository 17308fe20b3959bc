/**
 * Reading and writing the pipeline's objects, with errors that name the bucket and key. Writes
 * carry a SHA-256 of their body in user metadata so a stage can tell that an object already holds
 * exactly what it is about to write, and leave it alone: re-writing would fire another S3 event and
 * run the next stage again for nothing.
 */
import { createHash } from "crypto";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { describeError } from "./namedError";

/** x-amz-meta-content-sha256 */
export const CONTENT_HASH_METADATA = "content-sha256";

export async function readObjectBytes(s3: S3Client, bucket: string, key: string): Promise<Uint8Array> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (response.Body === undefined) throw new Error("the response has no body");
    return await response.Body.transformToByteArray();
  } catch (error) {
    throw new Error(`could not read s3://${bucket}/${key}: ${describeError(error)}`, { cause: error });
  }
}

export const contentHash = (body: Uint8Array | string): string => createHash("sha256").update(body).digest("hex");

function isNotFound(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 404 || (error instanceof Error && (error.name === "NotFound" || error.name === "NoSuchKey"));
}

/** The hash an earlier write recorded, or undefined when the object does not exist. */
async function storedHash(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return head.Metadata?.[CONTENT_HASH_METADATA] ?? "";
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw new Error(`could not check s3://${bucket}/${key}: ${describeError(error)}`, { cause: error });
  }
}

export interface ObjectToWrite {
  key: string;
  body: Uint8Array | string;
  contentType: string;
}

export async function writeObject(s3: S3Client, bucket: string, object: ObjectToWrite): Promise<void> {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: object.key,
        Body: object.body,
        ContentType: object.contentType,
        Metadata: { [CONTENT_HASH_METADATA]: contentHash(object.body) },
      }),
    );
  } catch (error) {
    throw new Error(`could not write s3://${bucket}/${object.key}: ${describeError(error)}`, { cause: error });
  }
}

/** Writes unless the object already holds these exact bytes. Returns whether it wrote. */
export async function writeObjectIfChanged(s3: S3Client, bucket: string, object: ObjectToWrite): Promise<boolean> {
  if ((await storedHash(s3, bucket, object.key)) === contentHash(object.body)) return false;
  await writeObject(s3, bucket, object);
  return true;
}
