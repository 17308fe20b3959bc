import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { PROCESSED_PREFIX } from "../contract/dataLayout";

export interface CatalogColumn {
  name: string;
  type: "string" | "double" | "boolean" | "int32" | "timestamp";
}

export interface AnalyticsCatalogArgs {
  processedBucketName: pulumi.Input<string>;
  athenaResultsBucketName: pulumi.Input<string>;
  kmsKeyArn: pulumi.Input<string>;
  /** The Parquet files' columns, in file order. */
  columns: CatalogColumn[];
  /** First year partition projection enumerates. */
  firstYear?: number;
}

const GLUE_TYPES: Record<CatalogColumn["type"], string> = {
  string: "string",
  double: "double",
  boolean: "boolean",
  int32: "int",
  timestamp: "timestamp",
};

/**
 * Makes the processed Parquet queryable with no crawler: a Glue table whose partitions Athena
 * computes from the key layout (partition projection on year/month/day/hour), and a workgroup
 * that forces KMS-encrypted results into the athena-results bucket.
 */
export class AnalyticsCatalog extends pulumi.ComponentResource {
  readonly databaseName: pulumi.Output<string>;
  readonly tableName: pulumi.Output<string>;
  readonly workgroupName: pulumi.Output<string>;

  constructor(name: string, args: AnalyticsCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flightdata:analytics:AnalyticsCatalog", name, {}, opts);
    if (args.columns.length === 0) throw new Error(`AnalyticsCatalog ${name}: columns must not be empty`);
    const firstYear = args.firstYear ?? 2024;
    const parent = { parent: this };

    // Glue names allow only lowercase letters, digits and underscores.
    const database = new aws.glue.CatalogDatabase(
      `${name}-database`,
      { name: name.toLowerCase().replace(/[^a-z0-9_]/g, "_"), description: "OpenSky state vectors from the flight-data pipeline" },
      parent,
    );
    const location = pulumi.interpolate`s3://${args.processedBucketName}/${PROCESSED_PREFIX}`;
    const table = new aws.glue.CatalogTable(
      `${name}-states`,
      {
        databaseName: database.name,
        name: "states",
        tableType: "EXTERNAL_TABLE",
        parameters: {
          classification: "parquet",
          EXTERNAL: "TRUE",
          "projection.enabled": "true",
          "projection.year.type": "integer",
          "projection.year.range": `${firstYear},2099`,
          "projection.month.type": "integer",
          "projection.month.range": "1,12",
          "projection.month.digits": "2",
          "projection.day.type": "integer",
          "projection.day.range": "1,31",
          "projection.day.digits": "2",
          "projection.hour.type": "integer",
          "projection.hour.range": "0,23",
          "projection.hour.digits": "2",
          "storage.location.template": pulumi.interpolate`${location}year=\${year}/month=\${month}/day=\${day}/hour=\${hour}/`,
        },
        partitionKeys: ["year", "month", "day", "hour"].map((key) => ({ name: key, type: "string" })),
        storageDescriptor: {
          location,
          inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
          outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
          serDeInfo: {
            serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
            parameters: { "serialization.format": "1" },
          },
          columns: args.columns.map((c) => ({ name: c.name, type: GLUE_TYPES[c.type] })),
        },
      },
      parent,
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

    this.databaseName = database.name;
    this.tableName = table.name;
    this.workgroupName = workgroup.name;
    this.registerOutputs({ databaseName: this.databaseName, tableName: this.tableName, workgroupName: this.workgroupName });
  }
}
