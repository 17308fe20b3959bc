/**
 * Where the Lambda Insights extension is published. The layer lives in a different account in
 * some regions (on arm64 too, in a few), has a different name on arm64, and has its own version
 * number per region and architecture (AWS's "Available versions of the Lambda Insights extension"
 * pages). Regions not listed here need `lambdaInsightsLayerArn` set explicitly.
 */
import type { LambdaArchitecture } from "../../contract/settings";

/** Publishing account and layer version. */
type Published = readonly [account: string, version: number];

/** The extension version the table holds, and the day it was taken from AWS's list. */
export const INSIGHTS_EXTENSION_VERSION = "1.0.498.0";
export const INSIGHTS_TABLE_AS_OF = "2026-11-10";

/**
 * Extension 1.0.498.0 in every region AWS lists it, as AWS CDK 2.276.0 (2026-11-10) records AWS's
 * pages (region-info's cloudwatchLambdaInsightsVersion facts). Regions without an arm64 entry do
 * not publish the arm64 layer.
 */
const PUBLISHED: Record<string, { x86_64: Published; arm64?: Published }> = {
  "af-south-1": { x86_64: ["012438385374", 52], arm64: ["012438385374", 25] },
  "ap-east-1": { x86_64: ["519774774795", 52], arm64: ["519774774795", 25] },
  "ap-east-2": { x86_64: ["145023102084", 8] },
  "ap-northeast-1": { x86_64: ["580247275435", 87], arm64: ["580247275435", 25] },
  "ap-northeast-2": { x86_64: ["580247275435", 59], arm64: ["580247275435", 25] },
  "ap-northeast-3": { x86_64: ["194566237122", 41], arm64: ["194566237122", 25] },
  "ap-south-1": { x86_64: ["580247275435", 58], arm64: ["580247275435", 25] },
  "ap-south-2": { x86_64: ["891564319516", 34], arm64: ["891564319516", 25] },
  "ap-southeast-1": { x86_64: ["580247275435", 60], arm64: ["580247275435", 25] },
  "ap-southeast-2": { x86_64: ["580247275435", 60], arm64: ["580247275435", 25] },
  "ap-southeast-3": { x86_64: ["439286490199", 36], arm64: ["439286490199", 25] },
  "ap-southeast-4": { x86_64: ["158895979263", 29], arm64: ["605207715842", 25] },
  "ap-southeast-5": { x86_64: ["590183865173", 9] },
  "ap-southeast-6": { x86_64: ["727646510379", 1] },
  "ap-southeast-7": { x86_64: ["761018874580", 8] },
  "ca-central-1": { x86_64: ["580247275435", 59], arm64: ["580247275435", 25] },
  "ca-west-1": { x86_64: ["946466191631", 21], arm64: ["761377655185", 25] },
  "cn-north-1": { x86_64: ["488211338238", 48], arm64: ["488211338238", 25] },
  "cn-northwest-1": { x86_64: ["488211338238", 48], arm64: ["488211338238", 25] },
  "eu-central-1": { x86_64: ["580247275435", 60], arm64: ["580247275435", 25] },
  "eu-central-2": { x86_64: ["033019950311", 35], arm64: ["033019950311", 25] },
  "eu-north-1": { x86_64: ["580247275435", 57], arm64: ["580247275435", 25] },
  "eu-south-1": { x86_64: ["339249233099", 52], arm64: ["339249233099", 25] },
  "eu-south-2": { x86_64: ["352183217350", 36], arm64: ["352183217350", 25] },
  "eu-west-1": { x86_64: ["580247275435", 60], arm64: ["580247275435", 25] },
  "eu-west-2": { x86_64: ["580247275435", 60], arm64: ["580247275435", 25] },
  "eu-west-3": { x86_64: ["580247275435", 59], arm64: ["580247275435", 25] },
  "il-central-1": { x86_64: ["459530977127", 29], arm64: ["066549572091", 25] },
  "me-central-1": { x86_64: ["732604637566", 35], arm64: ["732604637566", 25] },
  "me-south-1": { x86_64: ["285320876703", 52], arm64: ["285320876703", 25] },
  "mx-central-1": { x86_64: ["879381266642", 8] },
  "sa-east-1": { x86_64: ["580247275435", 59], arm64: ["580247275435", 25] },
  "us-east-1": { x86_64: ["580247275435", 60], arm64: ["580247275435", 25] },
  "us-east-2": { x86_64: ["580247275435", 60], arm64: ["580247275435", 25] },
  "us-gov-east-1": { x86_64: ["122132214140", 24], arm64: ["198461476570", 25] },
  "us-gov-west-1": { x86_64: ["751350123760", 24], arm64: ["198461476570", 25] },
  "us-west-1": { x86_64: ["580247275435", 60], arm64: ["580247275435", 25] },
  "us-west-2": { x86_64: ["580247275435", 60], arm64: ["580247275435", 25] },
};

function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

export function lambdaInsightsLayerArn(region: string, architecture: LambdaArchitecture): string {
  const published = PUBLISHED[region]?.[architecture];
  if (!published) {
    throw new Error(
      `No known Lambda Insights layer for ${region} on ${architecture}: set flight-data-pipeline:lambdaInsightsLayerArn ` +
        `to the ARN from AWS's "Available versions of the Lambda Insights extension" page, or set enableLambdaInsights: false`,
    );
  }
  const layerName = architecture === "arm64" ? "LambdaInsightsExtension-Arm64" : "LambdaInsightsExtension";
  return `arn:${partitionOf(region)}:lambda:${region}:${published[0]}:layer:${layerName}:${published[1]}`;
}

/** Regions with a known layer for the architecture. */
export function lambdaInsightsRegions(architecture: LambdaArchitecture): string[] {
  return Object.keys(PUBLISHED).filter((region) => PUBLISHED[region][architecture] !== undefined);
}
