import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, parseStackConfig, type StackConfig } from "./stackConfig";

export interface LoadedStackConfig {
  stack: string;
  config: StackConfig;
  /** The OpenSky client secret, kept secret end to end; undefined means anonymous access. */
  openskyClientSecret?: pulumi.Output<string>;
}

/**
 * Reads this project's keys from the running stack's configuration (Pulumi.yaml defaults merged
 * with Pulumi.<stack>.yaml, as the CLI sets them) and checks them. A bad value throws, which fails
 * `pulumi preview` with every problem listed.
 */
export function loadStackConfig(): LoadedStackConfig {
  const stack = pulumi.getStack();
  const prefix = `${CONFIG_NAMESPACE}:`;
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = value;
  }
  const config = parseStackConfig(raw, { stack });
  const secret = new pulumi.Config(CONFIG_NAMESPACE).getSecret("openskyClientSecret");
  return { stack, config, openskyClientSecret: secret };
}
