/**
 * Reads typed values out of raw stack configuration by dotted path (`lambdaConfig.ingestion.timeout`),
 * collecting every problem instead of stopping at the first, and remembering what it read so that a
 * misspelt key is reported rather than silently ignored.
 */

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` + problems.map((p) => `  - ${p}`).join("\n"));
    this.name = "ConfigError";
  }
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export class ConfigReader {
  private readonly problems: string[] = [];
  private readonly read = new Set<string>();
  private readonly maps = new Set<string>();
  private readonly parsed: Record<string, unknown> = {};

  constructor(
    private readonly namespace: string,
    raw: Record<string, unknown>,
  ) {
    for (const [key, value] of Object.entries(raw)) {
      this.parsed[key] = this.parseTopLevel(key, value);
    }
  }

  /** Records a problem with the key, the value it has and what is allowed. */
  fail(path: string, value: unknown, allowed: string): void {
    this.problems.push(`${this.namespace}:${path} = ${show(value)}: ${allowed}`);
  }

  /** The value at a dotted path, or undefined when any segment is absent. */
  get(path: string): unknown {
    this.read.add(path);
    let node: unknown = this.parsed;
    for (const segment of path.split(".")) {
      if (node === null || typeof node !== "object" || Array.isArray(node)) return undefined;
      node = (node as Record<string, unknown>)[segment];
    }
    return node;
  }

  has(path: string): boolean {
    return this.get(path) !== undefined;
  }

  integer(path: string, fallback: number, min: number, max: number, unit = ""): number {
    const value = this.get(path);
    if (value === undefined) return fallback;
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
      this.fail(path, value, `must be an integer from ${min} to ${max}${unit ? ` ${unit}` : ""}`);
      return fallback;
    }
    return n;
  }

  integerAmong(path: string, fallback: number, allowed: readonly number[]): number {
    const value = this.get(path);
    if (value === undefined) return fallback;
    const n = typeof value === "string" ? Number(value) : value;
    if (typeof n !== "number" || !allowed.includes(n)) {
      this.fail(path, value, `must be one of ${allowed.join(", ")}`);
      return fallback;
    }
    return n;
  }

  number(path: string, fallback: number, min: number, max: number): number {
    const value = this.get(path);
    if (value === undefined) return fallback;
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    if (typeof n !== "number" || !Number.isFinite(n) || n < min || n > max) {
      this.fail(path, value, `must be a number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  }

  /** A required number: absent is a problem too. */
  requiredNumber(path: string, min: number, max: number): number {
    if (!this.has(path)) {
      this.fail(path, undefined, `is required, a number from ${min} to ${max}`);
      return min;
    }
    return this.number(path, min, min, max);
  }

  fraction(path: string, fallback: number): number {
    const value = this.get(path);
    if (value === undefined) return fallback;
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    if (typeof n !== "number" || !Number.isFinite(n) || n < 0 || n > 1) {
      this.fail(path, value, "must be a fraction from 0 to 1 (0.8 means 80%)");
      return fallback;
    }
    return n;
  }

  boolean(path: string, fallback: boolean): boolean {
    const value = this.get(path);
    if (value === undefined) return fallback;
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    this.fail(path, value, "must be true or false");
    return fallback;
  }

  oneOf<T extends string>(path: string, allowed: readonly T[], fallback: T): T {
    const value = this.get(path);
    if (value === undefined) return fallback;
    if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
      this.fail(path, value, `must be one of ${allowed.join(", ")}`);
      return fallback;
    }
    return value as T;
  }

  /** A string with a default; `problem` returns what is wrong with a value, or undefined. */
  string(path: string, fallback: string, problem?: (value: string) => string | undefined): string {
    return this.optionalString(path, problem) ?? fallback;
  }

  optionalString(path: string, problem?: (value: string) => string | undefined): string | undefined {
    const value = this.get(path);
    if (value === undefined) return undefined;
    if (typeof value !== "string" || value === "") {
      this.fail(path, value, "must be a non-empty string");
      return undefined;
    }
    const why = problem?.(value);
    if (why) {
      this.fail(path, value, why);
      return undefined;
    }
    return value;
  }

  /** A map of free-form string keys (tags, environment variables): its keys are not "unknown". */
  stringMap(path: string, keyPattern?: RegExp, keyRule?: string): Record<string, string> {
    this.maps.add(path);
    const value = this.get(path);
    if (value === undefined) return {};
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      this.fail(path, value, "must be a map of string keys to string values");
      return {};
    }
    const result: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) {
      if (keyPattern && !keyPattern.test(k)) {
        this.fail(`${path}.${k}`, v, keyRule ?? `key must match ${keyPattern}`);
      } else if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") {
        result[k] = String(v);
      } else {
        this.fail(`${path}.${k}`, v, "must be a string");
      }
    }
    return result;
  }

  stringList(path: string, itemPattern: RegExp, itemRule: string): string[] {
    const value = this.get(path);
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.fail(path, value, "must be a list");
      return [];
    }
    const result: string[] = [];
    value.forEach((item, i) => {
      if (typeof item === "string" && itemPattern.test(item)) result.push(item);
      else this.fail(`${path}[${i}]`, item, itemRule);
    });
    return result;
  }

  /** Throws every collected problem, including keys present in the config that nothing read. */
  finish(): void {
    this.collectUnknown(this.parsed, "");
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }

  private collectUnknown(node: Record<string, unknown>, prefix: string): void {
    for (const [key, value] of Object.entries(node)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (this.maps.has(path)) continue;
      const isObject = value !== null && typeof value === "object" && !Array.isArray(value);
      if (isObject && [...this.read].some((p) => p.startsWith(`${path}.`))) {
        this.collectUnknown(value as Record<string, unknown>, path);
      } else if (!this.read.has(path)) {
        this.fail(path, value, "is not a setting of this project (misspelt?); see docs/configuration.md for every key");
      }
    }
  }

  private parseTopLevel(key: string, value: unknown): unknown {
    if (typeof value !== "string") return value;
    const trimmed = value.trim();
    if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return value;
    try {
      return JSON.parse(trimmed);
    } catch (err) {
      this.fail(key, value, `is not valid JSON (${(err as Error).message})`);
      return undefined;
    }
  }
}
