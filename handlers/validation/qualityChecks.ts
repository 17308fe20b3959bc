/**
 * The data-quality checks, each named and either hard (a failing row is an error: the value is
 * impossible or breaks the API's contract) or soft (reported and scored, but the row may well be
 * a real aircraft: a missing callsign, a contact 2 minutes old).
 *
 * Two checks judge rows processing could not type and set aside in quarantine; they read the
 * counts processing wrote into the Parquet metadata. The rest judge the typed rows.
 */
import type { StateColumns, TypedSnapshot } from "../shared/columns";
import type { SnapshotFileMetadata } from "../shared/snapshotMetadata";

export type Severity = "hard" | "soft";

/** What processing set aside, from the Parquet file's metadata. */
export interface QuarantineSummary {
  /** Rows that were not arrays of 17 or 18 fields. */
  rowShape: number;
  /** Rows with a value their column cannot hold. */
  fieldType: number;
  sampleRowShapeIcao24: string[];
  sampleFieldTypeIcao24: string[];
}

/** The summary processing wrote into the file's key-value metadata. */
export function quarantineSummary(metadata: SnapshotFileMetadata): QuarantineSummary {
  return {
    rowShape: metadata.quarantinedRowShape,
    fieldType: metadata.quarantinedFieldType,
    sampleRowShapeIcao24: metadata.sampleRowShapeIcao24,
    sampleFieldTypeIcao24: metadata.sampleFieldTypeIcao24,
  };
}

export interface CheckInput {
  snapshot: TypedSnapshot;
  quarantine: QuarantineSummary;
}

export interface CheckOutcome {
  /** Rows the check applies to (e.g. only rows with a callsign for the callsign format). */
  applicable: number;
  failing: number;
  /** Typed-row indexes of failing rows; absent for the quarantine checks, whose rows are not typed. */
  failingRows?: Uint32Array;
  /** For the quarantine checks, whose rows have no typed icao24. */
  sampleIcao24?: string[];
}

export interface QualityCheck {
  name: string;
  severity: Severity;
  /** What a passing row satisfies, as a reader of the report needs it. */
  rule: string;
  evaluate(input: CheckInput): CheckOutcome;
}

/** Seconds after which a contact no longer describes where the aircraft is. OpenSky drops states older than ~300 s. */
export const STALE_CONTACT_SECONDS = 300;
/** Contacts older than this are reported as delayed. */
export const DELAYED_CONTACT_SECONDS = 15;
/** No airfield is higher (Daocheng Yading, 4,411 m), and no taxiing or rolling aircraft is faster. */
export const ON_GROUND_MAX_ALTITUDE_METRES = 5000;
export const ON_GROUND_MAX_VELOCITY_MPS = 100;

/**
 * The checks, in report order. A factory, called once per container, so the per-row predicates
 * are plain closures over this function's locals (docs/serialization.md).
 */
export function createQualityChecks(): readonly QualityCheck[] {
  const staleContactSeconds = STALE_CONTACT_SECONDS;
  const delayedContactSeconds = DELAYED_CONTACT_SECONDS;
  const onGroundMaxAltitude = ON_GROUND_MAX_ALTITUDE_METRES;
  const onGroundMaxVelocity = ON_GROUND_MAX_VELOCITY_MPS;
  const abs = Math.abs;
  const toRowIndexes = (rows: number[]): Uint32Array => Uint32Array.from(rows);
  const ICAO24 = /^[0-9a-f]{6}$/;
  const CALLSIGN = /^[A-Z0-9 ]{1,8}$/;
  const SQUAWK = /^[0-7]{4}$/;

  const present = (value: number): boolean => value === value;
  const inRange = (value: number, min: number, max: number): boolean => value >= min && value <= max;

  /**
   * A check that looks at one typed row at a time. `applies` narrows the rows it judges; values
   * that are null pass the range checks, since absence is what the completeness measure counts.
   */
  function rowCheck(
    name: string,
    severity: Severity,
    rule: string,
    passes: (columns: StateColumns, row: number, snapshotTime: number) => boolean,
    applies: (columns: StateColumns, row: number, snapshotTime: number) => boolean = () => true,
  ): QualityCheck {
    return {
      name,
      severity,
      rule,
      evaluate({ snapshot }) {
        const { columns, rowCount, snapshotTime } = snapshot;
        const failingRows: number[] = [];
        let applicable = 0;
        for (let row = 0; row < rowCount; row++) {
          if (!applies(columns, row, snapshotTime)) continue;
          applicable++;
          if (!passes(columns, row, snapshotTime)) failingRows.push(row);
        }
        return { applicable, failing: failingRows.length, failingRows: toRowIndexes(failingRows) };
      },
    };
  }

  /** A check over the rows processing quarantined: all input rows are applicable. */
  function quarantineCheck(
    name: string,
    rule: string,
    count: (summary: QuarantineSummary) => number,
    sample: (summary: QuarantineSummary) => string[],
  ): QualityCheck {
    return {
      name,
      severity: "hard",
      rule,
      evaluate({ snapshot, quarantine }) {
        return {
          applicable: snapshot.rowCount + quarantine.rowShape + quarantine.fieldType,
          failing: count(quarantine),
          sampleIcao24: sample(quarantine),
        };
      },
    };
  }

  /** Later rows repeating an icao24 fail; the first occurrence stands. */
  const icao24Unique: QualityCheck = {
    name: "icao24_unique",
    severity: "hard",
    rule: "no two rows of a snapshot share an icao24",
    evaluate({ snapshot }) {
      const seen = new Set<string | null>();
      const failingRows: number[] = [];
      const { icao24 } = snapshot.columns;
      for (let row = 0; row < snapshot.rowCount; row++) {
        const address = icao24[row];
        if (seen.has(address)) failingRows.push(row);
        else seen.add(address);
      }
      return { applicable: snapshot.rowCount, failing: failingRows.length, failingRows: toRowIndexes(failingRows) };
    },
  };

  const contactAge = (c: StateColumns, row: number, snapshotTime: number): number => snapshotTime - c.last_contact[row];

  return [
    quarantineCheck(
      "row_shape",
      "every row is an array of 17 or 18 fields",
      (q) => q.rowShape,
      (q) => q.sampleRowShapeIcao24,
    ),
    quarantineCheck(
      "field_types",
      "every field holds its column's type (strings, finite numbers, booleans), and required fields are not null",
      (q) => q.fieldType,
      (q) => q.sampleFieldTypeIcao24,
    ),
    rowCheck("icao24_format", "hard", "icao24 matches ^[0-9a-f]{6}$", (c, row) => ICAO24.test(c.icao24[row] ?? "")),
    icao24Unique,
    rowCheck(
      "callsign_format",
      "soft",
      "a callsign, once trimmed, matches ^[A-Z0-9 ]{1,8}$",
      (c, row) => CALLSIGN.test(c.callsign[row] ?? ""),
      (c, row) => c.callsign[row] !== null,
    ),
    rowCheck("origin_country_present", "soft", "origin_country is a non-empty string", (c, row) => {
      const country = c.origin_country[row];
      return country !== null && country.trim() !== "";
    }),
    rowCheck("position_present", "soft", "latitude and longitude are both present", (c, row) => present(c.latitude[row]) && present(c.longitude[row])),
    rowCheck(
      "latitude_range",
      "hard",
      "latitude is in [-90, 90]",
      (c, row) => inRange(c.latitude[row], -90, 90),
      (c, row) => present(c.latitude[row]),
    ),
    rowCheck(
      "longitude_range",
      "hard",
      "longitude is in [-180, 180]",
      (c, row) => inRange(c.longitude[row], -180, 180),
      (c, row) => present(c.longitude[row]),
    ),
    rowCheck("timestamp_order", "hard", "time_position ≤ last_contact ≤ snapshot time", (c, row, snapshotTime) => {
      const lastContact = c.last_contact[row];
      const timePosition = c.time_position[row];
      return lastContact <= snapshotTime && (!present(timePosition) || timePosition <= lastContact);
    }),
    rowCheck(
      "contact_freshness",
      "hard",
      `snapshot time − last_contact ≤ ${STALE_CONTACT_SECONDS} s`,
      (c, row, snapshotTime) => contactAge(c, row, snapshotTime) <= staleContactSeconds,
    ),
    rowCheck(
      "contact_delay",
      "soft",
      `snapshot time − last_contact ≤ ${DELAYED_CONTACT_SECONDS} s (rows older than ${STALE_CONTACT_SECONDS} s are contact_freshness failures, not counted here)`,
      (c, row, snapshotTime) => contactAge(c, row, snapshotTime) <= delayedContactSeconds,
      (c, row, snapshotTime) => contactAge(c, row, snapshotTime) <= staleContactSeconds,
    ),
    rowCheck(
      "baro_altitude_range",
      "hard",
      "baro_altitude is in [-1000, 30000] m",
      (c, row) => inRange(c.baro_altitude[row], -1000, 30000),
      (c, row) => present(c.baro_altitude[row]),
    ),
    rowCheck(
      "velocity_range",
      "hard",
      "velocity is in [0, 350] m/s",
      (c, row) => inRange(c.velocity[row], 0, 350),
      (c, row) => present(c.velocity[row]),
    ),
    rowCheck(
      "true_track_range",
      "hard",
      "true_track is in [0, 360) degrees",
      (c, row) => c.true_track[row] >= 0 && c.true_track[row] < 360,
      (c, row) => present(c.true_track[row]),
    ),
    rowCheck(
      "vertical_rate_range",
      "hard",
      "|vertical_rate| ≤ 60 m/s",
      (c, row) => abs(c.vertical_rate[row]) <= 60,
      (c, row) => present(c.vertical_rate[row]),
    ),
    rowCheck(
      "squawk_format",
      "hard",
      "a squawk matches ^[0-7]{4}$",
      (c, row) => SQUAWK.test(c.squawk[row] ?? ""),
      (c, row) => c.squawk[row] !== null,
    ),
    rowCheck(
      "on_ground_consistency",
      "soft",
      `an aircraft on the ground is below ${ON_GROUND_MAX_ALTITUDE_METRES} m barometric and slower than ${ON_GROUND_MAX_VELOCITY_MPS} m/s`,
      (c, row) => !(c.baro_altitude[row] > onGroundMaxAltitude) && !(c.velocity[row] > onGroundMaxVelocity),
      (c, row) => c.on_ground[row] === 1,
    ),
    rowCheck("position_source_known", "soft", "position_source is 0 (ADS-B), 1 (ASTERIX), 2 (MLAT) or 3 (FLARM)", (c, row) =>
      inRange(c.position_source[row], 0, 3),
    ),
    rowCheck(
      "category_range",
      "soft",
      "a category is in [0, 20]",
      (c, row) => inRange(c.category[row], 0, 20),
      (c, row) => present(c.category[row]),
    ),
  ];
}
