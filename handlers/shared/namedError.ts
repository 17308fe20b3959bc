/**
 * Errors that carry a name and extra fields, built without `class … extends Error`, which does
 * not survive function serialization (docs/serialization.md). A real Error with properties does.
 */
export type NamedError<Name extends string, Fields extends object = Record<never, never>> = Error & Fields & { name: Name };

export function namedError<Name extends string, Fields extends object>(name: Name, message: string, fields: Fields): NamedError<Name, Fields> {
  const error = new Error(message) as NamedError<Name, Fields>;
  Object.assign(error, fields);
  error.name = name;
  return error;
}

export function isNamedError<Name extends string>(error: unknown, name: Name): error is NamedError<Name> {
  return error instanceof Error && error.name === name;
}

/**
 * The one way an error is put into words for a message, a log field, a tracking item or a DLQ
 * record: "Name: message", the name left out when it says nothing ("Error"). Anything thrown that
 * is not an Error is shown as a string.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.name === "Error" || error.name === "" ? error.message : `${error.name}: ${error.message}`;
}
