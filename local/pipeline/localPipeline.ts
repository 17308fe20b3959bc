/**
 * The whole pipeline on loopback: the program built under mocks for a stack, each function's
 * package written out and run in the Lambda-like harness, the stand-ins started and given what
 * the program declares, S3 notifications and the schedule wired to asynchronous invocations.
 * `npm start`, `npm run invoke` and the tests all start it through here.
 */
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { createHash, randomUUID } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { STAGES, type StageName } from "../../contract/dataLayout";
import { type EmulatedService, type RunningEmulators, sqsClientFor, startEmulators, startXRayDaemon, type XRayDaemon } from "../../emulators";
import { writeFunctionPackage } from "../../mocked-program/functionPackage";
import { buildMockedProgram, type MockedProgram } from "../../mocked-program/mockedProgram";
import { prepareBootstrap } from "../function-runner/bootstrapScript";
import { LocalFunction } from "../function-runner/localFunction";
import { locateNodeRuntime } from "../function-runner/nodeRuntime";
import { prepareSdkModulePath } from "../function-runner/sdkModulePath";
import { type AsyncTarget, AsyncInvoker, type AttemptReport } from "./asyncInvoker";
import { routeS3Event } from "./eventRouter";
import { lambdaEnvironment } from "./functionEnvironment";
import { type ProvisionedCloud, provision } from "./provisioning";
import { type DeclaredFunction, type DeclaredSchedule, openSkyClientsOf, type PipelineTopology, topologyOf } from "./topology";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");
export const DEFAULT_LOCAL_ROOT = path.join(PROJECT_DIR, ".local");

const SERVICES = ["s3", "dynamodb", "snsSqs", "cloudwatch", "secretsManager", "opensky"] as const satisfies readonly EmulatedService[];
export type PipelineEmulators = RunningEmulators<(typeof SERVICES)[number]>;

/** Containers a function without reserved concurrency may run at once here. */
const UNRESERVED_CONCURRENCY_CAP = Math.min(os.availableParallelism(), 8);

export interface LocalPipelineOptions {
  stack: string;
  /** Stack configuration overrides, as buildMockedProgram takes them. */
  config?: Record<string, unknown>;
  /** Where packages, the SDK module path and the run's output go; default <project>/.local. */
  localRoot?: string;
  /** "live" leaves the functions' OpenSky URLs as declared, pointing at the real API. */
  openSky: "stand-in" | "live";
  /** False runs only what is invoked explicitly: S3 notifications trigger nothing (`npm run invoke`). */
  routeS3Events?: boolean;
  /** Scaled-down wait before a retry (× the attempt number); Lambda waits minutes. */
  retryDelayMs?: number;
  /**
   * Puts the fault-injection proxy (emulators/faultProxy.ts) between the functions and the AWS
   * stand-ins; `emulators.faults` then scripts outages, hangs and lost responses.
   */
  faultInjection?: boolean;
  /**
   * S3 delivers events at least once: each notification is delivered this many times, at the
   * same moment, as separate asynchronous invocations. 1 by default.
   */
  s3EventDeliveries?: number;
  /** Called once the program is built: the mocked build is process-wide, so another may start from here. */
  onBuilt?(): void;
  /**
   * Collects X-Ray traces: a daemon stand-in receives the segments of the functions with Active
   * tracing, whose invocations are then sampled. Off by default: the functions do not trace.
   */
  traces?: boolean;
  onLog?(functionName: string, line: string): void;
  onAttempt?(report: AttemptReport): void;
  onHarnessError?(error: Error): void;
}

/** The user agent of the failure records the harness sends for Lambda, so an observer can tell them from a function's own calls. */
export const FAILURE_DESTINATION_USER_AGENT = "local-lambda-on-failure-destination";

/** An access key pair, as Lambda hands a function its role's credentials. */
export interface FunctionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * The keys a function signs its calls with here, its own as each function in AWS gets its role's,
 * so that whatever stands in front of the stand-ins can tell which function made a call. Shaped
 * like the temporary keys Lambda hands out (ASIA…), and the same in every run.
 */
export function functionCredentials(functionName: string): FunctionCredentials {
  const digest = createHash("sha256").update(functionName).digest("hex").toUpperCase();
  return { accessKeyId: `ASIA${digest.slice(0, 16)}`, secretAccessKey: digest.slice(16, 56) };
}

export interface LocalPipeline {
  /** The program as the mocked build declared it, which the topology was read from. */
  program: MockedProgram;
  topology: PipelineTopology;
  emulators: PipelineEmulators;
  provisioned: ProvisionedCloud;
  functions: Record<StageName, LocalFunction>;
  /** What each function signs its calls with. */
  credentials: Record<StageName, FunctionCredentials>;
  invoker: AsyncInvoker;
  /** With `traces`: the daemon stand-in and the segment documents it received. */
  traces?: XRayDaemon;
  /** <localRoot>/<stack> */
  stackDir: string;
  /** Fires the ingestion schedule's target with an EventBridge scheduled event, asynchronously. */
  fireScheduledEvent(time?: Date): void;
  /** Fires the schedule that invokes `stage`'s function, as EventBridge would at `time`. */
  fireSchedule(stage: StageName, time: Date): void;
  /** Runs `work` with S3 notifications held back: objects it stores notify no function (restoring a saved state). */
  withoutS3Events<T>(work: () => Promise<T>): Promise<T>;
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** The event EventBridge delivers for a schedule firing at `time`. */
function scheduledEvent(topology: PipelineTopology, schedule: DeclaredSchedule, time: Date): Record<string, unknown> {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: topology.accountId,
    time: time.toISOString().replace(/\.\d{3}Z$/, "Z"),
    region: topology.region,
    resources: [schedule.ruleArn],
    detail: {},
  };
}

export async function startLocalPipeline(options: LocalPipelineOptions): Promise<LocalPipeline> {
  const localRoot = options.localRoot ?? DEFAULT_LOCAL_ROOT;
  const stackDir = path.join(localRoot, options.stack);
  const program = await buildMockedProgram({ stack: options.stack, ...(options.config ? { config: options.config } : {}) });
  options.onBuilt?.();
  const topology = topologyOf(program);
  const nodeBinaries = Object.fromEntries(STAGES.map((stage) => [stage, locateNodeRuntime(topology.functions[stage].pkg.runtime)]));
  const sdkModulePath = prepareSdkModulePath(localRoot);
  const bootstrapJs = prepareBootstrap(localRoot);

  // The task roots live outside the project, as /var/task does: a module lookup from there can
  // only reach the package's own node_modules and NODE_PATH, never the project's node_modules.
  const taskRootParent = fs.mkdtempSync(path.join(os.tmpdir(), "flight-data-lambda-"));
  const cleanups: Array<() => Promise<void> | void> = [() => fs.rmSync(taskRootParent, { recursive: true, force: true })];
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };

  try {
    const taskRoots = {} as Record<StageName, string>;
    for (const stage of STAGES) {
      const declared = topology.functions[stage];
      const packageDir = path.join(stackDir, "packages", declared.name);
      writeFunctionPackage(declared.pkg, packageDir);
      taskRoots[stage] = path.join(taskRootParent, declared.name);
      fs.cpSync(packageDir, taskRoots[stage], { recursive: true });
    }

    const emulators = await startEmulators({
      services: options.openSky === "live" ? SERVICES.filter((service) => service !== "opensky") : SERVICES,
      opensky: { clients: openSkyClientsOf(topology) },
      ...(options.faultInjection ? { faultInjection: true } : {}),
    });
    cleanups.push(() => emulators.stop());
    const traces = options.traces ? await startXRayDaemon() : undefined;
    if (traces) cleanups.push(() => traces.stop());
    const provisioned = await provision(topology, {
      s3: emulators.s3,
      secretsManager: emulators.secretsManager,
      clients: { dynamodb: emulators.clients.dynamodb, sqs: emulators.clients.sqs, sns: emulators.clients.sns },
    });

    const translation = new Map(provisioned.arnTranslation);
    if (options.openSky === "stand-in") {
      const ingestionEnvironment = topology.functions.ingestion.pkg.environment;
      if (ingestionEnvironment.OPENSKY_API_URL) translation.set(ingestionEnvironment.OPENSKY_API_URL, emulators.opensky.apiUrl);
      if (ingestionEnvironment.OPENSKY_TOKEN_URL) translation.set(ingestionEnvironment.OPENSKY_TOKEN_URL, emulators.opensky.tokenUrl);
    }

    const onLog = options.onLog ?? (() => undefined);
    const functions = {} as Record<StageName, LocalFunction>;
    const credentials = {} as Record<StageName, FunctionCredentials>;
    const targets = new Map<string, AsyncTarget>();
    for (const stage of STAGES) {
      const declared = topology.functions[stage];
      credentials[stage] = functionCredentials(declared.name);
      const runtime = new LocalFunction({
        functionName: declared.name,
        functionArn: declared.arn,
        nodeBinary: nodeBinaries[stage] as string,
        bootstrapJs,
        taskRoot: taskRoots[stage],
        memorySizeMb: declared.pkg.memorySize,
        timeoutSeconds: declared.pkg.timeout,
        environment: lambdaEnvironment(declared, {
          region: topology.region,
          nodeBinary: nodeBinaries[stage] as string,
          taskRoot: taskRoots[stage],
          sdkModulePath,
          awsEnvironment: {
            ...emulators.awsEnvironment(),
            AWS_ACCESS_KEY_ID: credentials[stage].accessKeyId,
            AWS_SECRET_ACCESS_KEY: credentials[stage].secretAccessKey,
          },
          translation,
          ...(traces ? { xrayDaemonAddress: traces.address } : {}),
        }),
        maxConcurrency: declared.reservedConcurrency ?? UNRESERVED_CONCURRENCY_CAP,
        logging: declared.logging,
        sampled: traces !== undefined && declared.tracingActive,
        onLog,
      });
      functions[stage] = runtime;
      targets.set(declared.name, { declared, runtime });
      cleanups.push(() => runtime.stop());
    }

    // Lambda sends a failure record to the destination with the function's own role, so it goes
    // out with the function's credentials, through the fault proxy when there is one.
    const destinationClients = new Map<string, SQSClient>();
    cleanups.push(() => destinationClients.forEach((client) => client.destroy()));
    const destinationClientOf = (declared: DeclaredFunction): SQSClient => {
      let client = destinationClients.get(declared.name);
      if (client === undefined) {
        const endpoint = emulators.faults.snsSqs?.endpoint ?? emulators.snsSqs.endpoint;
        client = sqsClientFor(endpoint, { credentials: credentials[declared.stage], customUserAgent: FAILURE_DESTINATION_USER_AGENT });
        destinationClients.set(declared.name, client);
      }
      return client;
    };
    const invoker = new AsyncInvoker({
      targets,
      retryDelayMs: options.retryDelayMs ?? 200,
      onAttempt: options.onAttempt ?? (() => undefined),
      onHarnessError: options.onHarnessError ?? ((error) => process.stderr.write(`local harness: ${error.message}\n`)),
      async sendFailureRecord(declared, record) {
        const destinationArn = declared.onFailureDestinationArn as string;
        const queueUrl = provisioned.queueUrls.get(destinationArn);
        if (!queueUrl)
          throw new Error(`on-failure destination ${destinationArn} is not an SQS queue the program declares; the local run delivers only to those`);
        await destinationClientOf(declared).send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(record) }));
      },
    });
    let s3EventsHeld = false;
    if (options.routeS3Events ?? true) {
      const deliveries = options.s3EventDeliveries ?? 1;
      cleanups.push(
        emulators.s3.onEvent((event) =>
          s3EventsHeld
            ? undefined
            : routeS3Event(topology.notifications, event, (name, routed) => {
                for (let delivery = 0; delivery < deliveries; delivery++) invoker.invoke(name, routed);
              }),
        ),
      );
    }

    let stopping: Promise<void> | undefined;
    return {
      program,
      topology,
      emulators,
      provisioned,
      functions,
      credentials,
      invoker,
      ...(traces ? { traces } : {}),
      stackDir,
      fireScheduledEvent(time = new Date()) {
        const schedule = topology.schedule;
        if (!schedule) throw new Error(`stack ${options.stack} declares no ingestion schedule (enableScheduledIngestion is off)`);
        invoker.invoke(schedule.functionName, scheduledEvent(topology, schedule, time));
      },
      fireSchedule(stage, time) {
        const name = topology.functions[stage].name;
        const schedule = topology.schedules.find((candidate) => candidate.functionName === name);
        if (!schedule) throw new Error(`stack ${options.stack} declares no schedule for the ${stage} function`);
        invoker.invoke(schedule.functionName, scheduledEvent(topology, schedule, time));
      },
      async withoutS3Events(work) {
        s3EventsHeld = true;
        try {
          return await work();
        } finally {
          s3EventsHeld = false;
        }
      },
      idle: () => invoker.idle(),
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
