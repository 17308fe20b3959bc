/**
 * A function's deployment package as `aws.lambda.CallbackFunction` builds it: the serialized
 * handler (`__index.js`) and the node_modules folders it ships. It can be measured and written to
 * a folder, where it is exactly what Lambda would run.
 */
import * as fs from "fs";
import * as path from "path";
import { deflateRawSync } from "zlib";

export interface PackageFile {
  /** Path inside the zip. */
  archivePath: string;
  /** The file's bytes, read when needed. */
  read(): Buffer;
}

export interface FunctionPackage {
  /** Lambda's `handler` setting, e.g. `__index.handler`. */
  handler: string;
  runtime: string;
  memorySize: number;
  timeout: number;
  architecture: string;
  environment: Record<string, string>;
  layers: string[];
  /** The serialized handler module. */
  indexJs: string;
  /** npm packages in the package's node_modules, by name. */
  packages: string[];
  files: PackageFile[];
  uncompressedBytes: number;
  /** Size of the zip Pulumi uploads: each file deflated, plus zip headers. */
  zipBytes: number;
}

interface ArchiveLike {
  assets: Promise<Record<string, any>> | Record<string, any>;
}

export async function functionPackageFromArchive(code: ArchiveLike, inputs: Record<string, any>): Promise<FunctionPackage> {
  const assets = await code.assets;
  const files: PackageFile[] = [];
  let indexJs = "";
  for (const [archivePath, asset] of Object.entries(assets)) {
    if (asset.text !== undefined) {
      const text: string = await asset.text;
      if (archivePath === "__index.js") indexJs = text;
      files.push({ archivePath, read: () => Buffer.from(text) });
    } else if (asset.path !== undefined) {
      const source = path.resolve(await asset.path);
      const stat = fs.statSync(source);
      if (stat.isDirectory()) {
        for (const file of walk(source)) {
          files.push({ archivePath: path.posix.join(archivePath, path.relative(source, file).split(path.sep).join("/")), read: () => fs.readFileSync(file) });
        }
      } else {
        files.push({ archivePath, read: () => fs.readFileSync(source) });
      }
    } else {
      throw new Error(`unsupported asset at ${archivePath} in the function package`);
    }
  }
  let uncompressedBytes = 0;
  let zipBytes = 22;
  for (const file of files) {
    const bytes = file.read();
    const name = Buffer.byteLength(file.archivePath);
    uncompressedBytes += bytes.length;
    zipBytes += Math.min(bytes.length, deflateRawSync(bytes).length) + 30 + name + 46 + name;
  }
  const packages = Object.keys(assets)
    .filter((p) => p.startsWith("node_modules/"))
    .map((p) => p.slice("node_modules/".length));
  return {
    handler: inputs.handler,
    runtime: inputs.runtime,
    memorySize: inputs.memorySize,
    timeout: inputs.timeout,
    architecture: (inputs.architectures ?? ["x86_64"])[0],
    environment: inputs.environment?.variables ?? {},
    layers: inputs.layers ?? [],
    indexJs,
    packages: packages.filter((p) => !packages.some((other) => other !== p && p.startsWith(`${other}/node_modules/`))),
    files,
    uncompressedBytes,
    zipBytes,
  };
}

/** Writes the package to a folder, laid out as Lambda unpacks it. */
export function writeFunctionPackage(pkg: FunctionPackage, dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const file of pkg.files) {
    const target = path.join(dir, ...file.archivePath.split("/"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.read());
  }
}

function* walk(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile()) yield full;
  }
}
