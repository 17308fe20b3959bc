import {
  Policy,
  PolicyProviderResource,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  StackValidationArgs,
  unknownCheckingProxy,
} from "@pulumi/policy";

/**
 * Builds the arguments the Pulumi policy engine hands to rules (see @pulumi/policy's server.js),
 * so the offline check and the tests run the pack's rules exactly as `pulumi preview
 * --policy-pack` would: the same property wrapping (secrets unwrapped, absent values dropped,
 * the unknown-checking proxy around everything), the same `isType`/`asType`, `getConfig` with the
 * policy's schema defaults, `notApplicable`, `stackTags`, and for stack rules the same linking of
 * parents and dependencies between resource objects.
 */

/** A resource as the offline check knows it: its properties and its place in the graph. */
export interface ResourceSnapshot {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** What resource rules see: the inputs, as the engine analyzes each resource before it is changed. */
  readonly inputs: Record<string, unknown>;
  /** What stack rules see, as the engine analyzes the stack after the preview or update; defaults to the inputs. */
  readonly outputs?: Record<string, unknown>;
  readonly parent?: string;
  readonly dependencies?: readonly string[];
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
  /** The provider reference, `<provider urn>::<provider id>`. */
  readonly provider?: string;
}

export interface EngineContext {
  /** Per-policy configuration as a user would give it with `--policy-pack-config`. */
  readonly policyConfig?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly stackTags?: ReadonlyMap<string, string>;
}

/** Thrown by `notApplicable`, as the engine's own (unexported) NotApplicableError is. */
export class NotApplicable extends Error {
  constructor(readonly reason?: string) {
    super(reason ?? "Policy does not apply");
  }
}

export function resourceValidationArgs(
  resource: ResourceSnapshot,
  all: readonly ResourceSnapshot[],
  policy: Policy,
  context: EngineContext,
): ResourceValidationArgs {
  const props = engineProps(resource.inputs);
  const args: ResourceValidationArgs = {
    type: resource.type,
    props,
    urn: resource.urn,
    name: resource.name,
    opts: resourceOptions(resource),
    stackTags: context.stackTags ?? new Map(),
    isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
    asType: (resourceClass) => (isTypeOf(resource.type, resourceClass) ? (props as never) : undefined),
    getConfig: <T extends object>() => policyConfig(policy, context) as T,
    notApplicable: throwNotApplicable,
  };
  const provider = providerOf(resource, all);
  if (provider !== undefined) args.provider = provider;
  return args;
}

export function stackValidationArgs(resources: readonly ResourceSnapshot[], policy: Policy, context: EngineContext): StackValidationArgs {
  const byUrn = new Map<string, PolicyResource>();
  const policyResources = resources.map((snapshot) => {
    const props = engineProps(snapshot.outputs ?? snapshot.inputs);
    const resource: PolicyResource = {
      type: snapshot.type,
      props,
      urn: snapshot.urn,
      name: snapshot.name,
      opts: resourceOptions(snapshot),
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass) => isTypeOf(snapshot.type, resourceClass),
      asType: (resourceClass) => (isTypeOf(snapshot.type, resourceClass) ? (props as never) : undefined),
    };
    const provider = providerOf(snapshot, resources);
    if (provider !== undefined) resource.provider = provider;
    byUrn.set(snapshot.urn, resource);
    return resource;
  });
  // Like the engine, references to resources outside the set are dropped.
  const resolve = (urns: readonly string[]) => urns.map((urn) => byUrn.get(urn)).filter((r): r is PolicyResource => r !== undefined);
  resources.forEach((snapshot, index) => {
    const resource = policyResources[index];
    const parent = snapshot.parent === undefined ? undefined : byUrn.get(snapshot.parent);
    if (parent !== undefined) resource.parent = parent;
    resource.dependencies = resolve(snapshot.dependencies ?? []);
    for (const [input, urns] of Object.entries(snapshot.propertyDependencies ?? {})) {
      resource.propertyDependencies[input] = resolve(urns);
    }
  });
  return {
    resources: policyResources,
    stackTags: context.stackTags ?? new Map(),
    getConfig: <T extends object>() => policyConfig(policy, context) as T,
    notApplicable: throwNotApplicable,
  };
}

/** The level the engine applies: configured, else the policy's own, else the pack default (advisory). */
export function enforcementLevelOf(policy: Policy, context: EngineContext): NonNullable<Policy["enforcementLevel"]> {
  const configured = context.policyConfig?.[policy.name]?.enforcementLevel;
  const level = typeof configured === "string" ? (configured as Policy["enforcementLevel"]) : policy.enforcementLevel;
  return level ?? "advisory";
}

function throwNotApplicable(reason?: string): never {
  throw new NotApplicable(reason);
}

/** The schema's defaults overlaid with the configured values, without enforcementLevel. */
function policyConfig(policy: Policy, context: EngineContext): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
    if (typeof schema === "object" && schema.default !== undefined) defaults[key] = structuredClone(schema.default);
  }
  const { enforcementLevel: _ignored, ...configured } = context.policyConfig?.[policy.name] ?? {};
  return { ...defaults, ...configured };
}

/** Fresh, proxied properties for every call, as the engine deserializes them anew for each rule. */
function engineProps(props: Record<string, unknown>): Record<string, any> {
  return unknownCheckingProxy(plainValue(props) as Record<string, unknown>);
}

const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

/** Secrets become their plain value and absent values disappear, as in the engine's deserializer. */
function plainValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainValue);
  if (!isPlainObject(value)) return value;
  if (value[SIGNATURE_KEY] === SECRET_SIGNATURE) return plainValue(value.value);
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner !== undefined) result[key] = plainValue(inner);
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
  const pulumiType = (resourceClass as { __pulumiType?: unknown }).__pulumiType;
  if (typeof pulumiType === "string" && pulumiType !== "") return pulumiType === type;
  const isInstance = (resourceClass as { isInstance?: unknown }).isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

function resourceOptions(resource: ResourceSnapshot): PolicyResourceOptions {
  const options: PolicyResourceOptions = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
  };
  if (resource.parent !== undefined) options.parent = resource.parent;
  return options;
}

function providerOf(resource: ResourceSnapshot, all: readonly ResourceSnapshot[]): PolicyProviderResource | undefined {
  if (resource.provider === undefined) return undefined;
  const providerUrn = resource.provider.split("::").slice(0, -1).join("::");
  const provider = all.find((candidate) => candidate.urn === providerUrn);
  if (provider === undefined) return undefined;
  return { type: provider.type, props: engineProps(provider.inputs), urn: provider.urn, name: provider.name };
}
