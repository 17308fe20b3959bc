/** Runs a bench script in a fresh Node process and takes the JSON result from its last stdout line. */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { runtimeNode, TS_NODE_REGISTER } from "./runtimeNode";

export interface ChildOptions {
  environment?: Record<string, string>;
  timeoutMs?: number;
  /**
   * Run the script as plain JavaScript transpiled into this folder, without ts-node, whose module
   * resolution hooks would slow every require the child times. Only for scripts that import
   * nothing of the project's.
   */
  transpileTo?: string;
  /** Flags for node itself, before the script (Lambda's runtime flags, for a cold start). */
  nodeFlags?: readonly string[];
}

/** A bench script as plain JavaScript in `dir`, under its own name or `as`. */
export function transpiled(script: string, dir: string, as = script.replace(/\.ts$/, ".js")): string {
  const source = fs.readFileSync(path.join(__dirname, script), "utf8");
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  const target = path.join(dir, as);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(target, outputText);
  return target;
}

export function runChild<T>(script: string, argument: unknown, options: ChildOptions = {}): Promise<T> {
  const args =
    options.transpileTo === undefined
      ? [...(options.nodeFlags ?? []), "-r", TS_NODE_REGISTER, path.join(__dirname, script), JSON.stringify(argument)]
      : [...(options.nodeFlags ?? []), transpiled(script, options.transpileTo), JSON.stringify(argument)];
  return new Promise((resolve, reject) => {
    execFile(
      runtimeNode(),
      args,
      {
        env: options.environment ?? process.env,
        timeout: options.timeoutMs ?? 300_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${script} ${JSON.stringify(argument)} failed: ${error.message}\n${stderr}`));
          return;
        }
        const lines = stdout.trim().split("\n");
        try {
          resolve(JSON.parse(lines[lines.length - 1] ?? "") as T);
        } catch {
          reject(new Error(`${script} printed no JSON result:\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}
