import { PolicyConfigSchema } from "@pulumi/policy";

/**
 * The rule's configuration with its schema defaults filled in. The CLI sends the defaults along
 * with the user's configuration; filling them in here as well keeps a rule working when the
 * analyzer was never configured (an older CLI, a direct gRPC client).
 */
export function configWithDefaults<T extends object>(args: { getConfig<C extends object>(): C }, schema: PolicyConfigSchema): T {
  const defaults: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema.properties)) {
    if (typeof property === "object" && property.default !== undefined) defaults[key] = property.default;
  }
  return { ...defaults, ...args.getConfig<Record<string, unknown>>() } as T;
}
