/** The part of s3rver 3.7's API the S3 emulator uses; the package ships no types. */
declare module "s3rver" {
  import type { EventEmitter } from "events";
  import type { IncomingMessage, ServerResponse } from "http";

  interface S3rverOptions {
    silent?: boolean;
    directory?: string;
    configureBuckets?: { name: string; configs: (string | Buffer)[] }[];
  }

  interface FilesystemStore {
    existsObject(bucket: string, key: string): Promise<boolean>;
    putBucket(bucket: string): Promise<void>;
  }

  class S3rver extends EventEmitter {
    constructor(options?: S3rverOptions);
    readonly store: FilesystemStore;
    readonly logger: { close(): void };
    configureBuckets(): Promise<void>;
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
  }

  export = S3rver;
}
