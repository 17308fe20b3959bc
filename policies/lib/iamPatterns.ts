/** How IAM matches names and ARNs, reduced to what the rules need. */

/** True when an IAM-style pattern (with `*` and `?` wildcards) matches the value, ignoring case as IAM does for action names. */
export function wildcardMatches(pattern: string, value: string): boolean {
  const source = pattern
    .split("")
    .map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, "i").test(value);
}

/** `*`, or a whole service such as `s3:*`: an action pattern that grants everything a service offers. */
export function isWholeServiceAction(action: string): boolean {
  if (/^\*+$/.test(action)) return true;
  const [service, name] = action.split(":", 2);
  return service !== undefined && name !== undefined && (/^\*+$/.test(service) || /^\*+$/.test(name));
}

/** `*`, or an ARN whose resource part is only a wildcard (`arn:aws:s3:::*`, `arn:aws:sqs:*:*:*`). */
export function isWildcardResource(resource: string): boolean {
  if (/^\*+$/.test(resource)) return true;
  const parts = resource.split(":");
  return parts[0] === "arn" && parts.length >= 6 && /^\*+$/.test(parts.slice(5).join(":"));
}

/**
 * The resource name inside an ARN: `my-fn` in `arn:aws:lambda:r:a:function:my-fn:live`, `my-role`
 * in `arn:aws:iam::a:role/path/my-role`, `my-bucket` in `arn:aws:s3:::my-bucket`.
 */
export function arnResourceName(arn: string): string | undefined {
  const parts = arn.split(":");
  if (parts[0] !== "arn" || parts.length < 6) return undefined;
  const resource = parts.slice(5);
  if (resource.length > 1) return resource[1];
  const path = resource[0].split("/");
  return path[path.length - 1];
}

/** The account itself (`arn:aws:iam::111122223333:root` or the bare account id), whose IAM policies then decide. */
export function isAccountRoot(principal: string): boolean {
  return /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(principal) || /^\d{12}$/.test(principal);
}

/** An AWS-managed key such as `alias/aws/sqs`, by alias name or alias ARN: its policy cannot be restricted. */
export function isAwsManagedKeyAlias(keyId: string): boolean {
  return /(^|:)alias\/aws\//i.test(keyId);
}
