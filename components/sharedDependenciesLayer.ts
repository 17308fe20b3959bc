import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { LambdaArchitecture } from "../contract/settings";
import { packagesToExclude } from "./support/runtimePackages";

export interface SharedDependenciesLayerArgs {
  /** Runtime packages (from package.json `dependencies`) the functions share. */
  packages: string[];
  runtime: string;
  architecture: LambdaArchitecture;
}

/**
 * A Lambda layer with the handlers' runtime packages under nodejs/node_modules, where the Node.js
 * runtime resolves them. Functions using it ship only their own code, so a code change uploads
 * kilobytes and the packages are stored once.
 */
export class SharedDependenciesLayer extends pulumi.ComponentResource {
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: SharedDependenciesLayerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flightdata:compute:SharedDependenciesLayer", name, {}, opts);
    if (args.packages.length === 0) throw new Error(`SharedDependenciesLayer ${name}: packages must not be empty`);
    const content = pulumi.runtime.computeCodePaths({ extraExcludePackages: packagesToExclude(args.packages) }).then((paths) => {
      const assets: Record<string, pulumi.asset.Asset | pulumi.asset.Archive> = {};
      for (const [path, asset] of paths) assets[`nodejs/${path}`] = asset;
      return new pulumi.asset.AssetArchive(assets);
    });
    const layer = new aws.lambda.LayerVersion(
      name,
      {
        layerName: name,
        description: `Runtime packages shared by the pipeline functions: ${args.packages.join(", ")}`,
        code: content,
        compatibleRuntimes: [args.runtime],
        compatibleArchitectures: [args.architecture],
      },
      { parent: this },
    );
    this.arn = layer.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
