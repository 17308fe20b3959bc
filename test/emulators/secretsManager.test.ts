import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { expect } from "chai";
import { type RunningEmulators, startEmulators } from "../../emulators";

describe("Secrets Manager emulator", () => {
  let emulators: RunningEmulators<"secretsManager">;

  before(async () => {
    emulators = await startEmulators({ services: ["secretsManager"], secrets: { "opensky/client": '{"clientId":"a"}' } });
  });
  after(() => emulators.stop());

  it("returns a seeded secret by name and by the ARN it was given", async () => {
    const { secretsManager } = emulators.clients;
    const byName = await secretsManager.send(new GetSecretValueCommand({ SecretId: "opensky/client" }));
    expect(byName.SecretString).to.equal('{"clientId":"a"}');
    expect(byName.ARN).to.match(/^arn:aws:secretsmanager:us-east-1:\d{12}:secret:opensky\/client-.{6}$/);
    const byArn = await secretsManager.send(new GetSecretValueCommand({ SecretId: byName.ARN }));
    expect(byArn.Name).to.equal("opensky/client");
    expect(byArn.VersionStages).to.deep.equal(["AWSCURRENT"]);
  });

  it("answers ResourceNotFoundException for an unknown secret", async () => {
    const error = await emulators.clients.secretsManager.send(new GetSecretValueCommand({ SecretId: "missing" })).then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    expect(error?.name).to.equal("ResourceNotFoundException");
    expect(error?.message).to.equal("Secrets Manager can't find the specified secret.");
  });

  it("serves a secret stored after start, replacing an older value", async () => {
    emulators.secretsManager.putSecret("rotated", "v1");
    const arn = emulators.secretsManager.putSecret("rotated", "v2");
    const value = await emulators.clients.secretsManager.send(new GetSecretValueCommand({ SecretId: arn }));
    expect(value.SecretString).to.equal("v2");
  });
});
