/**
 * The README and docs/ as a reader follows them: every relative link lands on a file and heading
 * that exist, and the quality-check table says what the code does. The alarm and output tables are
 * checked in test/program/components.test.ts, against the program it builds once.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { createQualityChecks } from "../../handlers/validation/qualityChecks";
import { tableRows } from "../support/markdown";

const ROOT = path.resolve(__dirname, "../..");

function read(file: string): string {
  return fs.readFileSync(path.join(ROOT, file), "utf8");
}

function documents(): string[] {
  const docs = fs.readdirSync(path.join(ROOT, "docs")).filter((name) => name.endsWith(".md"));
  return ["README.md", "policies/RULES.md", ...docs.map((name) => `docs/${name}`)];
}

/** Markdown outside fenced code blocks, where `[x](y)` is text, not a link. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, "");
}

/** The anchors GitHub gives a document's headings. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = heading!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, "")
      .replace(/ /g, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

describe("documentation", function () {
  describe("links", () => {
    for (const document of documents()) {
      it(`resolves every relative link in ${document}`, () => {
        const text = read(document);
        const broken: string[] = [];
        for (const [, target] of prose(text).matchAll(/\]\(([^)\s]+)\)/g)) {
          if (/^[a-z]+:/i.test(target!)) continue;
          const [file, anchor] = target!.split("#") as [string, string | undefined];
          const resolved = file === "" ? document : path.posix.normalize(path.posix.join(path.posix.dirname(document), file));
          if (!fs.existsSync(path.join(ROOT, resolved))) {
            broken.push(`${target}: no file ${resolved}`);
            continue;
          }
          if (anchor !== undefined && resolved.endsWith(".md") && !anchors(read(resolved)).has(anchor)) {
            broken.push(`${target}: no heading #${anchor} in ${resolved}`);
          }
        }
        expect(broken, document).to.deep.equal([]);
      });
    }

    it("finds the headings GitHub links to", () => {
      expect([...anchors("# Running it locally\n## `<function>-errors`\n## Logs, traces and the tools\n## A\n## A\n")]).to.deep.equal([
        "running-it-locally",
        "function-errors",
        "logs-traces-and-the-tools",
        "a",
        "a-1",
      ]);
    });
  });

  describe("tables that restate code", () => {
    it("states in docs/handlers.md each quality check's name, kind and rule, in report order", () => {
      const documented = tableRows(read("docs/handlers.md"), "check").map((cells) => cells.map((cell) => cell.replace(/\\\|/g, "|")));
      const defined = createQualityChecks().map((check) => [`\`${check.name}\``, check.severity, check.rule]);
      expect(documented).to.deep.equal(defined);
    });
  });
});
