import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { COMPACTED_QUALITY_PREFIX, COMPACTED_STATES_PREFIX, PROCESSED_PREFIX } from "../contract/dataLayout";
import { hivePartitionProjection, type PartitionProjection } from "./support/partitionProjection";

export interface CatalogColumn {
  name: string;
  type: "string" | "double" | "boolean" | "int32" | "timestamp" | "bigint";
}

/** A saved query: its SQL, as shipped in queries/, runs as an Athena named query. */
export interface CatalogQuery {
  name: string;
  description: string;
  sql: string;
}

export interface AnalyticsCatalogArgs {
  processedBucketName: pulumi.Input<string>;
  athenaResultsBucketName: pulumi.Input<string>;
  kmsKeyArn: pulumi.Input<string>;
  /** The Parquet files' columns, in file order: per-snapshot and daily files share them. */
  columns: CatalogColumn[];
  /** The columns of the daily quality lines. */
  qualityColumns: CatalogColumn[];
  /** First year the tables list; they end at the current year. */
  firstYear: number;
  /** Created as named queries in the workgroup, against this database. */
  queries: CatalogQuery[];
}

const GLUE_TYPES: Record<CatalogColumn["type"], string> = {
  string: "string",
  double: "double",
  boolean: "boolean",
  int32: "int",
  timestamp: "timestamp",
  bigint: "bigint",
};

const PARQUET_STORAGE = {
  inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
  outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
  serDeInfo: { serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", parameters: { "serialization.format": "1" } },
};

/** The Hive JSON SerDe reads one object per line and timestamps written as yyyy-MM-dd HH:mm:ss.SSS. */
const JSON_LINES_STORAGE = {
  inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
  outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
  serDeInfo: { serializationLibrary: "org.apache.hive.hcatalog.data.JsonSerDe", parameters: { "serialization.format": "1" } },
};

/**
 * Makes the data queryable with no crawler: a Glue database with three tables whose partitions
 * Athena computes from the key layout (partition projection):
 *
 * - `states`: every snapshot, from `processed/`, by year/month/day/hour;
 * - `states_daily`: the same rows, one file per UTC day sorted by icao24 then snapshot_time, from
 *   `compacted/states/`, by year/month/day: what queries over more than a few hours should read;
 * - `quality_daily`: each validated snapshot's scores, from `compacted/quality/`, by year/month/day.
 *
 * An Athena workgroup forces KMS-encrypted results into the athena-results bucket, and holds the
 * project's saved queries.
 */
export class AnalyticsCatalog extends pulumi.ComponentResource {
  readonly databaseName: pulumi.Output<string>;
  readonly tableName: pulumi.Output<string>;
  readonly dailyTableName: pulumi.Output<string>;
  readonly qualityTableName: pulumi.Output<string>;
  readonly workgroupName: pulumi.Output<string>;
  readonly namedQueryIds: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: AnalyticsCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flightdata:analytics:AnalyticsCatalog", name, {}, opts);
    if (args.columns.length === 0) throw new Error(`AnalyticsCatalog ${name}: columns must not be empty`);
    if (args.qualityColumns.length === 0) throw new Error(`AnalyticsCatalog ${name}: qualityColumns must not be empty`);
    const queryNames = args.queries.map((query) => query.name);
    const repeated = queryNames.find((queryName, index) => queryNames.indexOf(queryName) !== index);
    if (repeated !== undefined) throw new Error(`AnalyticsCatalog ${name}: two queries are named ${repeated}`);
    const parent = { parent: this };

    // Glue names allow only lowercase letters, digits and underscores.
    const database = new aws.glue.CatalogDatabase(
      `${name}-database`,
      { name: name.toLowerCase().replace(/[^a-z0-9_]/g, "_"), description: "OpenSky state vectors from the flight-data pipeline" },
      parent,
    );
    const location = (prefix: string) => pulumi.interpolate`s3://${args.processedBucketName}/${prefix}`;
    const table = (
      resourceName: string,
      tableName: string,
      description: string,
      prefix: string,
      projection: PartitionProjection,
      columns: CatalogColumn[],
      storage: typeof PARQUET_STORAGE,
      classification: string,
    ) =>
      new aws.glue.CatalogTable(
        resourceName,
        {
          databaseName: database.name,
          name: tableName,
          description,
          tableType: "EXTERNAL_TABLE",
          parameters: { classification, EXTERNAL: "TRUE", ...projection.parameters },
          partitionKeys: projection.partitionKeys,
          storageDescriptor: {
            location: location(prefix),
            ...storage,
            columns: columns.map((c) => ({ name: c.name, type: GLUE_TYPES[c.type] })),
          },
        },
        parent,
      );

    const states = table(
      `${name}-states`,
      "states",
      "Every OpenSky snapshot, one Parquet file each, partitioned by UTC hour",
      PROCESSED_PREFIX,
      hivePartitionProjection(location(PROCESSED_PREFIX), 4, args.firstYear),
      args.columns,
      PARQUET_STORAGE,
      "parquet",
    );
    const statesDaily = table(
      `${name}-states-daily`,
      "states_daily",
      "The same rows, one Parquet file per UTC day sorted by icao24 then snapshot_time",
      COMPACTED_STATES_PREFIX,
      hivePartitionProjection(location(COMPACTED_STATES_PREFIX), 3, args.firstYear),
      args.columns,
      PARQUET_STORAGE,
      "parquet",
    );
    const qualityDaily = table(
      `${name}-quality-daily`,
      "quality_daily",
      "Each validated snapshot's quality scores, one JSON-lines file per UTC day",
      COMPACTED_QUALITY_PREFIX,
      hivePartitionProjection(location(COMPACTED_QUALITY_PREFIX), 3, args.firstYear),
      args.qualityColumns,
      JSON_LINES_STORAGE,
      "json",
    );

    const workgroup = new aws.athena.Workgroup(
      `${name}-workgroup`,
      {
        name: `${name}`,
        forceDestroy: true,
        configuration: {
          enforceWorkgroupConfiguration: true,
          publishCloudwatchMetricsEnabled: true,
          resultConfiguration: {
            outputLocation: pulumi.interpolate`s3://${args.athenaResultsBucketName}/results/`,
            encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: args.kmsKeyArn },
          },
        },
      },
      parent,
    );

    this.namedQueryIds = {};
    for (const query of args.queries) {
      const saved = new aws.athena.NamedQuery(
        `${name}-query-${query.name}`,
        { name: query.name, description: query.description, database: database.name, workgroup: workgroup.name, query: query.sql },
        { parent: this, dependsOn: [states, statesDaily, qualityDaily] },
      );
      this.namedQueryIds[query.name] = saved.id;
    }

    this.databaseName = database.name;
    this.tableName = states.name;
    this.dailyTableName = statesDaily.name;
    this.qualityTableName = qualityDaily.name;
    this.workgroupName = workgroup.name;
    this.registerOutputs({
      databaseName: this.databaseName,
      tableName: this.tableName,
      dailyTableName: this.dailyTableName,
      qualityTableName: this.qualityTableName,
      workgroupName: this.workgroupName,
    });
  }
}
