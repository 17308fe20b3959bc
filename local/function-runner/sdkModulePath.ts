/**
 * The AWS SDK v3 on the module path, the way the Lambda Node.js runtime provides it in
 * /var/runtime/node_modules: a folder of symlinks to @aws-sdk/* and the packages they depend on,
 * computed from the root node_modules' package.json files. Only that closure goes on NODE_PATH,
 * never the whole root node_modules, so a package a function needs but its archive lacks fails
 * locally as it would in Lambda.
 */
import * as fs from "fs";
import * as path from "path";
import { PrerequisiteError } from "./prerequisiteError";

const PROJECT_DIR = path.resolve(__dirname, "..", "..");
const ROOT_MODULES = path.join(PROJECT_DIR, "node_modules");
/** The scopes the Lambda runtime's bundled SDK is published under; their dependencies are added. */
const SDK_SCOPES = ["@aws-sdk"];

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** Top-level package names of every @aws-sdk package in the root node_modules and what they need. */
export function sdkClosure(rootModules = ROOT_MODULES): string[] {
  const topLevel = new Set<string>();
  const visitedDirs = new Set<string>();
  const pending: string[] = [];
  for (const scope of SDK_SCOPES) {
    const scopeDir = path.join(rootModules, scope);
    if (!fs.existsSync(scopeDir)) throw new PrerequisiteError(`no ${scope} packages in ${rootModules}: run \`npm ci\` in the project root`);
    for (const name of fs.readdirSync(scopeDir)) pending.push(path.join(scopeDir, name));
  }
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    if (visitedDirs.has(dir)) continue;
    visitedDirs.add(dir);
    const relative = path.relative(rootModules, dir);
    if (!relative.includes(`${path.sep}node_modules${path.sep}`)) topLevel.add(relative.split(path.sep).join("/"));
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as Manifest;
    const peers = Object.keys(manifest.peerDependencies ?? {});
    const required = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {})];
    for (const name of [...required, ...peers]) {
      const resolved = resolvePackageDir(name, dir, rootModules);
      if (resolved !== undefined) pending.push(resolved);
      else if (required.includes(name) && !(manifest.optionalDependencies ?? {})[name]) {
        throw new PrerequisiteError(`${path.relative(PROJECT_DIR, dir)} depends on ${name}, which is not installed: run \`npm ci\``);
      }
    }
  }
  return [...topLevel].sort();
}

/** Node's lookup for a bare package name: <dir>/node_modules/<name>, then each parent's, up to the root. */
function resolvePackageDir(name: string, fromDir: string, rootModules: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, "node_modules", ...name.split("/"));
    if (fs.existsSync(path.join(candidate, "package.json"))) return candidate;
    if (path.resolve(dir) === path.dirname(rootModules) || path.dirname(dir) === dir) return undefined;
    dir = path.dirname(dir);
  }
}

/**
 * Builds (or reuses, when the closure is unchanged) `<localDir>/lambda-sdk/node_modules` and returns
 * it, ready for NODE_PATH. Built beside and swapped in, so runs started together never see half a folder.
 */
export function prepareSdkModulePath(localDir: string): string {
  const closure = sdkClosure();
  const target = path.join(localDir, "lambda-sdk");
  const modules = path.join(target, "node_modules");
  const listing = path.join(target, "closure.json");
  const wanted = JSON.stringify(closure);
  if (fs.existsSync(listing) && fs.readFileSync(listing, "utf8") === wanted) return modules;

  const staging = `${target}.${process.pid}.staging`;
  fs.rmSync(staging, { recursive: true, force: true });
  for (const name of closure) {
    const link = path.join(staging, "node_modules", ...name.split("/"));
    fs.mkdirSync(path.dirname(link), { recursive: true });
    // A junction on Windows needs no administrator or developer mode; elsewhere the type is ignored.
    fs.symlinkSync(path.join(ROOT_MODULES, ...name.split("/")), link, "junction");
  }
  fs.writeFileSync(path.join(staging, "closure.json"), wanted);
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(staging, target);
  return modules;
}
