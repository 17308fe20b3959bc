/**
 * Cold start of each function's real deployment package, built by the Pulumi program under mocks:
 * its zipped size, then in a fresh process per function the time to load the package and the
 * first invocation. The invocations are real ones against the loopback emulators, in pipeline
 * order: ingestion fetches a generated global snapshot from the OpenSky stand-in and stores it,
 * processing converts that object, validation checks the Parquet processing wrote.
 */
import * as fs from "fs";
import * as path from "path";
import type { S3Event } from "aws-lambda";
import { encodeKeyLikeS3Events, startEmulators } from "../emulators";
import { generateSnapshot } from "../fixtures/snapshotGenerator";
import { writeFunctionPackage } from "../harness/functionPackage";
import { buildMockedProgram } from "../harness/mockedProgram";
import { HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { processedKeyForSnapshot, rawKeyForSnapshot } from "../handlers/shared/s3Keys";
import { runChild } from "./childProcess";
import type { ColdStartSpec, ColdStartTiming } from "./coldStartProcess";
import type { ColdStartResult } from "./results";
import { provision } from "../local/pipeline/provisioning";
import { openSkyClientsOf, topologyOf } from "../local/pipeline/topology";
import { prepareSdkModulePath } from "../local/runtime/sdkModulePath";
import { processedParquet } from "./validationRun";

const STAGE_ORDER = ["ingestion", "processing", "validation"] as const;
type StageName = (typeof STAGE_ORDER)[number];
const GLOBAL_SNAPSHOT_STATES = 6_500;

function s3Event(bucket: string, key: string): S3Event {
  return {
    Records: [
      {
        eventVersion: "2.1",
        eventSource: "aws:s3",
        awsRegion: "us-east-1",
        eventTime: new Date().toISOString(),
        eventName: "ObjectCreated:Put",
        userIdentity: { principalId: "bench" },
        requestParameters: { sourceIPAddress: "127.0.0.1" },
        responseElements: { "x-amz-request-id": "bench", "x-amz-id-2": "bench" },
        s3: {
          s3SchemaVersion: "1.0",
          configurationId: "bench",
          bucket: { name: bucket, ownerIdentity: { principalId: "bench" }, arn: `arn:aws:s3:::${bucket}` },
          object: { key: encodeKeyLikeS3Events(key), size: 0, eTag: "", sequencer: "0" },
        },
      },
    ],
  };
}

async function exists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}

function stageOf(functionName: string): StageName {
  const stage = STAGE_ORDER.find((candidate) => functionName.endsWith(`-${candidate}`));
  if (stage === undefined) throw new Error(`function ${functionName} is none of ${STAGE_ORDER.join(", ")}`);
  return stage;
}

export async function measureColdStarts(stack: string, workDir: string): Promise<ColdStartResult[]> {
  const program = await buildMockedProgram({ stack });
  const functions = Object.entries(program.functionPackages).sort(
    ([a], [b]) => STAGE_ORDER.indexOf(stageOf(a)) - STAGE_ORDER.indexOf(stageOf(b)),
  );
  const sdkDir = prepareSdkModulePath(workDir);
  // Recent, so CloudWatch (and its emulator) accepts metrics stamped with the snapshot's time.
  const snapshotTime = Math.floor(Date.now() / 1000) - 120;
  const { snapshot } = generateSnapshot({ seed: 7, stateCount: GLOBAL_SNAPSHOT_STATES, time: snapshotTime });
  // The stand-ins hold what the program declares, as the local run provisions them: buckets,
  // table, queues, topic, and the OpenSky credentials secret a stack with an account has.
  const topology = topologyOf(program);
  const emulators = await startEmulators({
    services: ["s3", "dynamodb", "cloudwatch", "snsSqs", "secretsManager", "opensky"],
    opensky: { snapshot, clients: openSkyClientsOf(topology) },
  });
  try {
    const provisioned = await provision(topology, {
      s3: emulators.s3,
      secretsManager: emulators.secretsManager,
      clients: { dynamodb: emulators.clients.dynamodb, sqs: emulators.clients.sqs, sns: emulators.clients.sns },
    });
    const translation = new Map(provisioned.arnTranslation);
    const ingestionEnvironment = topology.functions.ingestion.pkg.environment;
    if (ingestionEnvironment.OPENSKY_API_URL) translation.set(ingestionEnvironment.OPENSKY_API_URL, emulators.opensky.apiUrl);
    if (ingestionEnvironment.OPENSKY_TOKEN_URL) translation.set(ingestionEnvironment.OPENSKY_TOKEN_URL, emulators.opensky.tokenUrl);

    const results: ColdStartResult[] = [];
    for (const [functionName, pkg] of functions) {
      const stage = stageOf(functionName);
      const packageDir = path.join(workDir, "functions", functionName);
      writeFunctionPackage(pkg, packageDir);
      const environment: Record<string, string> = {
        PATH: process.env.PATH ?? "",
        NODE_PATH: sdkDir,
        ...Object.fromEntries(Object.entries(pkg.environment).map(([name, value]) => [name, translation.get(value) ?? value])),
        ...emulators.awsEnvironment(),
      };
      const events: Record<StageName, unknown> = {
        ingestion: { "detail-type": "Scheduled Event", source: "aws.events", time: new Date(snapshotTime * 1000).toISOString() },
        processing: s3Event(pkg.environment.RAW_BUCKET ?? "", rawKeyForSnapshot(snapshotTime)),
        validation: s3Event(pkg.environment.PROCESSED_BUCKET ?? "", processedKeyForSnapshot(snapshotTime)),
      };
      let invocation = `${stage}: real run against the loopback emulators (${GLOBAL_SNAPSHOT_STATES.toLocaleString("en-US")} states)`;
      const processedBucket = pkg.environment.PROCESSED_BUCKET ?? "";
      const processedKey = processedKeyForSnapshot(snapshotTime);
      // Validation still gets a real file to check when the processing run did not write one.
      if (stage === "validation" && !(await exists(emulators.clients.s3, processedBucket, processedKey))) {
        const body = processedParquet(JSON.stringify(snapshot), snapshotTime);
        await emulators.clients.s3.send(new PutObjectCommand({ Bucket: processedBucket, Key: processedKey, Body: body }));
        invocation += "; its input file was written by the bench, not by the processing run";
      }
      const spec: ColdStartSpec = { packageDir, event: events[stage], timeoutSeconds: pkg.timeout };
      const timing = await runChild<ColdStartTiming>("coldStartProcess.ts", spec, { environment, transpileTo: path.join(workDir, "cold-start") });
      results.push({
        function: functionName,
        zip_bytes: pkg.zipBytes,
        init_ms: timing.init_ms,
        first_invoke_ms: timing.first_invoke_ms,
        invocation,
        outcome: timing.outcome,
      });
    }
    return results;
  } finally {
    await emulators.stop();
    fs.rmSync(path.join(workDir, "functions"), { recursive: true, force: true });
  }
}
