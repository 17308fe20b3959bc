/**
 * The container's runtime bootstrap as the Lambda runtime's Node runs it: bootstrap.ts transpiled
 * to CommonJS JavaScript (the containers run no TypeScript loader), rewritten only when it changed.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const SOURCE = path.join(__dirname, "bootstrap.ts");

export function prepareBootstrap(localRoot: string): string {
  const { outputText } = ts.transpileModule(fs.readFileSync(SOURCE, "utf8"), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: SOURCE,
  });
  const target = path.join(localRoot, "function-runner", "bootstrap.js");
  if (!fs.existsSync(target) || fs.readFileSync(target, "utf8") !== outputText) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const staging = `${target}.${process.pid}`;
    fs.writeFileSync(staging, outputText);
    fs.renameSync(staging, target);
  }
  return target;
}
