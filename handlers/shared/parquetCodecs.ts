/**
 * Parquet page compression from node:zlib. Snappy is built into hyparquet and hyparquet-writer;
 * gzip and zstd come from zlib, on both sides. zstd arrived in zlib with Node 22.15: on an older
 * runtime asking for it fails with a message that says so, rather than quietly writing another
 * codec than the stack configured.
 */
import * as zlib from "zlib";
import type { CompressionCodec } from "hyparquet";
import type { ParquetCodecSetting } from "./settings";

type Compress = (input: Uint8Array) => Uint8Array;
type Decompress = (input: Uint8Array, outputLength: number) => Uint8Array;

/** @types/node 20 does not declare the zstd functions; they exist at runtime from Node 22.15. */
interface ZstdZlib {
  zstdCompressSync?: (input: Uint8Array) => Buffer;
  zstdDecompressSync?: (input: Uint8Array) => Buffer;
}
const zstd = zlib as unknown as ZstdZlib;

export function zstdAvailable(): boolean {
  return typeof zstd.zstdCompressSync === "function" && typeof zstd.zstdDecompressSync === "function";
}

function zstdMissing(purpose: string): Error {
  return new Error(
    `${purpose} needs zstd, which this runtime's zlib lacks (Node ${process.version}; zstd arrived in Node 22.15). ` +
      "Run on nodejs22.x or choose PARQUET_CODEC=snappy or gzip.",
  );
}

const CODECS: Record<ParquetCodecSetting, CompressionCodec> = {
  snappy: "SNAPPY",
  gzip: "GZIP",
  zstd: "ZSTD",
  uncompressed: "UNCOMPRESSED",
};

export interface ParquetCompression {
  codec: CompressionCodec;
  /** For hyparquet-writer; Snappy needs none. */
  compressors: Partial<Record<CompressionCodec, Compress>>;
}

/** Resolves the PARQUET_CODEC setting once, at init, so a runtime without zstd fails there. */
export function parquetCompression(setting: ParquetCodecSetting, gzipLevel: number): ParquetCompression {
  const codec = CODECS[setting];
  if (codec === "GZIP") return { codec, compressors: { GZIP: (input) => zlib.gzipSync(input, { level: gzipLevel }) } };
  if (codec === "ZSTD") {
    const compress = zstd.zstdCompressSync;
    if (compress === undefined) throw zstdMissing("PARQUET_CODEC=zstd");
    return { codec, compressors: { ZSTD: (input) => compress(input) } };
  }
  return { codec, compressors: {} };
}

/**
 * Decompressors for hyparquet beyond its built-in Snappy. A zstd file on a runtime without zstd
 * fails with the message above, naming the cause.
 */
export const PARQUET_DECOMPRESSORS: Partial<Record<CompressionCodec, Decompress>> = {
  GZIP: (input) => zlib.gunzipSync(input),
  ZSTD: (input) => {
    if (zstd.zstdDecompressSync === undefined) throw zstdMissing("reading a ZSTD-compressed Parquet file");
    return zstd.zstdDecompressSync(input);
  },
};
