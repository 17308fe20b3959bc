/**
 * The comparison tools live in bench/'s own package so they never reach the root install or a
 * Lambda package. A fresh clone has only the root's node_modules: install bench/'s from its lock.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const BENCH_DIR = __dirname;
const REQUIRED = ["@duckdb/node-api", "@dsnp/parquetjs", "parquet-wasm", "apache-arrow"];

function missing(): string[] {
  return REQUIRED.filter((name) => !fs.existsSync(path.join(BENCH_DIR, "node_modules", ...name.split("/"), "package.json")));
}

export function ensureBenchDependencies(): void {
  const absent = missing();
  if (absent.length === 0) return;
  console.log(`installing bench/ dependencies (${absent.join(", ")} missing): npm ci --prefix bench`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  execFileSync(npm, ["ci", "--prefix", BENCH_DIR, "--no-audit", "--no-fund"], { stdio: "inherit" });
  const stillAbsent = missing();
  if (stillAbsent.length > 0) throw new Error(`npm ci --prefix bench did not install ${stillAbsent.join(", ")}`);
}
