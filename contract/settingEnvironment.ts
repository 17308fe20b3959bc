/**
 * How a setting travels in a function's environment: the text the components write and what the
 * handlers read back, with the same bounds the stack configuration was checked against. A missing
 * or malformed variable stops the container at init with an error naming the variable, its value
 * and what is allowed, instead of surfacing later as a confusing AWS error.
 */
import {
  BOUNDING_BOX_RULE,
  normalizedUrl,
  upperBound,
  URL_RULE,
  type BooleanSetting,
  type BoundingBox,
  type BoundingBoxSetting,
  type ChoiceSetting,
  type FractionSetting,
  type IntegerSetting,
  type TextSetting,
  type UrlSetting,
} from "./settings";

export type Environment = Readonly<Record<string, string | undefined>>;

/** A setting that reaches a handler. */
type InEnvironment<T> = T & { env: string };

function notAllowed(name: string, value: string, allowed: string): Error {
  return new Error(`${name}=${JSON.stringify(value)} is not allowed: it must be ${allowed}`);
}

/** A set variable with surrounding whitespace removed; undefined when unset or blank. */
function present(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

export function readRequiredText(env: Environment, setting: InEnvironment<TextSetting>): string {
  const value = present(env, setting.env);
  if (value === undefined) throw new Error(`${setting.env} is not set: it must hold ${setting.meaning}`);
  return value;
}

export function readOptionalText(env: Environment, setting: InEnvironment<TextSetting>): string | undefined {
  return present(env, setting.env);
}

export function readInteger(env: Environment, setting: InEnvironment<IntegerSetting>): number {
  const value = present(env, setting.env);
  const allowed = `an integer from ${setting.min} to ${upperBound(setting)}`;
  if (value === undefined) {
    if (setting.defaultValue === undefined) throw new Error(`${setting.env} is not set: it must be ${allowed}`);
    return setting.defaultValue;
  }
  const parsed = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < setting.min || parsed > upperBound(setting)) throw notAllowed(setting.env, value, allowed);
  return parsed;
}

export function readFraction(env: Environment, setting: InEnvironment<FractionSetting>): number {
  const value = present(env, setting.env);
  if (value === undefined) return setting.defaultValue;
  const parsed = /^[0-9.eE+-]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1) throw notAllowed(setting.env, value, "a number from 0 to 1");
  return parsed;
}

export function readBoolean(env: Environment, setting: InEnvironment<BooleanSetting>): boolean {
  const value = present(env, setting.env);
  if (value === undefined) return setting.defaultValue;
  const lower = value.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  throw notAllowed(setting.env, value, "true or false");
}

/** Matched regardless of case: the components write the canonical spelling, people set either. */
export function readChoice<T extends string>(env: Environment, setting: InEnvironment<ChoiceSetting<T>>): T {
  const value = present(env, setting.env);
  if (value === undefined) return setting.defaultValue;
  const match = setting.values.find((choice) => choice.toLowerCase() === value.toLowerCase());
  if (match === undefined) throw notAllowed(setting.env, value, `one of ${setting.values.join(", ")}`);
  return match;
}

/** Without its trailing slashes, so paths join onto it the same way whichever was configured. */
export function readUrl(env: Environment, setting: InEnvironment<UrlSetting>): string {
  const value = present(env, setting.env) ?? setting.defaultValue;
  const url = normalizedUrl(value);
  if (url === undefined) throw notAllowed(setting.env, value, URL_RULE);
  return url;
}

/** "lamin,lomin,lamax,lomax", the order of OpenSky's query parameters. */
export function formatBoundingBox(box: BoundingBox): string {
  return [box.lamin, box.lomin, box.lamax, box.lomax].join(",");
}

export function readBoundingBox(env: Environment, setting: InEnvironment<BoundingBoxSetting>): BoundingBox | undefined {
  const value = present(env, setting.env);
  if (value === undefined) return undefined;
  const allowed = `four comma-separated numbers lamin,lomin,lamax,lomax with ${BOUNDING_BOX_RULE}`;
  const numbers = value.split(",").map((part) => (part.trim() === "" ? Number.NaN : Number(part.trim())));
  if (numbers.length !== 4 || numbers.some((n) => !Number.isFinite(n))) throw notAllowed(setting.env, value, allowed);
  const [lamin, lomin, lamax, lomax] = numbers as [number, number, number, number];
  const inRange = lamin >= -90 && lamax <= 90 && lamin < lamax && lomin >= -180 && lomax <= 180 && lomin < lomax;
  if (!inRange) throw notAllowed(setting.env, value, allowed);
  return { lamin, lomin, lamax, lomax };
}
