/** The command was called wrongly (a flag, a missing argument): exit 2 with a one-line reason. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
