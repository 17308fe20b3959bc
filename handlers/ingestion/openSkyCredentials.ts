/**
 * The OpenSky API client's credentials, kept in Secrets Manager as {"clientId", "clientSecret"}
 * and read once per container. Error messages name the secret and what was wrong with it, never
 * its value.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

export interface OpenSkyCredentials {
  clientId: string;
  clientSecret: string;
}

/** Resolves to undefined for anonymous access. */
export type CredentialsSource = () => Promise<OpenSkyCredentials | undefined>;

export function parseCredentialsSecret(secretString: string, secretId: string): OpenSkyCredentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw new Error(`secret ${secretId} is not JSON: expected {"clientId": "…", "clientSecret": "…"}`);
  }
  const { clientId, clientSecret } = (parsed ?? {}) as { clientId?: unknown; clientSecret?: unknown };
  const problems = [
    typeof clientId === "string" && clientId !== "" ? undefined : "clientId",
    typeof clientSecret === "string" && clientSecret !== "" ? undefined : "clientSecret",
  ].filter((name) => name !== undefined);
  if (problems.length > 0) {
    throw new Error(`secret ${secretId} lacks a non-empty string ${problems.join(" and ")}: expected {"clientId": "…", "clientSecret": "…"}`);
  }
  return { clientId: clientId as string, clientSecret: clientSecret as string };
}

export function credentialsFromSecretsManager(secretsManager: SecretsManagerClient, secretId: string): CredentialsSource {
  return async () => {
    const { SecretString } = await secretsManager.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (SecretString === undefined) throw new Error(`secret ${secretId} has no SecretString (binary secrets are not supported)`);
    return parseCredentialsSecret(SecretString, secretId);
  };
}

export const anonymousAccess: CredentialsSource = async () => undefined;
