import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/** The account, region and partition the stack deploys into, looked up once per component. */
export interface AwsContext {
  accountId: pulumi.Output<string>;
  region: pulumi.Output<string>;
  partition: pulumi.Output<string>;
  /** The DNS suffix of service principals: amazonaws.com, or amazonaws.com.cn in China. */
  dnsSuffix: pulumi.Output<string>;
}

export function awsContext(parent: pulumi.Resource): AwsContext {
  const identity = aws.getCallerIdentityOutput({}, { parent });
  const region = aws.getRegionOutput({}, { parent });
  const partition = aws.getPartitionOutput({}, { parent });
  return {
    accountId: identity.accountId,
    region: region.region,
    partition: partition.partition,
    dnsSuffix: partition.dnsSuffix,
  };
}
