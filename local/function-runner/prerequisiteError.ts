/**
 * Something the local run needs is missing or unreachable (the Lambda runtime's Node, the SDK in
 * node_modules, a snapshot folder, the live API). The message says what and how to fix it, so the
 * command-line tools print it without a stack trace.
 */
export class PrerequisiteError extends Error {
  override name = "PrerequisiteError";
}
