/** A hook given as neither `orgs/ORG/hooks/ID`, `repos/OWNER/REPO/hooks/ID` nor `app`. */
export class HookSpecError extends Error {
  override readonly name = 'HookSpecError';
}

/** GitHub's API could not be used: unreachable, bad credentials, a hook that does not exist. */
export class DeliveryLogError extends Error {
  override readonly name = 'DeliveryLogError';
  constructor(
    message: string,
    /** The HTTP status GitHub answered, when it answered. */
    readonly status: number | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The checkpoint could not be read or written (other than not existing yet). */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}
