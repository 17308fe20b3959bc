/**
 * The layout's rules, read from the source itself with the TypeScript compiler's own import
 * scanner: what ships never reaches into what only runs locally or only tests use, folders do
 * not import each other in circles, and each folder holds what its name says.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const PROJECT_DIR = path.resolve(__dirname, "../..");
const SKIPPED_DIRECTORIES = new Set(["node_modules", ".git", ".local"]);

/** What is deployed: the program, its components, the Lambda code, and what they share. */
const SHIPPED = ["index.ts", "program.ts", "components", "config", "contract", "handlers", "queries"];

interface SourceFile {
  /** Project-relative, with forward slashes. */
  file: string;
  text: string;
  /** Project-relative files this one imports (relative specifiers only). */
  imports: string[];
  /** Package specifiers this one imports. */
  packages: string[];
}

function sourceFiles(directory = PROJECT_DIR): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) found.push(...sourceFiles(path.join(directory, entry.name)));
    } else if (entry.name.endsWith(".ts")) {
      found.push(path.relative(PROJECT_DIR, path.join(directory, entry.name)).split(path.sep).join("/"));
    }
  }
  return found;
}

function resolveImport(from: string, specifier: string): string {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const candidates = [`${base}.ts`, `${base}.d.ts`, `${base}/index.ts`, base];
  return candidates.find((candidate) => fs.existsSync(path.join(PROJECT_DIR, candidate)) && fs.statSync(path.join(PROJECT_DIR, candidate)).isFile()) ?? base;
}

function readSources(): SourceFile[] {
  return sourceFiles().map((file) => {
    const text = fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");
    // Static imports and exports, `import x = require()`, require() calls and import() expressions.
    const specifiers = ts.preProcessFile(text, true, true).importedFiles.map((imported) => imported.fileName);
    return {
      file,
      text,
      imports: specifiers.filter((specifier) => specifier.startsWith(".")).map((specifier) => resolveImport(file, specifier)),
      packages: specifiers.filter((specifier) => !specifier.startsWith(".")),
    };
  });
}

const within = (file: string, folder: string): boolean => file === folder || file.startsWith(`${folder}/`);
const withinAny = (file: string, folders: readonly string[]): boolean => folders.some((folder) => within(file, folder));

/** Each import that breaks a rule, as "importer -> imported". */
function violations(sources: SourceFile[], importer: (file: string) => boolean, forbidden: (imported: string) => boolean): string[] {
  return sources.flatMap(({ file, imports }) => (importer(file) ? imports.filter(forbidden).map((imported) => `${file} -> ${imported}`) : []));
}

/**
 * The folder a file counts in for cycles. The bench is its own package whose runner and cases
 * share its top-level modules both ways; it counts as one folder (its internal layout is left to it).
 */
function folderOf(file: string): string {
  return within(file, "bench") ? "bench" : path.posix.dirname(file);
}

/** Strongly connected groups of more than one folder (Tarjan), each listed with the imports that close it. */
function folderCycles(sources: SourceFile[]): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const { file, imports } of sources) {
    const from = folderOf(file);
    for (const imported of imports) {
      const to = folderOf(imported);
      if (to === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (folder: string): void => {
    index.set(folder, index.size);
    lowLink.set(folder, index.get(folder)!);
    stack.push(folder);
    onStack.add(folder);
    for (const next of edges.get(folder) ?? []) {
      if (!index.has(next)) {
        visit(next);
        lowLink.set(folder, Math.min(lowLink.get(folder)!, lowLink.get(next)!));
      } else if (onStack.has(next)) {
        lowLink.set(folder, Math.min(lowLink.get(folder)!, index.get(next)!));
      }
    }
    if (lowLink.get(folder) === index.get(folder)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== folder);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const folder of edges.keys()) if (!index.has(folder)) visit(folder);
  return groups.map((group) =>
    violations(
      sources,
      (file) => group.includes(folderOf(file)),
      (imported) => group.includes(folderOf(imported)),
    ).filter((edge) => folderOf(edge.split(" -> ")[0]) !== folderOf(edge.split(" -> ")[1])),
  );
}

function declaresComponentResource(source: SourceFile): boolean {
  const parsed = ts.createSourceFile(source.file, source.text, ts.ScriptTarget.ES2022);
  return parsed.statements.some(
    (statement) =>
      ts.isClassDeclaration(statement) &&
      (statement.heritageClauses ?? []).some((clause) => clause.types.some((type) => /\bComponentResource$/.test(type.expression.getText(parsed)))),
  );
}

describe("architecture: the layout's import rules", function () {
  this.timeout(30_000);
  let sources: SourceFile[];
  before(() => {
    sources = readSources();
  });

  it("reads the whole tree: the program, every area's files and the tests", () => {
    const files = sources.map(({ file }) => file);
    for (const expected of [
      "index.ts",
      "program.ts",
      "components/flightDataPipeline.ts",
      "handlers/ingestion/index.ts",
      "policies/index.ts",
      "test/architecture/imports.test.ts",
    ]) {
      expect(files).to.include(expected);
    }
    expect(sources.find(({ file }) => file === "program.ts")!.imports).to.include("components/flightDataPipeline.ts");
  });

  it("nothing outside test/ imports test code; the bench only the reference writer in test/support/ it times the processing writer against", () => {
    const benchReachesBeyondSupport = violations(
      sources,
      (file) => within(file, "bench"),
      (imported) => within(imported, "test") && !within(imported, "test/support"),
    );
    const othersReachIntoTest = violations(
      sources,
      (file) => !within(file, "test") && !within(file, "bench"),
      (imported) => within(imported, "test"),
    );
    expect([...benchReachesBeyondSupport, ...othersReachIntoTest]).to.deep.equal([]);
  });

  it("what ships imports only what ships", () => {
    expect(
      violations(
        sources,
        (file) => withinAny(file, SHIPPED),
        (imported) => !withinAny(imported, SHIPPED),
      ),
    ).to.deep.equal([]);
  });

  it("no two folders import each other, directly or around a circle", () => {
    expect(folderCycles(sources)).to.deep.equal([]);
  });

  it("components never import handlers: the program hands each stage its handler", () => {
    expect(
      violations(
        sources,
        (file) => within(file, "components"),
        (imported) => within(imported, "handlers"),
      ),
    ).to.deep.equal([]);
  });

  it("handlers import only handlers/ and contract/, and no @pulumi package: they run in Lambda without the program", () => {
    const outside = violations(
      sources,
      (file) => within(file, "handlers"),
      (imported) => !withinAny(imported, ["handlers", "contract"]),
    );
    const pulumi = sources
      .filter(({ file }) => within(file, "handlers"))
      .flatMap(({ file, packages }) => packages.filter((name) => name.startsWith("@pulumi/")).map((name) => `${file} -> ${name}`));
    expect([...outside, ...pulumi]).to.deep.equal([]);
  });

  it("the cost estimate reads the stack's configuration, its mocked resources and the contract, never the Lambda code", () => {
    expect(
      violations(
        sources,
        (file) => within(file, "cost"),
        (imported) => withinAny(imported, ["handlers", "components"]),
      ),
    ).to.deep.equal([]);
  });

  it("components/ holds ComponentResources; what they are built from lives in components/support/", () => {
    const notComponents = sources.filter((source) => path.posix.dirname(source.file) === "components" && !declaresComponentResource(source));
    const componentsInSupport = sources.filter((source) => within(source.file, "components/support") && declaresComponentResource(source));
    expect({ notComponents: notComponents.map(({ file }) => file), componentsInSupport: componentsInSupport.map(({ file }) => file) }).to.deep.equal({
      notComponents: [],
      componentsInSupport: [],
    });
  });

  it("test/ holds test files; the code they share lives in test/support/", () => {
    const helpersOutsideSupport = sources.filter(({ file }) => within(file, "test") && !within(file, "test/support") && !file.endsWith(".test.ts"));
    expect(helpersOutsideSupport.map(({ file }) => file)).to.deep.equal([]);
  });
});
