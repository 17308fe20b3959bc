/**
 * The evaluator against the cases AWS documents, retold with names of our own: the IAM User
 * Guide's evaluation logic (explicit deny, identity and resource policies in one account), its
 * pages on Condition (AND/OR, missing keys, IfExists, Null, Bool, ARN operators), the set
 * operators (ForAllValues' empty-set trap), NotAction/NotResource and Resource wildcards, and the
 * KMS Developer Guide's key-access rules (the key policy must take part; the account-root statement
 * lets IAM policies decide; grants; kms:ViaService).
 */
import { expect } from "chai";
import { evaluate, type ApplicablePolicies, type AuthorizationRequest, type Decision, type KmsGrant, type RolePrincipal } from "../../tools/iam/evaluate";
import { arnMatches } from "../../tools/iam/patterns";
import { parsePolicy, PolicyLanguageError, type DocumentKind } from "../../tools/iam/policyLanguage";

const ACCOUNT = "210987654321";
const ROLE: RolePrincipal = {
  roleArn: `arn:aws:iam::${ACCOUNT}:role/archivist`,
  sessionArn: `arn:aws:sts::${ACCOUNT}:assumed-role/archivist/nightly-run`,
  account: ACCOUNT,
};

const doc = (kind: DocumentKind, ...statements: object[]) => parsePolicy(`${kind} policy`, kind, { Version: "2012-10-17", Statement: statements });
const request = (action: string, resource: string, context: Record<string, string | string[]> = {}): AuthorizationRequest => ({
  principal: ROLE,
  action,
  resource,
  context: Object.fromEntries(Object.entries(context).map(([key, value]) => [key.toLowerCase(), value])),
});
const outcome = (decision: Decision) => decision.outcome;
const sidsOf = (decision: Decision) => (decision.outcome === "implicit-deny" ? [] : decision.by.map((match) => match.statement.sid));

describe("IAM evaluation (tools/iam)", () => {
  describe("identity and resource policies in one account", () => {
    // An archivist may do anything in its own bucket, but nothing in any bucket whose name holds "log";
    // its bucket's policy lets the archivist in as well.
    const identity = doc(
      "identity",
      { Sid: "ListEverything", Effect: "Allow", Action: ["s3:ListAllMyBuckets", "s3:GetBucketLocation"], Resource: "arn:aws:s3:::*" },
      { Sid: "OwnBucket", Effect: "Allow", Action: "s3:*", Resource: ["arn:aws:s3:::archivist/*", "arn:aws:s3:::archivist"] },
      { Sid: "NoLogBuckets", Effect: "Deny", Action: "s3:*", Resource: "arn:aws:s3:::*log*" },
    );
    const bucketPolicy = doc("resource", {
      Sid: "OnlyTheArchivist",
      Effect: "Allow",
      Principal: { AWS: ROLE.roleArn },
      Action: "s3:*",
      Resource: ["arn:aws:s3:::archivist/*", "arn:aws:s3:::archivist"],
    });

    it("denies when any policy denies explicitly, whatever allows it elsewhere", () => {
      const decision = evaluate(request("s3:PutObject", "arn:aws:s3:::archivist-logs/today.txt"), { identity: [identity] });
      expect(outcome(decision)).to.equal("explicit-deny");
      expect(sidsOf(decision)).to.deep.equal(["NoLogBuckets"]);
    });

    it("allows what the identity policy or the resource policy allows, naming both when both do", () => {
      const decision = evaluate(request("s3:PutObject", "arn:aws:s3:::archivist/2026/notes.txt"), { identity: [identity], resource: bucketPolicy });
      expect(outcome(decision)).to.equal("allowed");
      expect(sidsOf(decision)).to.deep.equal(["OwnBucket", "OnlyTheArchivist"]);
    });

    it("lets a resource policy that names the role allow on its own within the account", () => {
      const decision = evaluate(request("s3:GetObject", "arn:aws:s3:::archivist/a"), { identity: [], resource: bucketPolicy });
      expect(outcome(decision)).to.equal("allowed");
    });

    it("does not let a resource policy that names only the account allow without an IAM policy", () => {
      const accountOnly = doc("resource", {
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: "s3:GetObject",
        Resource: "arn:aws:s3:::shared/*",
      });
      expect(outcome(evaluate(request("s3:GetObject", "arn:aws:s3:::shared/a"), { identity: [], resource: accountOnly }))).to.equal("implicit-deny");
      const withIdentity = doc("identity", { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::shared/*" });
      expect(outcome(evaluate(request("s3:GetObject", "arn:aws:s3:::shared/a"), { identity: [withIdentity], resource: accountOnly }))).to.equal("allowed");
    });

    it("denies implicitly what nothing allows", () => {
      expect(outcome(evaluate(request("s3:DeleteBucket", "arn:aws:s3:::other"), { identity: [identity] }))).to.equal("implicit-deny");
    });

    it("matches actions case-insensitively and with wildcards", () => {
      const policy = doc("identity", { Effect: "Allow", Action: "S3:get*", Resource: "*" });
      expect(outcome(evaluate(request("s3:GetObject", "arn:aws:s3:::b/k"), { identity: [policy] }))).to.equal("allowed");
      expect(outcome(evaluate(request("s3:PutObject", "arn:aws:s3:::b/k"), { identity: [policy] }))).to.equal("implicit-deny");
    });
  });

  describe("NotAction and NotResource", () => {
    it("allows every action but the ones listed, on the resources listed", () => {
      const policy = doc("identity", { Effect: "Allow", NotAction: "s3:DeleteBucket", Resource: "arn:aws:s3:::*" });
      expect(outcome(evaluate(request("s3:PutObject", "arn:aws:s3:::b/k"), { identity: [policy] }))).to.equal("allowed");
      expect(outcome(evaluate(request("s3:DeleteBucket", "arn:aws:s3:::b"), { identity: [policy] }))).to.equal("implicit-deny");
      // Other services' resources are not S3 ARNs, so the statement does not reach them.
      expect(outcome(evaluate(request("sqs:SendMessage", `arn:aws:sqs:us-east-1:${ACCOUNT}:q`), { identity: [policy] }))).to.equal("implicit-deny");
    });

    it("denies every resource but the ones listed, and grants nothing by itself", () => {
      const fence = doc("identity", { Effect: "Deny", Action: "s3:*", NotResource: ["arn:aws:s3:::payroll/2026", "arn:aws:s3:::payroll/2026/*"] });
      const everything = doc("identity", { Effect: "Allow", Action: "s3:GetObject", Resource: "*" });
      expect(outcome(evaluate(request("s3:GetObject", "arn:aws:s3:::payroll/2025/march.csv"), { identity: [fence, everything] }))).to.equal("explicit-deny");
      expect(outcome(evaluate(request("s3:GetObject", "arn:aws:s3:::payroll/2026/march.csv"), { identity: [fence, everything] }))).to.equal("allowed");
      expect(outcome(evaluate(request("s3:GetObject", "arn:aws:s3:::payroll/2026/march.csv"), { identity: [fence] }))).to.equal("implicit-deny");
    });

    it("denies with NotAction every action outside the list when MFA is absent (BoolIfExists)", () => {
      const policy = doc(
        "identity",
        { Effect: "Deny", NotAction: "iam:*", Resource: "*", Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } } },
        { Effect: "Allow", Action: "*", Resource: "*" },
      );
      expect(outcome(evaluate(request("s3:GetObject", "arn:aws:s3:::b/k"), { identity: [policy] }))).to.equal("explicit-deny");
      expect(outcome(evaluate(request("s3:GetObject", "arn:aws:s3:::b/k", { "aws:MultiFactorAuthPresent": "true" }), { identity: [policy] }))).to.equal(
        "allowed",
      );
      expect(outcome(evaluate(request("iam:ListRoles", "*"), { identity: [policy] }))).to.equal("allowed");
    });
  });

  describe("Resource wildcards", () => {
    it("lets * span slashes inside an ARN component, as the IAM guide's bucket example shows", () => {
      const pattern = "arn:aws:s3:::field-notes/*/draft/*";
      for (const key of ["1/draft/a.txt", "1/2/draft/a.txt", "1/2/draft/3/a.txt", "1///draft///a.txt", "1/draft/.txt", "/draft/a.txt", "1/draft/"]) {
        expect(arnMatches(pattern, `arn:aws:s3:::field-notes/${key}`), key).to.equal(true);
      }
      for (const key of ["1-draft/a.txt", "draft/a.txt", "1/2/draft.txt"]) {
        expect(arnMatches(pattern, `arn:aws:s3:::field-notes/${key}`), key).to.equal(false);
      }
    });

    it("matches ARNs component by component, a lone * matching everything", () => {
      expect(arnMatches("arn:aws:sqs:*:210987654321:queue-?", `arn:aws:sqs:eu-west-1:${ACCOUNT}:queue-a`)).to.equal(true);
      expect(arnMatches("arn:aws:sqs:*:210987654321:queue-?", `arn:aws:sqs:eu-west-1:${ACCOUNT}:queue-ab`)).to.equal(false);
      expect(
        arnMatches("arn:aws:logs:us-east-1:210987654321:log-group:/aws/lambda/fn:*", `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/fn:log-stream:s`),
      ).to.equal(true);
      expect(
        arnMatches(
          "arn:aws:logs:us-east-1:210987654321:log-group:/aws/lambda/fn:*",
          `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/fn2:log-stream:s`,
        ),
      ).to.equal(false);
      expect(arnMatches("*", "arn:aws:kms:us-east-1:1:key/k")).to.equal(true);
      expect(arnMatches("arn:aws:s3:::bucket", "arn:aws:s3:::bucket/key")).to.equal(false);
    });
  });

  describe("conditions", () => {
    const allowWhen = (condition: object) => doc("identity", { Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: condition });
    const decide = (condition: object, context: Record<string, string | string[]>) =>
      outcome(evaluate(request("s3:GetObject", "arn:aws:s3:::b/k", context), { identity: [allowWhen(condition)] }));

    it("ANDs operators and keys, ORs the values of one key", () => {
      const condition = {
        StringEqualsIgnoreCase: { "aws:PrincipalTag/department": ["finance", "hr", "legal"], "aws:PrincipalTag/role": ["audit", "security"] },
        StringEquals: { "aws:PrincipalAccount": ACCOUNT },
      };
      const context = { "aws:PrincipalTag/department": "HR", "aws:PrincipalTag/role": "audit", "aws:PrincipalAccount": ACCOUNT };
      expect(decide(condition, context)).to.equal("allowed");
      expect(decide(condition, { ...context, "aws:PrincipalTag/role": "builder" })).to.equal("implicit-deny");
      expect(decide(condition, { ...context, "aws:PrincipalAccount": "111122223333" })).to.equal("implicit-deny");
    });

    it("makes a negated operator with several values hold only when none matches", () => {
      const condition = { StringNotEquals: { "aws:PrincipalAccount": ["111122223333", "444455556666"] } };
      expect(decide(condition, { "aws:PrincipalAccount": ACCOUNT })).to.equal("allowed");
      expect(decide(condition, { "aws:PrincipalAccount": "444455556666" })).to.equal("implicit-deny");
    });

    it("treats a missing key as a mismatch, except for negated operators, …IfExists and Null", () => {
      expect(decide({ StringEquals: { "aws:PrincipalTag/team": "data" } }, {})).to.equal("implicit-deny");
      expect(decide({ StringNotLike: { "aws:PrincipalTag/team": "ops*" } }, {})).to.equal("allowed");
      expect(decide({ ArnNotLike: { "aws:SourceArn": "arn:aws:sns:*:*:alerts" } }, {})).to.equal("allowed");
      expect(decide({ StringEqualsIfExists: { "aws:PrincipalTag/team": "data" } }, {})).to.equal("allowed");
      expect(decide({ StringEqualsIfExists: { "aws:PrincipalTag/team": "data" } }, { "aws:PrincipalTag/team": "ops" })).to.equal("implicit-deny");
      expect(decide({ Null: { "aws:PrincipalTag/team": "true" } }, {})).to.equal("allowed");
      expect(decide({ Null: { "aws:PrincipalTag/team": "false" } }, {})).to.equal("implicit-deny");
      expect(decide({ Null: { "aws:PrincipalTag/team": "false" } }, { "aws:PrincipalTag/team": "data" })).to.equal("allowed");
    });

    it("looks condition keys up case-insensitively and compares StringLike values with wildcards, case-sensitively", () => {
      expect(decide({ StringLike: { "S3:Prefix": "home/*" } }, { "s3:prefix": "home/ana/notes" })).to.equal("allowed");
      expect(decide({ StringLike: { "s3:prefix": "home/*" } }, { "s3:prefix": "Home/ana" })).to.equal("implicit-deny");
      expect(decide({ StringLike: { "s3:prefix": "home/???/*" } }, { "s3:prefix": "home/ana/x" })).to.equal("allowed");
    });

    it("compares Bool values and the ARN operators component by component", () => {
      expect(decide({ Bool: { "aws:SecureTransport": "true" } }, { "aws:SecureTransport": "true" })).to.equal("allowed");
      expect(decide({ Bool: { "aws:SecureTransport": true } }, { "aws:SecureTransport": "false" })).to.equal("implicit-deny");
      const arnCondition = { ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:*:210987654321:alarm:*" } };
      expect(decide(arnCondition, { "aws:SourceArn": `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:errors` })).to.equal("allowed");
      expect(decide(arnCondition, { "aws:SourceArn": `arn:aws:cloudwatch:us-east-1:111122223333:alarm:errors` })).to.equal("implicit-deny");
      // ArnEquals behaves exactly like ArnLike, wildcards included.
      expect(decide({ ArnEquals: arnCondition.ArnLike }, { "aws:SourceArn": `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:x` })).to.equal("allowed");
    });

    it("ForAllValues holds when every requested value is listed, and also for an empty or missing set", () => {
      const onlyThese = { "ForAllValues:StringEquals": { "dynamodb:Attributes": ["Title", "Body", "Labels"] } };
      expect(decide(onlyThese, { "dynamodb:Attributes": ["Body", "Labels"] })).to.equal("allowed");
      expect(decide(onlyThese, { "dynamodb:Attributes": ["Title", "Author"] })).to.equal("implicit-deny");
      expect(decide(onlyThese, {}), "the empty-set trap").to.equal("allowed");
      expect(decide(onlyThese, { "dynamodb:Attributes": [] })).to.equal("allowed");
    });

    it("ForAnyValue holds when one requested value is listed, never for a missing set", () => {
      const deny = doc("identity", {
        Effect: "Deny",
        Action: "dynamodb:PutItem",
        Resource: "*",
        Condition: { "ForAnyValue:StringEquals": { "dynamodb:Attributes": ["Id", "PostedAt"] } },
      });
      const allow = doc("identity", { Effect: "Allow", Action: "dynamodb:PutItem", Resource: "*" });
      const put = (attributes?: string[]) =>
        outcome(
          evaluate(request("dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:1:table/Posts", attributes ? { "dynamodb:Attributes": attributes } : {}), {
            identity: [deny, allow],
          }),
        );
      expect(put(["Author", "Body", "PostedAt"])).to.equal("explicit-deny");
      expect(put(["Author"])).to.equal("allowed");
      expect(put()).to.equal("allowed");
    });

    it("tells which values of a condition a request used", () => {
      const policy = doc("identity", {
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: "arn:aws:s3:::b",
        Condition: { StringLike: { "s3:prefix": ["raw/*", "quarantine/*"] } },
      });
      const decision = evaluate(request("s3:ListBucket", "arn:aws:s3:::b", { "s3:prefix": "raw/2026/x.json" }), { identity: [policy] });
      expect(decision.outcome === "allowed" && decision.by[0]?.conditionValues).to.deep.equal([["raw/*"]]);
    });
  });

  describe("KMS keys", () => {
    const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/3f1c`;
    const rootStatement = { Sid: "AccountDelegatesToIam", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" };
    const decryptThroughS3 = doc("identity", {
      Sid: "DecryptThroughS3",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: KEY,
      Condition: { StringEquals: { "kms:ViaService": ["s3.us-east-1.amazonaws.com"] } },
    });
    const keyed = (statements: object[], grants: KmsGrant[] = []): ApplicablePolicies["key"] => ({ policy: doc("key", ...statements), grants });
    const decrypt = (policies: ApplicablePolicies, via?: string) => evaluate(request("kms:Decrypt", KEY, via ? { "kms:ViaService": via } : {}), policies);

    it("lets the role's IAM policy decide only when the key policy names the account root", () => {
      const withRoot = decrypt({ identity: [decryptThroughS3], key: keyed([rootStatement]) }, "s3.us-east-1.amazonaws.com");
      expect(outcome(withRoot)).to.equal("allowed");
      expect(withRoot.outcome === "allowed" && withRoot.enabledBy.map((match) => match.statement.sid)).to.deep.equal(["AccountDelegatesToIam"]);
      const adminOnly = { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/key-admin` }, Action: "kms:*", Resource: "*" };
      expect(outcome(decrypt({ identity: [decryptThroughS3], key: keyed([adminOnly]) }, "s3.us-east-1.amazonaws.com"))).to.equal("implicit-deny");
    });

    it("allows a role the key policy names, without any IAM policy", () => {
      const named = { Effect: "Allow", Principal: { AWS: ROLE.roleArn }, Action: ["kms:Decrypt"], Resource: "*" };
      expect(outcome(decrypt({ identity: [], key: keyed([named]) }))).to.equal("allowed");
    });

    it("restricts use to requests an AWS service makes for the caller with kms:ViaService", () => {
      expect(outcome(decrypt({ identity: [decryptThroughS3], key: keyed([rootStatement]) }))).to.equal("implicit-deny");
      expect(outcome(decrypt({ identity: [decryptThroughS3], key: keyed([rootStatement]) }, "sqs.us-east-1.amazonaws.com"))).to.equal("implicit-deny");
      const denyLambda = {
        Effect: "Deny",
        Principal: { AWS: ROLE.roleArn },
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: { StringEquals: { "kms:ViaService": "lambda.us-east-1.amazonaws.com" } },
      };
      const anyDecrypt = doc("identity", { Effect: "Allow", Action: "kms:Decrypt", Resource: KEY });
      expect(outcome(decrypt({ identity: [anyDecrypt], key: keyed([rootStatement, denyLambda]) }, "lambda.us-east-1.amazonaws.com"))).to.equal("explicit-deny");
      expect(outcome(decrypt({ identity: [anyDecrypt], key: keyed([rootStatement, denyLambda]) }, "s3.us-east-1.amazonaws.com"))).to.equal("allowed");
    });

    it("allows through a grant for the role the operations it lists, unless a policy denies", () => {
      const grant: KmsGrant = { keyArn: KEY, granteePrincipal: ROLE.roleArn, operations: ["Decrypt"], description: "test grant" };
      const allowed = decrypt({ identity: [], key: keyed([rootStatement], [grant]) });
      expect(allowed.outcome === "allowed" && allowed.grants).to.deep.equal([grant]);
      expect(outcome(evaluate(request("kms:GenerateDataKey", KEY), { identity: [], key: keyed([rootStatement], [grant]) }))).to.equal("implicit-deny");
      const deny = { Effect: "Deny", Principal: "*", Action: "kms:*", Resource: "*" };
      expect(outcome(decrypt({ identity: [], key: keyed([rootStatement, deny], [grant]) }))).to.equal("explicit-deny");
    });

    it("applies a grant with an encryption-context constraint only to requests with that context", () => {
      const grant: KmsGrant = {
        keyArn: KEY,
        granteePrincipal: ROLE.roleArn,
        operations: ["Decrypt"],
        encryptionContextSubset: { "aws:lambda:FunctionArn": "arn:fn" },
        description: "constrained",
      };
      const withContext = evaluate(request("kms:Decrypt", KEY, { "kms:EncryptionContext:aws:lambda:FunctionArn": "arn:fn" }), {
        identity: [],
        key: keyed([rootStatement], [grant]),
      });
      expect(outcome(withContext)).to.equal("allowed");
      const otherContext = evaluate(request("kms:Decrypt", KEY, { "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::b" }), {
        identity: [],
        key: keyed([rootStatement], [grant]),
      });
      expect(outcome(otherContext)).to.equal("implicit-deny");
    });

    it("needs a key policy for every KMS request", () => {
      expect(outcome(decrypt({ identity: [decryptThroughS3] }, "s3.us-east-1.amazonaws.com"))).to.equal("implicit-deny");
    });
  });

  describe("what the evaluator refuses rather than guesses", () => {
    it("refuses operators it does not implement, policy variables and unknown elements", () => {
      expect(() =>
        doc("identity", { Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } }),
      ).to.throw(PolicyLanguageError, /IpAddress is not one the evaluator implements/);
      expect(() => doc("identity", { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/${aws:username}/*" })).to.throw(
        PolicyLanguageError,
        /policy variable/,
      );
      expect(() => doc("identity", { Effect: "Allow", Action: "s3:GetObject", Resource: "*", Reason: "x" })).to.throw(PolicyLanguageError, /Reason/);
      expect(() => doc("resource", { Effect: "Allow", Action: "s3:GetObject", Resource: "*" })).to.throw(PolicyLanguageError, /needs a Principal/);
    });

    it("refuses a plain operator on a key with several values in the request", () => {
      const policy = doc("identity", {
        Effect: "Allow",
        Action: "dynamodb:GetItem",
        Resource: "*",
        Condition: { StringEquals: { "dynamodb:LeadingKeys": "a" } },
      });
      expect(() =>
        evaluate(request("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:1:table/t", { "dynamodb:LeadingKeys": ["a", "b"] }), { identity: [policy] }),
      ).to.throw(/needs ForAnyValue: or ForAllValues:/);
    });
  });
});
