/**
 * Prints each function's deployment package for a stack, as `pulumi up` would upload it: the
 * npm packages it ships and its size, zipped and unpacked.
 *
 *   npm run packages -- --stack prod
 */
import { buildMockedProgram } from "../mocked-program/mockedProgram";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf("--stack");
  const stack = at >= 0 ? args[at + 1] : "dev";
  if (!stack || stack.startsWith("-")) throw new Error("usage: npm run packages -- --stack <dev|prod>");
  const program = await buildMockedProgram({ stack });
  const rows = Object.entries(program.functionPackages).map(([name, pkg]) => ({
    function: name,
    packages: pkg.packages.join(", ") || "(none: code only)",
    zip: `${(pkg.zipBytes / 1024).toFixed(1)} KiB`,
    unpacked: `${(pkg.uncompressedBytes / 1024).toFixed(1)} KiB`,
    files: pkg.files.length,
  }));
  console.table(rows);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
