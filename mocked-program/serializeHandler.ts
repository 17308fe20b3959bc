/**
 * Serializes one handler's `…HandlerFromEnvironment` the way `aws.lambda.CallbackFunction` does
 * and writes the result as `<out>/index.js`, so a handler author can check that the code survives
 * Pulumi's closure serialization and run it (with its packages on NODE_PATH) before the program does.
 *
 *   node -r ts-node/register/transpile-only mocked-program/serializeHandler.ts handlers/ingestion ingestionHandlerFromEnvironment /tmp/out
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

async function main(): Promise<void> {
  const [modulePath, exportName, outDir] = process.argv.slice(2);
  if (!modulePath || !exportName || !outDir) {
    throw new Error("usage: serializeHandler.ts <module> <export> <outDir>");
  }
  const mod = require(path.resolve(modulePath));
  const factory = mod[exportName];
  if (typeof factory !== "function") {
    throw new Error(`${modulePath} has no function export named ${exportName}`);
  }
  const serialized = await pulumi.runtime.serializeFunction(factory, { isFactoryFunction: true });
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, "index.js"), serialized.text);
  console.log(`${path.join(outDir, "index.js")}: ${serialized.text.length} bytes, export ${serialized.exportName}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
