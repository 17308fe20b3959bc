import { PublishCommand } from "@aws-sdk/client-sns";
import { expect } from "chai";
import { createTopicWithQueue, drainQueue, parseSnsEnvelope, type RunningEmulators, startEmulators } from "../../emulators";

describe("SNS and SQS emulator (fauxqs)", () => {
  let emulators: RunningEmulators<"snsSqs">;

  before(async () => {
    emulators = await startEmulators({ services: ["snsSqs"] });
  });
  after(() => emulators.stop());

  it("delivers a published message to the subscribed queue in SNS's envelope", async () => {
    const { sns, sqs } = emulators.clients;
    const { topicArn, queueUrl } = await createTopicWithQueue(sns, sqs, "alerts");
    await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: "quality", Message: '{"score":0.5}' }));

    const bodies = await drainQueue(sqs, queueUrl);
    expect(bodies).to.have.length(1);
    const envelope = parseSnsEnvelope(bodies[0] ?? "");
    expect(envelope.TopicArn).to.equal(topicArn);
    expect(envelope.Subject).to.equal("quality");
    expect(JSON.parse(envelope.Message)).to.deep.equal({ score: 0.5 });
    expect(await drainQueue(sqs, queueUrl)).to.deep.equal([]);
  });

  it("says what a non-SNS message is", () => {
    expect(() => parseSnsEnvelope('{"hello":1}')).to.throw(/not an SNS notification envelope: \{"hello":1\}/);
  });
});
