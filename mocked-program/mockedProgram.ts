/**
 * Builds the Pulumi program under Pulumi's mocks for one stack, the way `pulumi preview` would
 * run it (Pulumi.yaml defaults merged with Pulumi.<stack>.yaml, as the CLI passes them), and hands
 * back every resource with its inputs, parent and dependencies, the stack outputs, and each
 * function's deployment package. Unit tests, the offline policy check, the local run and the
 * benchmarks all build the program through here.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { parse as parseYaml } from "yaml";
import { mockCall, mockResourceState, MOCK_ACCOUNT_ID, type MockWorld } from "./mockCloud";
import { functionPackageFromArchive, type FunctionPackage } from "./functionPackage";

export { MOCK_ACCOUNT_ID };

export interface MockedResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  /** Inputs as the provider receives them: outputs resolved, secrets unwrapped. */
  inputs: Record<string, any>;
  /** What the mocked provider answered (inputs plus computed ids and ARNs). */
  state: Record<string, any>;
  parent?: string;
  /** URNs this resource depends on: its dependsOn and the resources its inputs came from. */
  dependencies: string[];
  provider?: string;
}

export interface MockedProgram {
  stack: string;
  project: string;
  region: string;
  resources: MockedResource[];
  outputs: Record<string, unknown>;
  /** Each function's package keyed by physical function name. */
  functionPackages: Record<string, FunctionPackage>;
  /** Warnings the program logged (pulumi.log.warn), which `pulumi preview` would print. */
  warnings: string[];
}

export interface MockedProgramOptions {
  stack: string;
  /** Keys (without the project prefix for this project's keys) that override the stack file. */
  config?: Record<string, unknown>;
  /** Replaces the real program, e.g. with a deliberately broken variant. */
  program?: () => unknown;
  /** Version each function's `live` alias served before this deployment; unset: first deployment. */
  liveAliasVersions?: Record<string, string>;
  /** Version the mocked Lambda publishes (default "1"). */
  publishedVersion?: string;
  projectDir?: string;
}

const PROJECT_DIR = path.resolve(__dirname, "..");

/**
 * Secrets a stack expects its user to set with `pulumi config set --secret` (so no stack file in
 * the repository holds them). Mocked builds cannot decrypt anyway; they stand in these values
 * where the stack has none, so prod builds as a user's configured prod would.
 */
export const MOCKED_SECRETS: Record<string, string> = { openskyClientSecret: "mocked-opensky-client-secret" };

/**
 * What a user sets for the keys a stack lists in `requiredSettings` (the committed stack file
 * leaves them to each user). Mocked builds supply these where the stack has none, so prod builds
 * as a configured prod would; they pass the same validation a real value must.
 */
export const MOCKED_REQUIRED_SETTINGS: Record<string, string> = {
  errorNotificationEmail: "pipeline-oncall@flightdata-ops.net",
  "opensky.clientId": "local-run-api-client",
};

/** The stack's configuration as the CLI would hand it to the program. */
export function stackConfiguration(stack: string, projectDir = PROJECT_DIR, overrides: Record<string, unknown> = {}) {
  const project = readYaml(path.join(projectDir, "Pulumi.yaml"));
  const projectName: string = project.name;
  const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(stackFile)) {
    throw new Error(`stack "${stack}" has no ${path.basename(stackFile)} in ${projectDir}`);
  }
  const qualify = (key: string) => (key.includes(":") ? key : `${projectName}:${key}`);
  const values: Record<string, unknown> = {};
  for (const [key, declaration] of Object.entries<any>(project.config ?? {})) {
    if (declaration && typeof declaration === "object" && "default" in declaration) values[qualify(key)] = declaration.default;
  }
  Object.assign(values, readYaml(stackFile).config ?? {});
  for (const [key, value] of Object.entries(MOCKED_SECRETS)) values[qualify(key)] ??= value;
  for (const [key, value] of Object.entries(overrides)) values[qualify(key)] = value;
  supplyRequiredSettings(values, qualify);

  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (value && typeof value === "object" && "secure" in value) {
      throw new Error(`${key} in ${path.basename(stackFile)} is encrypted; mocked builds cannot decrypt it, pass it in config overrides`);
    }
    config[key] = typeof value === "string" ? value : JSON.stringify(value);
    if (key.endsWith("Secret")) secretKeys.push(key);
  }
  return { projectName, config, secretKeys };
}

/** Sets each of the stack's `requiredSettings` that it leaves unset to its mocked value. */
function supplyRequiredSettings(values: Record<string, unknown>, qualify: (key: string) => string): void {
  const listed = values[qualify("requiredSettings")];
  const required = typeof listed === "string" ? (JSON.parse(listed) as unknown) : listed;
  if (!Array.isArray(required)) return;
  for (const setting of required) {
    const mocked = MOCKED_REQUIRED_SETTINGS[setting as string];
    if (mocked === undefined) continue;
    const [top, ...rest] = String(setting).split(".");
    if (rest.length === 0) {
      values[qualify(top)] ??= mocked;
      continue;
    }
    const current = values[qualify(top)];
    const parent = (typeof current === "string" ? JSON.parse(current) : (current ?? {})) as Record<string, unknown>;
    let node = parent;
    for (const segment of rest.slice(0, -1)) node = (node[segment] ??= {}) as Record<string, unknown>;
    node[rest[rest.length - 1]] ??= mocked;
    values[qualify(top)] = parent;
  }
}

export async function buildMockedProgram(options: MockedProgramOptions): Promise<MockedProgram> {
  const projectDir = options.projectDir ?? PROJECT_DIR;
  const { projectName, config, secretKeys } = stackConfiguration(options.stack, projectDir, options.config);
  const region = config["aws:region"] ?? "us-east-1";
  const world: MockWorld = {
    region,
    liveAliasVersions: options.liveAliasVersions ?? {},
    publishedVersion: options.publishedVersion ?? "1",
  };

  const recorded = new Map<string, MockedResource>();
  const states = new Map<string, Record<string, any>>();
  const monitor = new RecordingMonitor(
    {
      newResource: async (args) => {
        const result = mockResourceState(args, world);
        states.set(stateKey(args.type, args.name), result.state);
        return result;
      },
      call: (args) => mockCall(args, world),
    },
    recorded,
    states,
  );
  settings.setMockOptions(monitor, projectName, options.stack, false);
  pulumi.runtime.setAllConfig(config, secretKeys);

  const cwd = process.cwd();
  // Pulumi finds package.json (for the function packages) from the working directory.
  process.chdir(projectDir);
  // An error inside an apply or a registration surfaces only as an unhandled rejection; the CLI
  // fails the preview on it, so the mocked build must fail too instead of waiting forever.
  let onRejection: (reason: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    onRejection = reject;
  });
  process.on("unhandledRejection", onRejection);
  // Without an engine, pulumi.log writes to the console; the build keeps what the preview would show.
  const warnings: string[] = [];
  const consoleWarn = console.warn;
  console.warn = (...args: unknown[]) => {
    const logged = /^warning: \[runtime\] ([\s\S]*)$/.exec(args.map(String).join(" "));
    if (logged) warnings.push(logged[1]);
    else consoleWarn(...args);
  };
  try {
    return await Promise.race([failed, build()]);
  } catch (error) {
    // A program that fails after declaring resources (a check over everything it declared) leaves
    // their registrations in flight; they must land here, not in the next build's mocks.
    await Promise.race([waitForRegistrations().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    throw error;
  } finally {
    console.warn = consoleWarn;
    process.off("unhandledRejection", onRejection);
    process.chdir(cwd);
  }

  async function build(): Promise<MockedProgram> {
    const program = options.program ?? (() => require("../program").createPipeline());
    const exported = await Promise.resolve(program());
    const outputs = exported && typeof exported === "object" ? await resolveOutputs(exported) : {};
    await waitForRegistrations();

    const resources = [...recorded.values()];
    const functionPackages: Record<string, FunctionPackage> = {};
    for (const resource of resources) {
      if (resource.type === "aws:lambda/function:Function" && resource.inputs.code) {
        functionPackages[resource.inputs.name ?? resource.name] = await functionPackageFromArchive(resource.inputs.code, resource.inputs);
      }
    }
    return { stack: options.stack, project: projectName, region, resources, outputs, functionPackages, warnings };
  }
}

/** Records what the program registers, including what the stock mock monitor drops (parent, dependencies). */
class RecordingMonitor extends MockMonitor {
  constructor(
    mocks: pulumi.runtime.Mocks,
    private readonly recorded: Map<string, MockedResource>,
    private readonly states: Map<string, Record<string, any>>,
  ) {
    super(mocks);
  }

  async registerResource(req: any, callback: (err: any, response: any) => void): Promise<void> {
    await super.registerResource(req, (err: any, response: any) => {
      if (!err) {
        const urn: string = response.getUrn();
        this.recorded.set(urn, {
          urn,
          type: req.getType(),
          name: req.getName(),
          custom: req.getCustom(),
          inputs: pulumi.runtime.deserializeProperties(req.getObject()),
          state: this.states.get(stateKey(req.getType(), req.getName())) ?? {},
          parent: req.getParent() || undefined,
          dependencies: req.getDependenciesList(),
          provider: req.getProvider() || undefined,
        });
      }
      callback(err, response);
    });
  }
}

function stateKey(type: string, name: string): string {
  return `${type}\u0000${name}`;
}

async function resolveOutputs(exported: object): Promise<Record<string, unknown>> {
  const resolved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(exported)) {
    resolved[key] = await new Promise((resolve) => pulumi.output(value).apply(resolve));
  }
  return resolved;
}

/**
 * Resources register asynchronously, some only once the outputs they take resolve. The runtime's
 * own RPC queue is the one place that knows when the last of them has landed; it is internal, so
 * its absence is reported rather than silently skipped.
 */
async function waitForRegistrations(): Promise<void> {
  const wait = (settings as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
  if (typeof wait !== "function") throw new Error("@pulumi/pulumi no longer exposes runtime/settings.waitForRPCs; update mocked-program/mockedProgram.ts");
  await wait();
}

function readYaml(file: string): any {
  return parseYaml(fs.readFileSync(file, "utf8")) ?? {};
}
