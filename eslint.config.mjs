// Lint for the whole tree (npm run lint): ESLint's and typescript-eslint's recommended rules on
// syntax only, so it runs in seconds; tsc --noEmit (strict) does the type checking.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  { ignores: ["**/node_modules/**", ".local/**", "**/*.js", "**/*.cjs"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `_`-prefixed names are deliberately unused (a callback's position, a destructured rest).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // require() is how this code loads by path at run time (a function package, a generated
      // module), loads lazily what a cold start may not need (the tracer), and imports the
      // untyped CommonJS files of hyparquet and the stand-ins; each use is deliberate.
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    // Tests and dev tooling walk untyped JSON: resource inputs from Pulumi's mocks, the policy
    // engine's arguments, recorded requests. What ships keeps `any` out.
    files: ["test/**", "mocked-program/**", "local/**", "tools/**", "bench/**", "policies/offline/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // chai's property assertions (`expect(x).to.be.empty`) are expressions by design.
    files: ["test/**"],
    rules: { "@typescript-eslint/no-unused-expressions": "off" },
  },
);
