import * as fs from "fs";
import * as path from "path";

/**
 * `CallbackFunction` packs every package of package.json's `dependencies` (and theirs) into each
 * function unless told otherwise. This works out the exclusions that leave a function only what
 * it loads: the other runtime packages, and always the AWS SDK v3, which the Lambda runtime ships.
 * A package that something the function needs depends on is never excluded, because Pulumi
 * applies an exclusion at every depth of the dependency tree, with one exception: packages that
 * hold only type declarations (TYPE_DECLARATION_PACKAGES).
 */
export function packagesToExclude(needed: string[], projectDir = findProjectDir()): string[] {
  const dependencies = Object.keys(readManifest(projectDir).dependencies ?? {});
  for (const name of needed) {
    if (!dependencies.includes(name)) {
      throw new Error(`runtime package ${name} is not in ${path.join(projectDir, "package.json")} dependencies`);
    }
  }
  const kept = new Set<string>();
  const visit = (name: string, from: string): void => {
    if (kept.has(name)) return;
    kept.add(name);
    const dir = resolvePackageDir(name, from);
    for (const dep of Object.keys(readManifest(dir).dependencies ?? {})) visit(dep, dir);
  };
  for (const name of needed) visit(name, projectDir);
  return [...dependencies.filter((name) => !kept.has(name) || name.startsWith("@aws-sdk/")), ...TYPE_DECLARATION_PACKAGES];
}

/**
 * Declared as run-time dependencies by packages the functions load, yet never required at run
 * time: they hold TypeScript declarations. aws-xray-sdk-core (under Powertools Tracer) lists
 * `@types/cls-hooked`, which brings `@types/node` and `undici-types` (2.6 MB), and `@aws-sdk/types`;
 * its `@smithy/service-error-classification` lists `@smithy/types`. Excluded, the tracing stack
 * costs each package about 100 KiB zipped instead of 1.3 MB; the local-run tests load the
 * packages without them.
 */
export const TYPE_DECLARATION_PACKAGES = ["@types/cls-hooked", "@aws-sdk/types", "@smithy/types"];

function findProjectDir(): string {
  let dir = process.cwd();
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json found above ${process.cwd()}`);
    dir = up;
  }
  return dir;
}

function resolvePackageDir(name: string, from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (fs.existsSync(path.join(candidate, "package.json"))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`package ${name} (needed from ${from}) is not installed: run npm ci`);
  }
}

function readManifest(dir: string): { dependencies?: Record<string, string> } {
  return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
}
