import {
  bucketDeniesInsecureTransport,
  bucketEncryptedWithCustomerManagedKey,
  bucketKeysEnabled,
  bucketPublicAccessBlocked,
} from "../../policies/rules/s3Buckets";
import { ResourceSnapshot } from "../../policies/offline/engineArgs";
import { ACCOUNT, expectCompliant, expectViolations, policyDocument, resource, TYPE, UNKNOWN } from "../support/policyRuleRunner";

const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/** A bucket configured the way the program's SecureBucket does it, each setting referring to the bucket by its name. */
function secureBucket(name: string, overrides: { sseAlgorithm?: string; kmsMasterKeyId?: string; bucketKeyEnabled?: boolean } = {}): ResourceSnapshot[] {
  const bucket = resource(TYPE.bucket, name, { bucket: name, forceDestroy: false });
  const refs = { dependencies: [bucket] };
  return [
    bucket,
    resource(
      TYPE.bucketEncryption,
      `${name}-encryption`,
      {
        bucket: name,
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: overrides.sseAlgorithm ?? "aws:kms", kmsMasterKeyId: overrides.kmsMasterKeyId ?? KEY_ARN },
            bucketKeyEnabled: overrides.bucketKeyEnabled ?? true,
          },
        ],
      },
      refs,
    ),
    resource(
      TYPE.bucketPublicAccessBlock,
      `${name}-public-access-block`,
      { bucket: name, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      refs,
    ),
    resource(
      TYPE.bucketPolicy,
      `${name}-policy`,
      {
        bucket: name,
        policy: policyDocument({
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }),
      },
      refs,
    ),
  ];
}

describe("policies: S3 buckets (stack rules joining buckets with their configuration)", () => {
  describe("s3-bucket-cmk-encryption", () => {
    it("accepts buckets whose encryption resources refer to them by id", () =>
      expectCompliant(bucketEncryptedWithCustomerManagedKey, [...secureBucket("raw"), ...secureBucket("processed")]));

    it("joins the deprecated V2 type names", () => {
      const bucket = resource(TYPE.bucketV2, "legacy", { bucket: "legacy" });
      const encryption = resource(TYPE.bucketEncryptionV2, "legacy-encryption", {
        bucket: "legacy",
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN } }],
      });
      return expectCompliant(bucketEncryptedWithCustomerManagedKey, [bucket, encryption]);
    });

    it("joins through the engine's property dependencies while the bucket name is unknown in a preview", () => {
      const bucket = resource(TYPE.bucket, "raw", { bucket: "raw-4c1d2e8" });
      const encryption = resource(
        TYPE.bucketEncryption,
        "raw-encryption",
        { bucket: UNKNOWN, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN } }] },
        { propertyDependencies: { bucket: [bucket] } },
      );
      return expectCompliant(bucketEncryptedWithCustomerManagedKey, [bucket, encryption]);
    });

    it("rejects a bucket without an encryption resource, one encrypted with SSE-S3, and one with the AWS-managed key", () => {
      const bare = resource(TYPE.bucket, "bare", { bucket: "bare" });
      return expectViolations(
        bucketEncryptedWithCustomerManagedKey,
        [bare, ...secureBucket("raw", { sseAlgorithm: "AES256", kmsMasterKeyId: "" }), ...secureBucket("processed", { kmsMasterKeyId: "alias/aws/s3" })],
        [
          { resource: "bare", message: /has no BucketServerSideEncryptionConfiguration/ },
          { resource: "raw", message: /not encrypted with a customer-managed KMS key \(found: AES256 without a key\)/ },
          { resource: "processed", message: /alias\/aws\/s3/ },
        ],
      );
    });

    it("does not credit a bucket with another bucket's encryption", () =>
      expectViolations(
        bucketEncryptedWithCustomerManagedKey,
        [...secureBucket("raw"), resource(TYPE.bucket, "processed", { bucket: "processed" })],
        [{ resource: "processed", message: /has no BucketServerSideEncryptionConfiguration/ }],
      ));
  });

  describe("s3-bucket-key-enabled", () => {
    it("accepts SSE-KMS with bucket keys", () => expectCompliant(bucketKeysEnabled, secureBucket("raw")));

    it("flags SSE-KMS without bucket keys, as advisory", () =>
      expectViolations(bucketKeysEnabled, secureBucket("raw", { bucketKeyEnabled: false }), [{ resource: "raw", message: /without bucket keys/ }]));
  });

  describe("s3-public-access-blocked", () => {
    it("accepts a block with all four settings", () => expectCompliant(bucketPublicAccessBlocked, secureBucket("raw")));

    it("rejects a missing block and a block with a setting off", () => {
      const [raw, rawEncryption, rawBlock, rawPolicy] = secureBucket("raw");
      const partial = { ...rawBlock, inputs: { ...rawBlock.inputs, restrictPublicBuckets: false } };
      return expectViolations(
        bucketPublicAccessBlocked,
        [raw, rawEncryption, partial, rawPolicy, resource(TYPE.bucket, "bare", { bucket: "bare" })],
        [
          { resource: "raw", message: /does not set restrictPublicBuckets to true/ },
          { resource: "bare", message: /has no BucketPublicAccessBlock/ },
        ],
      );
    });
  });

  describe("s3-deny-insecure-transport", () => {
    it("accepts a policy that denies s3:* to everyone without TLS", () => expectCompliant(bucketDeniesInsecureTransport, secureBucket("raw")));

    it("rejects a missing policy and a policy whose deny does not cover all of S3", () => {
      const [raw, rawEncryption, rawBlock] = secureBucket("raw");
      const getOnly = resource(TYPE.bucketPolicy, "raw-policy", {
        bucket: "raw",
        policy: policyDocument({
          Effect: "Deny",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::raw/*",
          Condition: { Bool: { "aws:SecureTransport": false } },
        }),
      });
      return expectViolations(
        bucketDeniesInsecureTransport,
        [raw, rawEncryption, rawBlock, getOnly, resource(TYPE.bucket, "bare", { bucket: "bare" })],
        [
          { resource: "raw", message: /no statement denying requests without TLS/ },
          { resource: "bare", message: /has no BucketPolicy/ },
        ],
      );
    });
  });
});
