import { ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import { DocumentKind, DocumentSource, documentSourcesOf } from "./documentSources";
import { forEachStatement, PolicyDocumentError, PolicyStatement } from "./policyDocument";
import { checkEach } from "./unknownValues";

/** Returns one message per problem the statement has; an empty list when it is fine. */
export type StatementCheck = (statement: PolicyStatement, source: DocumentSource, args: ResourceValidationArgs) => string[];

/**
 * A resource validation that runs `check` on every statement of every policy document of the
 * given kinds, on whatever resource type carries one. A document that cannot be parsed is itself
 * a violation: a rule that cannot read it cannot vouch for it.
 */
export function validatePolicyDocuments(kinds: readonly DocumentKind[], check: StatementCheck): ResourceValidation {
  return (args, reportViolation) => {
    const sources = documentSourcesOf(args).filter((source) => kinds.includes(source.kind));
    if (sources.length === 0) args.notApplicable(`${args.type} carries no ${kinds.join(" or ")} policy document`);
    checkEach(sources, (source) => {
      const document = source.read();
      // `policy` is optional on queues, topics, secrets and keys; AWS then applies its default.
      if (document === undefined || document === "") return;
      try {
        forEachStatement(document, (statement) => {
          for (const problem of check(statement, source, args)) {
            reportViolation(`${source.property}, ${statement.label}: ${problem}`);
          }
        });
      } catch (error) {
        if (!(error instanceof PolicyDocumentError)) throw error;
        reportViolation(`${source.property}: ${error.message}`);
      }
    });
  };
}
