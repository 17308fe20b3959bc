/**
 * The SQL files in this folder as the program creates them (Athena named queries) and the tests
 * run them (DuckDB over a local run's output): one loader, so both use the text that is shipped.
 *
 * Each file starts with comment lines: the first says what the query answers, one starting
 * "Parameters:" lists its `?` placeholders in order, and the rest say how Athena and DuckDB differ
 * for it. The whole file, comments included, is the named query.
 */
import * as fs from "fs";
import * as path from "path";

export interface SavedQuery {
  /** The file name without .sql: the named query's name. */
  name: string;
  /** The first comment line. */
  description: string;
  /** What the Parameters: line says the placeholders are. */
  parameters: string;
  /** Number of `?` placeholders outside comments and string literals. */
  placeholderCount: number;
  sql: string;
}

export const QUERIES_DIR = __dirname;

const commentLines = (sql: string): string[] =>
  sql
    .split("\n")
    .filter((line) => line.startsWith("--"))
    .map((line) => line.replace(/^--\s?/, ""));

function placeholders(sql: string): number {
  const code = sql
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("--"))
    .join("\n")
    .replace(/'(?:[^']|'')*'/g, "''");
  return (code.match(/\?/g) ?? []).length;
}

export function readSavedQuery(file: string): SavedQuery {
  const sql = fs.readFileSync(file, "utf8");
  const comments = commentLines(sql);
  const description = comments[0];
  const parameters = comments.find((line) => line.startsWith("Parameters:"));
  if (description === undefined || parameters === undefined) {
    throw new Error(`${file}: a saved query starts with a comment saying what it answers and a "-- Parameters:" line`);
  }
  return {
    name: path.basename(file, ".sql"),
    description,
    parameters: parameters.slice("Parameters:".length).trim(),
    placeholderCount: placeholders(sql),
    sql,
  };
}

/** Every .sql file in the folder, by name. */
export function savedQueries(dir = QUERIES_DIR): SavedQuery[] {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .map((file) => readSavedQuery(path.join(dir, file)));
}
