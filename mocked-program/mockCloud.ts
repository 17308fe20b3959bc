/**
 * What the mocked AWS provider answers: ids, names and ARNs shaped like the real ones, so that
 * policies and tests see `arn:aws:s3:::…` where AWS would put it, and the lookups the program
 * makes (account, region, partition, the live alias of a previous deployment).
 */
import { createHash } from "crypto";
import type * as pulumi from "@pulumi/pulumi";

export const MOCK_ACCOUNT_ID = "123456789012";

export interface MockWorld {
  region: string;
  /** Physical function name → version the `live` alias served before this deployment. */
  liveAliasVersions: Record<string, string>;
  publishedVersion: string;
}

/** Pulumi's auto-naming: the logical name plus a random suffix (deterministic here). */
function autoName(name: string, length = 7): string {
  return `${name}-${createHash("sha256").update(name).digest("hex").slice(0, length)}`;
}

export function mockResourceState(args: pulumi.runtime.MockResourceArgs, world: MockWorld): { id: string; state: Record<string, any> } {
  const { region } = world;
  const account = MOCK_ACCOUNT_ID;
  const inputs = args.inputs ?? {};
  const named = (field = "name") => (inputs[field] as string | undefined) ?? autoName(args.name);
  switch (args.type) {
    case "aws:s3/bucket:Bucket": {
      const bucket = named("bucket");
      return { id: bucket, state: { ...inputs, bucket, arn: `arn:aws:s3:::${bucket}` } };
    }
    case "aws:kms/key:Key": {
      const keyId = createHash("sha256").update(args.name).digest("hex").slice(0, 32);
      return { id: keyId, state: { ...inputs, keyId, arn: `arn:aws:kms:${region}:${account}:key/${keyId}` } };
    }
    case "aws:sqs/queue:Queue": {
      const name = named();
      const url = `https://sqs.${region}.amazonaws.com/${account}/${name}`;
      return { id: url, state: { ...inputs, name, url, arn: `arn:aws:sqs:${region}:${account}:${name}` } };
    }
    case "aws:sns/topic:Topic": {
      const arn = `arn:aws:sns:${region}:${account}:${named()}`;
      return { id: arn, state: { ...inputs, name: named(), arn } };
    }
    case "aws:dynamodb/table:Table": {
      const name = named();
      return { id: name, state: { ...inputs, name, arn: `arn:aws:dynamodb:${region}:${account}:table/${name}` } };
    }
    case "aws:iam/role:Role": {
      const name = named();
      return { id: name, state: { ...inputs, name, arn: `arn:aws:iam::${account}:role/${name}` } };
    }
    case "aws:cloudwatch/logGroup:LogGroup": {
      const name = named();
      return { id: name, state: { ...inputs, name, arn: `arn:aws:logs:${region}:${account}:log-group:${name}` } };
    }
    case "aws:cloudwatch/eventRule:EventRule": {
      const name = named();
      return { id: name, state: { ...inputs, name, arn: `arn:aws:events:${region}:${account}:rule/${name}` } };
    }
    case "aws:lambda/function:Function": {
      const name = named();
      const arn = `arn:aws:lambda:${region}:${account}:function:${name}`;
      const version = inputs.publish ? world.publishedVersion : "$LATEST";
      return {
        id: name,
        state: {
          ...inputs,
          name,
          arn,
          version,
          qualifiedArn: `${arn}:${version}`,
          invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
          sourceCodeSize: 0,
        },
      };
    }
    case "aws:lambda/alias:Alias": {
      const arn = `arn:aws:lambda:${region}:${account}:function:${inputs.functionName}:${inputs.name}`;
      return { id: arn, state: { ...inputs, arn } };
    }
    case "aws:lambda/layerVersion:LayerVersion": {
      const arn = `arn:aws:lambda:${region}:${account}:layer:${inputs.layerName}:1`;
      return { id: arn, state: { ...inputs, arn, version: "1", layerArn: arn.replace(/:1$/, "") } };
    }
    case "aws:secretsmanager/secret:Secret": {
      const name = named();
      const arn = `arn:aws:secretsmanager:${region}:${account}:secret:${name}-AbCdEf`;
      return { id: arn, state: { ...inputs, name, arn } };
    }
    case "aws:cloudwatch/dashboard:Dashboard":
      return { id: inputs.dashboardName, state: { ...inputs, dashboardArn: `arn:aws:cloudwatch::${account}:dashboard/${inputs.dashboardName}` } };
    case "aws:ec2/securityGroup:SecurityGroup":
      return { id: `sg-${createHash("sha256").update(args.name).digest("hex").slice(0, 17)}`, state: { ...inputs } };
    case "awsx:ec2:Vpc":
      return {
        id: `${args.name}-id`,
        state: {
          vpcId: "vpc-0a1b2c3d4e5f60718",
          privateSubnetIds: ["subnet-0aaa1111bbbb22223", "subnet-0aaa1111bbbb22224"],
          publicSubnetIds: ["subnet-0ccc3333dddd44445", "subnet-0ccc3333dddd44446"],
          routeTables: [{ id: "rtb-0private000000001" }, { id: "rtb-0private000000002" }, { id: "rtb-0public0000000003" }],
        },
      };
    default: {
      const name = (inputs.name as string | undefined) ?? autoName(args.name);
      const service = args.type.split(":")[1]?.split("/")[0] ?? "unknown";
      return { id: `${args.name}-id`, state: { ...inputs, arn: inputs.arn ?? `arn:aws:${service}:${region}:${account}:${name}` } };
    }
  }
}

export function mockCall(args: pulumi.runtime.MockCallArgs, world: MockWorld): Record<string, any> {
  switch (args.token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId: MOCK_ACCOUNT_ID, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/ci`, userId: "AIDAMOCK", id: MOCK_ACCOUNT_ID };
    case "aws:index/getRegion:getRegion":
      return { region: world.region, name: world.region, id: world.region, endpoint: `ec2.${world.region}.amazonaws.com`, description: world.region };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
    case "aws:lambda/getAlias:getAlias": {
      const version = world.liveAliasVersions[args.inputs.functionName];
      if (version === undefined) {
        throw new Error(`ResourceNotFoundException: Cannot find alias arn: ${args.inputs.functionName}:${args.inputs.name}`);
      }
      return {
        functionName: args.inputs.functionName,
        name: args.inputs.name,
        functionVersion: version,
        arn: `arn:aws:lambda:${world.region}:${MOCK_ACCOUNT_ID}:function:${args.inputs.functionName}:${args.inputs.name}`,
      };
    }
    default:
      throw new Error(`the mocked cloud has no answer for ${args.token}`);
  }
}
