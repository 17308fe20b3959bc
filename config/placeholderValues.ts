/**
 * Values a stack must not deploy with: an alert address that can never receive mail, and an
 * OpenSky client id that was made up rather than copied from an OpenSky account. Both fail
 * silently once deployed (SNS deletes a subscription nobody confirms; OpenSky answers every
 * token request with 401), so the preview refuses them, saying what is wrong and what to run.
 */

/**
 * Domains that can never receive mail, by the standards that reserve them: example.com, .net and
 * .org (RFC 2606 §3) and everything under them.
 */
const RESERVED_DOMAINS = ["example.com", "example.net", "example.org"];

/**
 * Top-level names reserved for documentation, tests and local networks: .example, .invalid,
 * .localhost and .test (RFC 2606 §2, RFC 6761), .local (multicast DNS, RFC 6762), .onion
 * (RFC 7686), .home.arpa (RFC 8375) and .internal (reserved by ICANN for private use, 2024).
 */
const RESERVED_SUFFIXES = ["example", "invalid", "localhost", "test", "local", "onion", "home.arpa", "internal"];

/** What is wrong with an alert address, or undefined when mail can be delivered to it. */
export function alertEmailProblem(address: string): string | undefined {
  const match = /^([^@\s]+)@([^@\s]+)$/.exec(address);
  if (!match) return "must be an email address";
  const domain = match[2].toLowerCase().replace(/\.$/, "");
  if (domain.startsWith("[") || /^\d+(\.\d+){3}$/.test(domain)) return "must name a mail domain, not an IP address";
  const reserved =
    RESERVED_DOMAINS.find((name) => domain === name || domain.endsWith(`.${name}`)) ??
    RESERVED_SUFFIXES.find((suffix) => domain === suffix || domain.endsWith(`.${suffix}`));
  if (reserved) {
    return (
      `uses ${reserved}, a name reserved so that it never receives mail: the SNS confirmation would never arrive, ` +
      "SNS deletes the pending subscription, and no alarm or quality alert would reach anyone"
    );
  }
  if (!/^([a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]$/.test(domain)) return "must be an email address with a registered domain (name.tld)";
  return undefined;
}

/** Words people write where a value still has to be filled in. */
const PLACEHOLDER_WORDS = new Set([
  "your",
  "my",
  "example",
  "sample",
  "placeholder",
  "dummy",
  "fake",
  "changeme",
  "todo",
  "tbd",
  "fixme",
  "replace",
  "insert",
  "tbc",
]);

/** Words that describe an OpenSky client or a deployment stage rather than identify anyone's client. */
const GENERIC_CLIENT_WORDS = new Set([
  "opensky",
  "client",
  "id",
  "api",
  "oauth",
  "prod",
  "production",
  "dev",
  "development",
  "staging",
  "stage",
  "qa",
  "uat",
  "live",
]);

const wordsOf = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== "");

/**
 * What is wrong with an OpenSky client id, or undefined when it may be real. OpenSky issues the
 * client id in the user's account; refused, because nobody copied them from there:
 * - template syntax or prose: whitespace, `<…>`, `{…}`, `$`, `…` or `...`;
 * - a placeholder word (your, my, example, changeme, todo, xxx, …) anywhere in it;
 * - an id made only of this project's and stack's names and words that describe a client or a
 *   stage (opensky, client, id, api, oauth, prod, dev, staging, …), like `flight-data-pipeline-prod`
 *   or `opensky-client-id`.
 */
export function openskyClientIdProblem(clientId: string, project: string, stack: string | undefined): string | undefined {
  if (/[\s<>{}$]|\.\.\.|…/.test(clientId)) return "looks like a template, not a client id (it has spaces, brackets, $ or an ellipsis)";
  const words = wordsOf(clientId);
  const placeholder = words.find((word) => PLACEHOLDER_WORDS.has(word) || /^x{3,}$/.test(word));
  if (placeholder) return `holds the placeholder word "${placeholder}": copy the client id from your OpenSky account page`;
  const own = new Set([...wordsOf(project), ...wordsOf(stack ?? ""), ...GENERIC_CLIENT_WORDS]);
  if (words.every((word) => own.has(word))) {
    return (
      "is made only of this project's and stack's names and generic words, so it was not issued by OpenSky: " +
      "copy the client id from your OpenSky account page (API client credentials)"
    );
  }
  return undefined;
}

/** Settings a stack may insist on (`requiredSettings`), with the commands that set them. */
export const REQUIRED_SETTING_COMMANDS: Record<string, (stackFlag: string) => string> = {
  errorNotificationEmail: (stackFlag) => `pulumi config set errorNotificationEmail <address that receives the alarms>${stackFlag}`,
  "opensky.clientId": (stackFlag) =>
    `pulumi config set --path opensky.clientId <client id from your OpenSky account>${stackFlag} ` +
    `&& pulumi config set --secret openskyClientSecret${stackFlag} (prompts for the secret)`,
};
