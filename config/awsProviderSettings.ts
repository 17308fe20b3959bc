/**
 * The stack's `aws:*` settings as arguments of the program's explicit AWS provider. An explicit
 * provider reads none of the stack's `aws:` configuration by itself, so every setting the default
 * provider would honour (assumeRoles, endpoints, skipMetadataApiCheck, profile, …) is copied here;
 * a key the provider does not have is an error rather than a setting silently dropped.
 */
import type * as aws from "@pulumi/aws";
import { ConfigError } from "./configReader";

type Kind = "string" | "boolean" | "number" | "json";

/**
 * Every argument of aws.Provider with the type its configuration value holds. Typed against
 * ProviderArgs, so a provider upgrade that adds or removes one fails the type-check here.
 */
const PROVIDER_SETTINGS: Record<keyof aws.ProviderArgs, Kind> = {
  accessKey: "string",
  allowedAccountIds: "json",
  assumeRoleWithWebIdentity: "json",
  assumeRoles: "json",
  customCaBundle: "string",
  defaultTags: "json",
  ec2MetadataServiceEndpoint: "string",
  ec2MetadataServiceEndpointMode: "string",
  endpoints: "json",
  forbiddenAccountIds: "json",
  httpProxy: "string",
  httpsProxy: "string",
  ignoreTags: "json",
  insecure: "boolean",
  maxRetries: "number",
  noProxy: "string",
  profile: "string",
  region: "string",
  retryMode: "string",
  s3UsEast1RegionalEndpoint: "string",
  s3UsePathStyle: "boolean",
  secretKey: "string",
  sharedConfigFiles: "json",
  sharedCredentialsFiles: "json",
  skipCredentialsValidation: "boolean",
  skipMetadataApiCheck: "boolean",
  skipRegionValidation: "boolean",
  skipRequestingAccountId: "boolean",
  stsRegion: "string",
  tagPolicyCompliance: "string",
  token: "string",
  tokenBucketRateLimiterCapacity: "number",
  useDualstackEndpoint: "boolean",
  useFipsEndpoint: "boolean",
  userAgents: "json",
};

const NAMESPACE = "aws:";

/** Keys whose values never appear in a message. */
const SECRET_SETTINGS = new Set(["accessKey", "secretKey", "token"]);

/**
 * Provider arguments from the stack's configuration as the CLI passes it (every value a string;
 * structured ones as JSON), with `tags` merged over the stack's own `aws:defaultTags`.
 */
export function awsProviderArgs(allConfig: Record<string, string>, tags: Record<string, string>): aws.ProviderArgs {
  const args: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [qualified, raw] of Object.entries(allConfig)) {
    if (!qualified.startsWith(NAMESPACE)) continue;
    const key = qualified.slice(NAMESPACE.length);
    const kind = (PROVIDER_SETTINGS as Record<string, Kind | undefined>)[key];
    const shown = SECRET_SETTINGS.has(key) ? "[secret]" : JSON.stringify(raw);
    if (kind === undefined) {
      problems.push(
        `${qualified} = ${shown}: is not a setting of the AWS provider (misspelt?); see https://www.pulumi.com/registry/packages/aws/installation-configuration/`,
      );
      continue;
    }
    const value = parse(raw, kind);
    if (value === undefined) problems.push(`${qualified} = ${shown}: must be ${kind === "json" ? "a list or an object (JSON)" : `a ${kind}`}`);
    else args[key] = value;
  }
  if (typeof args.region !== "string") problems.push(`${NAMESPACE}region is required: pulumi config set aws:region <region>, e.g. us-east-1`);
  if (problems.length > 0) throw new ConfigError(problems);

  const stackTags = (args.defaultTags as { tags?: Record<string, string> } | undefined)?.tags ?? {};
  return { ...args, defaultTags: { tags: { ...stackTags, ...tags } } } as aws.ProviderArgs;
}

function parse(raw: string, kind: Kind): unknown {
  switch (kind) {
    case "string":
      return raw;
    case "boolean":
      return raw === "true" ? true : raw === "false" ? false : undefined;
    case "number": {
      const n = raw.trim() === "" ? NaN : Number(raw);
      return Number.isFinite(n) ? n : undefined;
    }
    case "json":
      try {
        const value: unknown = JSON.parse(raw);
        return value !== null && typeof value === "object" ? value : undefined;
      } catch {
        return undefined;
      }
  }
}
