/**
 * AWS's policy evaluation for a role of this account calling a resource of this account, as
 * documented in the IAM User Guide ("Policy evaluation logic", "Determining whether a request is
 * allowed or denied within an account") and the KMS Developer Guide ("Troubleshooting key
 * access"), restricted to the policy types the stack has:
 *
 * 1. A Deny statement that applies, in any of the policies, denies.
 * 2. Otherwise an Allow in the role's identity policies, or in the resource's policy naming the
 *    role (or everyone), allows. A resource policy that names the account only lets the account's
 *    IAM policies decide.
 * 3. KMS keys are the exception: the key policy must take part. It allows directly when it names
 *    the role; a statement naming the account root (`arn:…:root`) makes the role's IAM policies
 *    count. A grant for the role allows the operations it lists.
 * 4. Anything else is an implicit deny.
 *
 * No service control, resource control or session policies and no permission boundaries exist
 * in the stack, so they are not modelled.
 */
import { evaluateCondition, type RequestContext } from "./conditionOperators";
import { actionMatches, arnMatches } from "./patterns";
import type { ParsedStatement, PolicyDocument, Principals } from "./policyLanguage";

/** A Lambda function's role, as the function's credentials present it. */
export interface RolePrincipal {
  readonly roleArn: string;
  /** arn:aws:sts::<account>:assumed-role/<role name>/<session>: what the request is signed as. */
  readonly sessionArn: string;
  readonly account: string;
}

export interface AuthorizationRequest {
  readonly principal: RolePrincipal;
  /** service:Action, e.g. s3:GetObject. */
  readonly action: string;
  readonly resource: string;
  readonly context: RequestContext;
}

/** A KMS grant: lets its grantee use the key for the listed operations, whatever the policies say (bar an explicit deny). */
export interface KmsGrant {
  readonly keyArn: string;
  readonly granteePrincipal: string;
  /** KMS operation names: Decrypt, GenerateDataKey, … */
  readonly operations: readonly string[];
  /** The grant applies only to requests whose encryption context holds these pairs (KMS's EncryptionContextSubset constraint). */
  readonly encryptionContextSubset?: Readonly<Record<string, string>>;
  /** Who creates it and why, for the report. */
  readonly description: string;
}

export interface ApplicablePolicies {
  readonly identity: readonly PolicyDocument[];
  /** The bucket's, queue's or topic's policy, when it has one. */
  readonly resource?: PolicyDocument;
  /** For a KMS action: the key's policy and its grants. */
  readonly key?: { readonly policy: PolicyDocument; readonly grants: readonly KmsGrant[] };
}

export interface StatementMatch {
  readonly document: PolicyDocument;
  readonly statement: ParsedStatement;
  /** The Action entry that matched; absent for a NotAction statement. */
  readonly actionPattern?: string;
  /** The Resource entry that matched; absent for a NotResource statement. */
  readonly resourcePattern?: string;
  /** Per condition of the statement (same order), the policy values that made it hold. */
  readonly conditionValues: readonly (readonly string[])[];
  /** In resource and key policies: whether the statement names the role itself (or everyone) or only its account. */
  readonly principal?: "direct" | "account";
}

export type Decision =
  | {
      readonly outcome: "allowed";
      /** The statements that allow it. */
      readonly by: readonly StatementMatch[];
      /** For a key: the key policy statements that let IAM policies count. */
      readonly enabledBy: readonly StatementMatch[];
      readonly grants: readonly KmsGrant[];
    }
  | { readonly outcome: "explicit-deny"; readonly by: readonly StatementMatch[] }
  | { readonly outcome: "implicit-deny"; readonly why: string };

function principalMatch(principals: Principals, principal: RolePrincipal): "direct" | "account" | undefined {
  if (principals.everyone) return "direct";
  if (principals.aws.some((entry) => entry === principal.roleArn || entry === principal.sessionArn)) return "direct";
  const root = `:iam::${principal.account}:root`;
  if (principals.aws.some((entry) => entry === principal.account || (entry.startsWith("arn:") && entry.endsWith(root)))) return "account";
  return undefined;
}

/** How the statement applies to the request, or undefined when it does not. */
export function statementMatch(document: PolicyDocument, statement: ParsedStatement, request: AuthorizationRequest): StatementMatch | undefined {
  let actionPattern: string | undefined;
  if (statement.actions !== undefined) {
    actionPattern = statement.actions.find((pattern) => actionMatches(pattern, request.action));
    if (actionPattern === undefined) return undefined;
  } else if (statement.notActions?.some((pattern) => actionMatches(pattern, request.action))) {
    return undefined;
  }

  let resourcePattern: string | undefined;
  if (statement.resources !== undefined) {
    resourcePattern = statement.resources.find((pattern) => arnMatches(pattern, request.resource));
    if (resourcePattern === undefined) return undefined;
  } else if (statement.notResources?.some((pattern) => arnMatches(pattern, request.resource))) {
    return undefined;
  }

  let principal: "direct" | "account" | undefined;
  if (document.kind !== "identity") {
    if (statement.principal !== undefined) {
      principal = principalMatch(statement.principal, request.principal);
      if (principal === undefined) return undefined;
    } else if (statement.notPrincipal !== undefined) {
      if (principalMatch(statement.notPrincipal, request.principal) !== undefined) return undefined;
      principal = "direct";
    }
  }

  const conditionValues: (readonly string[])[] = [];
  for (const condition of statement.conditions) {
    const result = evaluateCondition(condition, request.context);
    if (!result.holds) return undefined;
    conditionValues.push(result.matched);
  }
  return {
    document,
    statement,
    ...(actionPattern === undefined ? {} : { actionPattern }),
    ...(resourcePattern === undefined ? {} : { resourcePattern }),
    conditionValues,
    ...(principal === undefined ? {} : { principal }),
  };
}

function matches(documents: readonly PolicyDocument[], effect: "Allow" | "Deny", request: AuthorizationRequest): StatementMatch[] {
  const found: StatementMatch[] = [];
  for (const document of documents) {
    for (const statement of document.statements) {
      if (statement.effect !== effect) continue;
      const match = statementMatch(document, statement, request);
      if (match !== undefined) found.push(match);
    }
  }
  return found;
}

export function evaluate(request: AuthorizationRequest, policies: ApplicablePolicies): Decision {
  const isKms = request.action.toLowerCase().startsWith("kms:");
  if (isKms && policies.key === undefined) {
    return { outcome: "implicit-deny", why: `no key policy is known for ${request.resource}; every KMS request needs one` };
  }
  const all = [...policies.identity, ...(policies.resource ? [policies.resource] : []), ...(policies.key ? [policies.key.policy] : [])];
  const denies = matches(all, "Deny", request);
  if (denies.length > 0) return { outcome: "explicit-deny", by: denies };

  const identityAllows = matches(policies.identity, "Allow", request);
  if (isKms && policies.key !== undefined) {
    const keyAllows = matches([policies.key.policy], "Allow", request);
    const direct = keyAllows.filter((match) => match.principal === "direct");
    const throughIam = keyAllows.filter((match) => match.principal === "account");
    const operation = request.action.slice("kms:".length).toLowerCase();
    const grants = policies.key.grants.filter(
      (grant) =>
        grant.keyArn === request.resource &&
        (grant.granteePrincipal === request.principal.roleArn || grant.granteePrincipal === request.principal.sessionArn) &&
        grant.operations.some((candidate) => candidate.toLowerCase() === operation) &&
        Object.entries(grant.encryptionContextSubset ?? {}).every(([key, value]) => request.context[`kms:encryptioncontext:${key}`.toLowerCase()] === value),
    );
    const byIam = throughIam.length > 0 ? identityAllows : [];
    if (direct.length > 0 || byIam.length > 0 || grants.length > 0) {
      return { outcome: "allowed", by: [...byIam, ...direct], enabledBy: byIam.length > 0 ? throughIam : [], grants };
    }
    const why =
      throughIam.length === 0
        ? "the key policy neither names the role nor lets the account's IAM policies decide, and no grant covers it"
        : "the key policy lets IAM policies decide, and no statement of the role's allows it (nor does a grant)";
    return { outcome: "implicit-deny", why };
  }

  const resourceAllows = policies.resource ? matches([policies.resource], "Allow", request).filter((match) => match.principal === "direct") : [];
  if (identityAllows.length > 0 || resourceAllows.length > 0) {
    return { outcome: "allowed", by: [...identityAllows, ...resourceAllows], enabledBy: [], grants: [] };
  }
  return { outcome: "implicit-deny", why: "no statement of the role's policies or of the resource's policy allows it" };
}
