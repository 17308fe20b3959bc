import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import { awsContext } from "./support/awsContext";

export type NetworkArgs =
  | { kind: "existing"; subnetIds: pulumi.Input<string>[]; securityGroupIds: pulumi.Input<string>[] }
  | { kind: "create"; cidrBlock: string; availabilityZones: number; natGateways: "single" | "onePerAz" };

/**
 * Where the functions run when the stack puts them in a VPC. Given subnets and security groups
 * are used as they are: their route tables must give a way out (NAT, or interface endpoints for
 * CloudWatch, SNS, Secrets Manager and X-Ray) and ingestion must reach the OpenSky API through NAT.
 * A created VPC has private subnets behind NAT (so ingestion reaches OpenSky and the functions
 * reach CloudWatch, SNS and X-Ray) and gateway endpoints for S3 and DynamoDB, so the bulk of the
 * traffic, the snapshots and the tracking writes, never pays for NAT.
 */
export class Network extends pulumi.ComponentResource {
  readonly subnetIds: pulumi.Output<string[]>;
  readonly securityGroupIds: pulumi.Output<string[]>;
  readonly vpcId?: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flightdata:network:Network", name, {}, opts);
    if (args.kind === "existing") {
      if (args.subnetIds.length === 0 || args.securityGroupIds.length === 0) {
        throw new Error(`Network ${name}: an existing network needs at least one subnet and one security group`);
      }
      this.subnetIds = pulumi.output(args.subnetIds);
      this.securityGroupIds = pulumi.output(args.securityGroupIds);
      this.registerOutputs({ subnetIds: this.subnetIds, securityGroupIds: this.securityGroupIds });
      return;
    }
    const parent = { parent: this };
    const ctx = awsContext(this);

    const vpc = new awsx.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: args.cidrBlock,
        numberOfAvailabilityZones: args.availabilityZones,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        natGateways: {
          strategy: args.natGateways === "onePerAz" ? awsx.ec2.NatGatewayStrategy.OnePerAz : awsx.ec2.NatGatewayStrategy.Single,
        },
        subnetStrategy: awsx.ec2.SubnetAllocationStrategy.Auto,
        subnetSpecs: [{ type: awsx.ec2.SubnetType.Private }, { type: awsx.ec2.SubnetType.Public }],
      },
      parent,
    );
    const routeTableIds = vpc.routeTables.apply((tables) => pulumi.all(tables.map((table) => table.id)));
    for (const service of ["s3", "dynamodb"]) {
      new aws.ec2.VpcEndpoint(
        `${name}-${service}-endpoint`,
        {
          vpcId: vpc.vpcId,
          serviceName: pulumi.interpolate`com.amazonaws.${ctx.region}.${service}`,
          vpcEndpointType: "Gateway",
          routeTableIds,
        },
        parent,
      );
    }
    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-functions`,
      {
        vpcId: vpc.vpcId,
        description: "Pipeline functions: no inbound traffic, HTTPS out",
        egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "AWS APIs and OpenSky over TLS" }],
      },
      parent,
    );

    this.vpcId = vpc.vpcId;
    this.subnetIds = vpc.privateSubnetIds;
    this.securityGroupIds = pulumi.output([securityGroup.id]);
    this.registerOutputs({ vpcId: this.vpcId, subnetIds: this.subnetIds, securityGroupIds: this.securityGroupIds });
  }
}
