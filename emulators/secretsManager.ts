/**
 * Secrets Manager GetSecretValue on loopback, in AWS JSON 1.1 as @aws-sdk/client-secrets-manager
 * sends it. Secrets are found by name or by the ARN the stand-in gives them, as AWS does.
 */
import { randomUUID } from "crypto";
import type * as http from "http";
import { EMULATOR_REGION } from "./clients";
import { type LoopbackServer, readBody, sendJson, startLoopbackServer } from "./loopbackServer";

export const GET_SECRET_VALUE_TARGET = "secretsmanager.GetSecretValue";
const ACCOUNT_ID = "000000000000";
const JSON_1_1 = "application/x-amz-json-1.1";

export interface SecretsManagerEmulator extends LoopbackServer {
  /** Stores (or replaces) a secret string and returns its ARN. */
  putSecret(name: string, secretString: string): string;
  /** SecretIds asked for, in order. */
  readonly requests: readonly string[];
}

interface StoredSecret {
  name: string;
  arn: string;
  versionId: string;
  secretString: string;
  createdDate: number;
}

export async function startSecretsManagerEmulator(seed: Record<string, string> = {}): Promise<SecretsManagerEmulator> {
  const secrets = new Map<string, StoredSecret>();
  const requests: string[] = [];

  const putSecret = (name: string, secretString: string): string => {
    // AWS appends six random characters to a secret's ARN.
    const arn = `arn:aws:secretsmanager:${EMULATOR_REGION}:${ACCOUNT_ID}:secret:${name}-${randomUUID().slice(0, 6)}`;
    const secret = { name, arn, versionId: randomUUID(), secretString, createdDate: Date.now() / 1000 };
    for (const [id, existing] of secrets) if (existing.name === name) secrets.delete(id);
    secrets.set(name, secret);
    secrets.set(arn, secret);
    return arn;
  };
  for (const [name, value] of Object.entries(seed)) putSecret(name, value);

  const fail = (response: http.ServerResponse, status: number, type: string, message: string): void =>
    sendJson(response, status, { __type: type, message }, {}, JSON_1_1);

  const server = await startLoopbackServer(async (request, response) => {
    const body = await readBody(request);
    if (!String(request.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256 ")) {
      fail(response, 400, "MissingAuthenticationTokenException", "Missing Authentication Token");
      return;
    }
    if (request.headers["x-amz-target"] !== GET_SECRET_VALUE_TARGET) {
      fail(response, 400, "UnknownOperationException", `This stand-in only serves ${GET_SECRET_VALUE_TARGET}`);
      return;
    }
    let secretId: unknown;
    try {
      secretId = (JSON.parse(body.toString("utf8")) as { SecretId?: unknown }).SecretId;
    } catch {
      fail(response, 400, "SerializationException", "Request body is not valid JSON");
      return;
    }
    if (typeof secretId !== "string" || secretId === "") {
      fail(response, 400, "InvalidParameterException", "You must specify a SecretId.");
      return;
    }
    requests.push(secretId);
    const secret = secrets.get(secretId);
    if (!secret) {
      fail(response, 400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
      return;
    }
    sendJson(
      response,
      200,
      {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: secret.versionId,
        SecretString: secret.secretString,
        VersionStages: ["AWSCURRENT"],
        CreatedDate: secret.createdDate,
      },
      {},
      JSON_1_1,
    );
  });

  return { ...server, putSecret, requests };
}
