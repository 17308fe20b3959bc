/**
 * What processing records in each Parquet file's key-value metadata and validation reads back:
 * where the rows came from and how many were set aside. Written and read here, so the two stages
 * cannot drift apart. Values depend only on the input, keeping the file's bytes deterministic.
 */
import { SCHEMA_VERSION } from "./stateVector";

/** Namespaced so they cannot clash with a writer's own entries. */
export const METADATA_KEYS = {
  sourceKey: "flightdata.source_key",
  /** Unix seconds, as in the object keys. */
  snapshotTime: "flightdata.snapshot_time",
  schemaVersion: "flightdata.schema_version",
  inputRows: "flightdata.rows.input",
  writtenRows: "flightdata.rows.written",
  quarantinedRowShape: "flightdata.rows.quarantined.row_shape",
  quarantinedFieldType: "flightdata.rows.quarantined.field_type",
  /** JSON arrays of up to SAMPLE_SIZE icao24 values of quarantined rows, per reason. */
  sampleRowShapeIcao24: "flightdata.quarantine.row_shape.sample_icao24",
  sampleFieldTypeIcao24: "flightdata.quarantine.field_type.sample_icao24",
  /** Empty when no row was quarantined. */
  quarantineKey: "flightdata.quarantine_key",
} as const;

/** How many offending icao24 values metadata, reports and alerts carry per problem. */
export const SAMPLE_SIZE = 5;

export interface SnapshotFileMetadata {
  /** The raw object the rows came from. */
  sourceKey: string;
  snapshotTime: number;
  schemaVersion: string;
  /** Rows in the raw response: written plus quarantined. */
  inputRows: number;
  writtenRows: number;
  quarantinedRowShape: number;
  quarantinedFieldType: number;
  sampleRowShapeIcao24: string[];
  sampleFieldTypeIcao24: string[];
  /** null when nothing was quarantined. */
  quarantineKey: string | null;
}

export function metadataToKeyValues(metadata: SnapshotFileMetadata): Record<string, string> {
  return {
    [METADATA_KEYS.sourceKey]: metadata.sourceKey,
    [METADATA_KEYS.snapshotTime]: String(metadata.snapshotTime),
    [METADATA_KEYS.schemaVersion]: metadata.schemaVersion,
    [METADATA_KEYS.inputRows]: String(metadata.inputRows),
    [METADATA_KEYS.writtenRows]: String(metadata.writtenRows),
    [METADATA_KEYS.quarantinedRowShape]: String(metadata.quarantinedRowShape),
    [METADATA_KEYS.quarantinedFieldType]: String(metadata.quarantinedFieldType),
    [METADATA_KEYS.sampleRowShapeIcao24]: JSON.stringify(metadata.sampleRowShapeIcao24),
    [METADATA_KEYS.sampleFieldTypeIcao24]: JSON.stringify(metadata.sampleFieldTypeIcao24),
    [METADATA_KEYS.quarantineKey]: metadata.quarantineKey ?? "",
  };
}

/** Throws naming the first entry that is missing or malformed, e.g. for a file processing did not write. */
export function metadataFromKeyValues(keyValues: Readonly<Record<string, string>>): SnapshotFileMetadata {
  const text = (key: string): string => {
    const value = keyValues[key];
    if (value === undefined) throw new Error(`the file's metadata has no ${key}; it was not written by the processing stage`);
    return value;
  };
  const count = (key: string): number => {
    const value = Number(text(key));
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`metadata ${key}=${JSON.stringify(keyValues[key])} is not a row count`);
    return value;
  };
  const strings = (key: string): string[] => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text(key));
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === "string")) {
      throw new Error(`metadata ${key}=${JSON.stringify(keyValues[key])} is not a JSON array of strings`);
    }
    return parsed as string[];
  };
  const schemaVersion = text(METADATA_KEYS.schemaVersion);
  if (schemaVersion !== SCHEMA_VERSION) {
    throw new Error(`the file has schema version ${JSON.stringify(schemaVersion)}; this code reads version ${SCHEMA_VERSION}`);
  }
  const quarantineKey = text(METADATA_KEYS.quarantineKey);
  return {
    sourceKey: text(METADATA_KEYS.sourceKey),
    snapshotTime: count(METADATA_KEYS.snapshotTime),
    schemaVersion,
    inputRows: count(METADATA_KEYS.inputRows),
    writtenRows: count(METADATA_KEYS.writtenRows),
    quarantinedRowShape: count(METADATA_KEYS.quarantinedRowShape),
    quarantinedFieldType: count(METADATA_KEYS.quarantinedFieldType),
    sampleRowShapeIcao24: strings(METADATA_KEYS.sampleRowShapeIcao24),
    sampleFieldTypeIcao24: strings(METADATA_KEYS.sampleFieldTypeIcao24),
    quarantineKey: quarantineKey === "" ? null : quarantineKey,
  };
}
