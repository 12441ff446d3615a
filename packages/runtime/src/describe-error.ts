/** An error as a log field: name, message, code and the chain of causes, never the stack. */
export interface ErrorFields {
  readonly name: string;
  readonly message: string;
  readonly code?: string | number;
  readonly cause?: ErrorFields;
}

/** By shape, not `instanceof`: errors from node core, the AWS SDK or amqplib may come from another realm. */
export function describeError(error: unknown, depth = 0): ErrorFields {
  if (error === null || typeof error !== 'object') return { name: typeof error, message: String(error) };
  const { name, message, code, cause } = error as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    cause?: unknown;
  };
  const fields: { -readonly [K in keyof ErrorFields]: ErrorFields[K] } = {
    name: typeof name === 'string' ? name : 'Error',
    message: typeof message === 'string' ? message : String(error),
  };
  if (typeof code === 'string' || typeof code === 'number') fields.code = code;
  if (cause !== undefined && depth < 3) fields.cause = describeError(cause, depth + 1);
  return fields;
}

/** `Name: message`, for one-line reasons (command line, health reports). */
export function errorLine(error: unknown): string {
  const { name, message } = describeError(error);
  return name === 'Error' ? message : `${name}: ${message}`;
}
