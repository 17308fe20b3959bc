/**
 * Reads one setting of contract/settings.ts from the stack configuration with its own key,
 * default and bounds, so the stack and the handlers check a value against the same rule.
 */
import {
  normalizedUrl,
  upperBound,
  URL_RULE,
  type BooleanSetting,
  type ChoiceSetting,
  type FractionSetting,
  type IntegerChoiceSetting,
  type IntegerSetting,
  type NumberSetting,
  type TextSetting,
  type UrlSetting,
} from "../contract/settings";
import type { ConfigReader } from "./configReader";

type Keyed<T> = T & { key: string };

export function integerOf(r: ConfigReader, s: Keyed<IntegerSetting> & { defaultValue: number }): number {
  return r.integer(s.key, s.defaultValue, s.min, upperBound(s), s.unit);
}

/** An integer without a default: undefined when unset. */
export function optionalIntegerOf(r: ConfigReader, s: Keyed<IntegerSetting>): number | undefined {
  return r.has(s.key) ? r.integer(s.key, s.min, s.min, upperBound(s), s.unit) : undefined;
}

export function integerChoiceOf(r: ConfigReader, s: Keyed<IntegerChoiceSetting>): number {
  return r.integerAmong(s.key, s.defaultValue, s.values);
}

export function numberOf(r: ConfigReader, s: Keyed<NumberSetting>): number {
  return r.number(s.key, s.defaultValue, s.min, s.max);
}

export function fractionOf(r: ConfigReader, s: Keyed<FractionSetting>): number {
  return r.fraction(s.key, s.defaultValue);
}

export function booleanOf(r: ConfigReader, s: Keyed<BooleanSetting>): boolean {
  return r.boolean(s.key, s.defaultValue);
}

export function choiceOf<T extends string>(r: ConfigReader, s: Keyed<ChoiceSetting<T>>): T {
  return r.oneOf(s.key, s.values, s.defaultValue);
}

export function textOf(r: ConfigReader, s: Keyed<TextSetting> & { defaultValue: string }): string {
  return r.string(s.key, s.defaultValue, s.problem);
}

/** `problem` adds a check that needs more than the value (the stack's name, say). */
export function optionalTextOf(r: ConfigReader, s: Keyed<TextSetting>, problem = s.problem): string | undefined {
  return r.optionalString(s.key, problem);
}

/** Without trailing slashes, as the handlers read it. */
export function urlOf(r: ConfigReader, s: Keyed<UrlSetting>): string {
  const value = r.string(s.key, s.defaultValue, (v) => (normalizedUrl(v) === undefined ? `must be ${URL_RULE}` : undefined));
  return normalizedUrl(value) ?? value;
}
