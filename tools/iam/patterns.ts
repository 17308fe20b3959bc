/**
 * IAM's wildcard matching: `*` any run of characters (none included), `?` exactly one.
 *
 * - Actions match case-insensitively (`s3:Get*` covers `s3:GetObject`).
 * - ARNs (a statement's Resource, the Arn* condition operators) match component by component:
 *   partition, service, region, account and resource, the last holding everything after the fifth
 *   colon. A `*` at the end of a pattern with fewer components stands for the rest of the ARN, so
 *   `*` alone matches every resource.
 */

const cache = new Map<string, RegExp>();

export function wildcardMatches(pattern: string, value: string, ignoreCase = false): boolean {
  const cacheKey = `${ignoreCase ? "i" : "c"}${pattern}`;
  let regex = cache.get(cacheKey);
  if (regex === undefined) {
    const body = pattern.replace(/[.+^${}()|[\]\\*?]/g, (character) => (character === "*" ? "[\\s\\S]*" : character === "?" ? "[\\s\\S]" : `\\${character}`));
    regex = new RegExp(`^${body}$`, ignoreCase ? "i" : "");
    cache.set(cacheKey, regex);
  }
  return regex.test(value);
}

export function actionMatches(pattern: string, action: string): boolean {
  return wildcardMatches(pattern, action, true);
}

/** arn:partition:service:region:account:resource → its six components, or undefined when it is not an ARN. */
function arnComponents(value: string): string[] | undefined {
  const parts: string[] = [];
  let rest = value;
  for (let component = 0; component < 5; component++) {
    const colon = rest.indexOf(":");
    if (colon === -1) return undefined;
    parts.push(rest.slice(0, colon));
    rest = rest.slice(colon + 1);
  }
  parts.push(rest);
  return parts;
}

export function arnMatches(pattern: string, arn: string): boolean {
  if (pattern === "*") return true;
  const target = arnComponents(arn);
  if (target === undefined) return wildcardMatches(pattern, arn);
  const components = arnComponents(pattern);
  if (components === undefined) {
    // Fewer than six components: only a trailing * may stand for the ones left out.
    const partial = pattern.split(":");
    const last = partial.length - 1;
    if (!partial[last]?.endsWith("*")) return false;
    return (
      partial.slice(0, last).every((component, index) => wildcardMatches(component, target[index] as string)) &&
      wildcardMatches(partial[last] as string, target.slice(last).join(":"))
    );
  }
  return components.every((component, index) => wildcardMatches(component, target[index] as string));
}
