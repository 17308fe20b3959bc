/**
 * Where the Lambda Insights extension is published. The layer lives in a different account in
 * some regions, has a different name on arm64, and has its own version number per region and
 * architecture (AWS's "Available versions of the Lambda Insights extension" pages). Regions not
 * listed here need `lambdaInsightsLayerArn` set explicitly.
 */
type Architecture = "x86_64" | "arm64";

/** region → [publishing account, x86_64 layer version, arm64 layer version (0: not published)] */
const PUBLISHED: Record<string, [string, number, number]> = {
  "us-east-1": ["580247275435", 38, 5],
  "us-east-2": ["580247275435", 38, 7],
  "us-west-1": ["580247275435", 38, 3],
  "us-west-2": ["580247275435", 38, 5],
  "ca-central-1": ["580247275435", 37, 3],
  "sa-east-1": ["580247275435", 37, 3],
  "eu-west-1": ["580247275435", 38, 5],
  "eu-west-2": ["580247275435", 38, 5],
  "eu-west-3": ["580247275435", 37, 3],
  "eu-central-1": ["580247275435", 38, 5],
  "eu-north-1": ["580247275435", 35, 3],
  "eu-south-1": ["339249233099", 28, 2],
  "ap-south-1": ["580247275435", 36, 7],
  "ap-southeast-1": ["580247275435", 38, 5],
  "ap-southeast-2": ["580247275435", 38, 5],
  "ap-northeast-1": ["580247275435", 60, 11],
  "ap-northeast-2": ["580247275435", 37, 4],
  "ap-northeast-3": ["194566237122", 19, 2],
  "ap-east-1": ["519774774795", 28, 2],
  "af-south-1": ["012438385374", 28, 2],
  "me-south-1": ["285320876703", 28, 2],
};

export function lambdaInsightsLayerArn(region: string, architecture: Architecture): string {
  const published = PUBLISHED[region];
  const version = published && (architecture === "arm64" ? published[2] : published[1]);
  if (!published || !version) {
    throw new Error(
      `No known Lambda Insights layer for ${region} on ${architecture}: set flight-data-pipeline:lambdaInsightsLayerArn ` +
        `to the ARN from AWS's "Available versions of the Lambda Insights extension" page, or set enableLambdaInsights: false`,
    );
  }
  const layerName = architecture === "arm64" ? "LambdaInsightsExtension-Arm64" : "LambdaInsightsExtension";
  return `arn:aws:lambda:${region}:${published[0]}:layer:${layerName}:${version}`;
}
