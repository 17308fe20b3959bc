import { GetObjectCommand, PutObjectCommand, S3ServiceException } from "@aws-sdk/client-s3";
import type { S3Event } from "aws-lambda";
import { expect } from "chai";
import { decodeS3EventKey } from "../../handlers/shared/s3Keys";
import { type RunningEmulators, startEmulators } from "../../emulators";
import { encodeKeyLikeS3Events } from "../../handlers/shared/s3Keys";

describe("S3 emulator (s3rver)", () => {
  let emulators: RunningEmulators<"s3">;

  before(async () => {
    emulators = await startEmulators({ services: ["s3"], s3: { buckets: ["raw-bucket"] } });
  });
  after(() => emulators.stop());

  it("stores and returns an object through the current SDK", async () => {
    const { s3 } = emulators.clients;
    await s3.send(new PutObjectCommand({ Bucket: "raw-bucket", Key: "a/b.json", Body: '{"x":1}' }));
    const read = await s3.send(new GetObjectCommand({ Bucket: "raw-bucket", Key: "a/b.json" }));
    expect(await read.Body?.transformToString()).to.equal('{"x":1}');
  });

  it("emits an ObjectCreated:Put record, key encoded as S3 encodes it, before PutObject returns", async () => {
    const received: S3Event[] = [];
    const unsubscribe = emulators.s3.onEvent((event) => received.push(event));
    const key = "raw/year=2025/month=12/day=28/hour=02/states 1+1.json";
    await emulators.clients.s3.send(new PutObjectCommand({ Bucket: "raw-bucket", Key: key, Body: "{}" }));
    unsubscribe();

    expect(received).to.have.length(1);
    const record = received[0]?.Records[0];
    expect(record?.eventName).to.equal("ObjectCreated:Put");
    expect(record?.s3.bucket.name).to.equal("raw-bucket");
    expect(record?.s3.object.key).to.equal("raw/year%3D2025/month%3D12/day%3D28/hour%3D02/states+1%2B1.json");
    expect(record?.s3.object.size).to.equal(2);
    expect(decodeS3EventKey(record?.s3.object.key ?? "")).to.equal(key);
    expect(emulators.s3.events.at(-1)).to.deep.equal(record);
  });

  it("refuses a conditional write to an existing key with 412 PreconditionFailed, as S3 does", async () => {
    const { s3 } = emulators.clients;
    const key = "conditional/once.json";
    const eventsBefore = emulators.s3.events.length;
    await s3.send(new PutObjectCommand({ Bucket: "raw-bucket", Key: key, Body: "first", IfNoneMatch: "*" }));
    const second = await s3.send(new PutObjectCommand({ Bucket: "raw-bucket", Key: key, Body: "second", IfNoneMatch: "*" })).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(second).to.be.instanceOf(S3ServiceException);
    expect((second as S3ServiceException).$metadata.httpStatusCode).to.equal(412);
    expect((second as S3ServiceException).name).to.equal("PreconditionFailed");
    const read = await s3.send(new GetObjectCommand({ Bucket: "raw-bucket", Key: key }));
    expect(await read.Body?.transformToString()).to.equal("first");
    expect(emulators.s3.events.length - eventsBefore).to.equal(1);
  });

  it("encodes keys the way S3 event notifications do", () => {
    expect(encodeKeyLikeS3Events("raw/year=2025/a b+c.json")).to.equal("raw/year%3D2025/a+b%2Bc.json");
  });
});
