import * as pulumi from "@pulumi/pulumi";

/** The Hive-style partitions of the pipeline's keys, outermost first: year=YYYY/month=MM/day=DD/hour=HH. */
export const PARTITION_COLUMNS = ["year", "month", "day", "hour"] as const;
export type PartitionColumn = (typeof PARTITION_COLUMNS)[number];

/** Two-digit partitions, with the values they take. */
const INTEGER_RANGES: Record<Exclude<PartitionColumn, "year">, [number, number]> = { month: [1, 12], day: [1, 31], hour: [0, 23] };

export interface PartitionProjection {
  /** The Glue table parameters that turn projection on: no crawler, no partitions to add. */
  parameters: Record<string, pulumi.Input<string>>;
  partitionKeys: { name: string; type: string }[];
}

/**
 * Athena's partition projection over `location` + year=…/month=…/…, for the leading `depth`
 * partition columns (3 for daily files, 4 for per-snapshot ones). The year is a date projection
 * from `firstYear` to NOW, so the table grows into each new year without a deployment and lists no
 * future ones; months, days and hours are two-digit integers. Partition columns are strings, so a
 * query filters them as written in the keys: WHERE year = '2026' AND month = '11'.
 */
export function hivePartitionProjection(location: pulumi.Input<string>, depth: 3 | 4, firstYear: number): PartitionProjection {
  if (!Number.isInteger(firstYear) || firstYear < 1970) throw new Error(`partition projection: firstYear must be a year from 1970, got ${firstYear}`);
  const columns = PARTITION_COLUMNS.slice(0, depth);
  const parameters: Record<string, pulumi.Input<string>> = {
    "projection.enabled": "true",
    "projection.year.type": "date",
    "projection.year.format": "yyyy",
    "projection.year.range": `${firstYear},NOW`,
    "projection.year.interval": "1",
    "projection.year.interval.unit": "YEARS",
  };
  for (const column of columns) {
    if (column === "year") continue;
    const [low, high] = INTEGER_RANGES[column];
    parameters[`projection.${column}.type`] = "integer";
    parameters[`projection.${column}.range`] = `${low},${high}`;
    parameters[`projection.${column}.digits`] = "2";
  }
  parameters["storage.location.template"] = pulumi.interpolate`${location}${columns.map((column) => `${column}=\${${column}}`).join("/")}/`;
  return { parameters, partitionKeys: columns.map((name) => ({ name, type: "string" })) };
}
