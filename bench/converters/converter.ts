/**
 * One way of turning an OpenSky snapshot's JSON into Parquet bytes. Every tool starts from the
 * same input: the object's bytes as S3 returns them, which each decodes as part of its work, and
 * the file they were read from (DuckDB reads the file itself).
 */

export interface SnapshotInput {
  bytes: Uint8Array;
  path: string;
  /** The snapshot's `time`, unix seconds. */
  snapshotTime: number;
}

export interface SnapshotConverter {
  /** Returns the Parquet file's size in bytes. */
  convert(input: SnapshotInput): Promise<number>;
  close(): Promise<void>;
}

/** Every tool writes the stack's default row-group size and codec (config `parquet.*`). */
export { PARQUET_DEFAULTS } from "../../config/stackConfig";
