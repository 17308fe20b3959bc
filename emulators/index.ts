/**
 * Starts the emulators a test or the local run needs, hands out SDK clients pointed at them, and
 * stops everything together.
 *
 *   const emulators = await startEmulators({ services: ["s3", "dynamodb", "cloudwatch"] });
 *   await emulators.clients.s3.send(...);
 *   await emulators.stop();
 */
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { SQSClient } from "@aws-sdk/client-sqs";
import {
  cloudWatchClientFor,
  dynamoDbClientFor,
  EMULATOR_CREDENTIALS,
  EMULATOR_REGION,
  s3ClientFor,
  secretsManagerClientFor,
  snsClientFor,
  sqsClientFor,
} from "./clients";
import { type CloudWatchEmulator, type CloudWatchEmulatorOptions, startCloudWatchEmulator } from "./cloudwatch";
import { type DynamoDbEmulator, startDynamoDbEmulator } from "./dynamodb";
import { type FaultProxy, startFaultProxy } from "./faultProxy";
import { type OpenSkyEmulator, type OpenSkyEmulatorOptions, startOpenSkyEmulator } from "./opensky";
import { type S3Emulator, type S3EmulatorOptions, startS3Emulator } from "./s3";
import { type SecretsManagerEmulator, startSecretsManagerEmulator } from "./secretsManager";
import { type SnsSqsEmulator, startSnsSqsEmulator } from "./snsSqs";

export * from "./clients";
export { type CloudWatchEmulator, type RecordedMetric, startCloudWatchEmulator } from "./cloudwatch";
export { createTrackingTable, type DynamoDbEmulator, startDynamoDbEmulator } from "./dynamodb";
export {
  accessKeyIdOf,
  awsErrors,
  type Fault,
  type FaultProxy,
  type FaultRule,
  operationOf,
  type ProxiedExchange,
  type ProxiedRequest,
  startFaultProxy,
} from "./faultProxy";
export { type OpenSkyEmulator, openSkyFailures, type ScriptedResponse, startOpenSkyEmulator } from "./opensky";
export { type S3Emulator, startS3Emulator } from "./s3";
export { type SecretsManagerEmulator, startSecretsManagerEmulator } from "./secretsManager";
export { type SegmentDocument, startXRayDaemon, type XRayDaemon } from "./xrayDaemon";
export { createTopicWithQueue, drainQueue, parseSnsEnvelope, type SnsEnvelope, type SnsSqsEmulator, type SubscribedQueue, startSnsSqsEmulator } from "./snsSqs";

interface Emulators {
  s3: S3Emulator;
  dynamodb: DynamoDbEmulator;
  snsSqs: SnsSqsEmulator;
  cloudwatch: CloudWatchEmulator;
  secretsManager: SecretsManagerEmulator;
  opensky: OpenSkyEmulator;
}
export type EmulatedService = keyof Emulators;

interface ClientsByService {
  s3: { s3: S3Client };
  dynamodb: { dynamodb: DynamoDBClient };
  snsSqs: { sns: SNSClient; sqs: SQSClient };
  cloudwatch: { cloudwatch: CloudWatchClient };
  secretsManager: { secretsManager: SecretsManagerClient };
  opensky: Record<never, never>;
}

type UnionToIntersection<U> = (U extends unknown ? (union: U) => void : never) extends (intersection: infer I) => void ? I : never;
export type EmulatorClients<S extends EmulatedService> = UnionToIntersection<ClientsByService[S]>;

export interface StartEmulatorsOptions<S extends EmulatedService> {
  services: readonly S[];
  s3?: S3EmulatorOptions;
  cloudwatch?: CloudWatchEmulatorOptions;
  opensky?: OpenSkyEmulatorOptions;
  /** name → secret string */
  secrets?: Record<string, string>;
  /**
   * Puts a fault-injection proxy (faultProxy.ts) in front of each AWS stand-in. `awsEnvironment()`
   * then points functions at the proxies, while `clients` still talk to the stand-ins directly,
   * so a test can check what really happened whatever it injected.
   */
  faultInjection?: boolean;
}

/** The AWS stand-ins a fault proxy can stand in front of. */
export type ProxiedService = Exclude<EmulatedService, "opensky">;

export type RunningEmulators<S extends EmulatedService> = Pick<Emulators, S> & {
  clients: EmulatorClients<S>;
  /** With `faultInjection`: the proxy in front of each started AWS stand-in. */
  faults: Partial<Record<ProxiedService, FaultProxy>>;
  /**
   * The variables that point an SDK client built with no options (as a handler's
   * `…FromEnvironment` builds them) at these emulators.
   */
  awsEnvironment(): Record<string, string>;
  stop(): Promise<void>;
};

/** The AWS_ENDPOINT_URL_<SERVICE> suffix per emulator: the SDK's service id, upper-cased. */
const ENDPOINT_VARIABLES: Record<EmulatedService, readonly string[]> = {
  s3: ["S3"],
  dynamodb: ["DYNAMODB"],
  snsSqs: ["SNS", "SQS"],
  cloudwatch: ["CLOUDWATCH"],
  secretsManager: ["SECRETS_MANAGER"],
  opensky: [],
};

export async function startEmulators<S extends EmulatedService>(options: StartEmulatorsOptions<S>): Promise<RunningEmulators<S>> {
  const starters: { [K in EmulatedService]: () => Promise<Emulators[K]> } = {
    s3: () => startS3Emulator(options.s3),
    dynamodb: () => startDynamoDbEmulator(),
    snsSqs: () => startSnsSqsEmulator(),
    cloudwatch: () => startCloudWatchEmulator(options.cloudwatch),
    secretsManager: () => startSecretsManagerEmulator(options.secrets),
    opensky: () => startOpenSkyEmulator(options.opensky),
  };
  const services = [...new Set(options.services)];
  const started = await Promise.allSettled(services.map((service) => starters[service]()));
  const running = new Map<EmulatedService, Emulators[EmulatedService]>();
  started.forEach((result, index) => {
    if (result.status === "fulfilled") running.set(services[index] as EmulatedService, result.value);
  });

  const clients: Record<string, { destroy(): void }> = {};
  const faults: Partial<Record<ProxiedService, FaultProxy>> = {};
  const stop = async (): Promise<void> => {
    for (const client of Object.values(clients)) client.destroy();
    await Promise.all(Object.values(faults).map((proxy) => proxy.stop()));
    await Promise.all([...running.values()].map((emulator) => emulator.stop()));
  };

  const failure = started.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failure) {
    await stop();
    throw failure.reason;
  }

  const endpointOf = (service: EmulatedService): string => (running.get(service) as Emulators[EmulatedService]).endpoint;
  if (options.faultInjection) {
    for (const service of running.keys()) {
      if (service !== "opensky") faults[service] = await startFaultProxy(endpointOf(service));
    }
  }
  if (running.has("s3")) clients.s3 = s3ClientFor(endpointOf("s3"));
  if (running.has("dynamodb")) clients.dynamodb = dynamoDbClientFor(endpointOf("dynamodb"));
  if (running.has("snsSqs")) {
    clients.sns = snsClientFor(endpointOf("snsSqs"));
    clients.sqs = sqsClientFor(endpointOf("snsSqs"));
  }
  if (running.has("cloudwatch")) clients.cloudwatch = cloudWatchClientFor(endpointOf("cloudwatch"));
  if (running.has("secretsManager")) clients.secretsManager = secretsManagerClientFor(endpointOf("secretsManager"));

  const awsEnvironment = (): Record<string, string> => {
    const environment: Record<string, string> = {
      AWS_REGION: EMULATOR_REGION,
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    };
    for (const [service, emulator] of running) {
      const endpoint = service === "opensky" ? emulator.endpoint : (faults[service]?.endpoint ?? emulator.endpoint);
      for (const suffix of ENDPOINT_VARIABLES[service]) environment[`AWS_ENDPOINT_URL_${suffix}`] = endpoint;
    }
    return environment;
  };

  return {
    ...(Object.fromEntries(running) as Pick<Emulators, S>),
    clients: clients as unknown as EmulatorClients<S>,
    faults,
    awsEnvironment,
    stop,
  };
}
