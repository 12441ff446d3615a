/** The command was called wrongly (a flag, a missing argument): exit 2 with a one-line reason. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A write asked for after its request's deadline: the delivery is answered 503 and redelivered. */
export class DeadlinePassedError extends Error {
  override readonly name = 'DeadlinePassedError';
}
