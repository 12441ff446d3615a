/** The command was called wrongly (a flag, a missing argument): exit 2 with a one-line reason. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A write asked for after its request's deadline: the delivery is answered 503 and redelivered. */
export class DeadlinePassedError extends Error {
  override readonly name = 'DeadlinePassedError';
}

/**
 * A raw file the relay had not read to its end is gone (removed by hand, or by a compactor that did
 * not ask the relay): its records from `fromOffset` on were never relayed, and cannot be now.
 */
export class RawFileGoneError extends Error {
  override readonly name = 'RawFileGoneError';
  constructor(
    readonly key: string,
    readonly fromOffset: number,
    /** Where the relay knew the file to end, when it knew. */
    readonly toOffset: number | undefined,
    options?: ErrorOptions,
  ) {
    super(
      `${key} is gone: its bytes ${fromOffset} to ${toOffset ?? 'its end'} were never relayed to the broker`,
      options,
    );
  }
}

/** Another compactor (serve's timer, another `compact`, the Lambda) holds the archive: nothing was done. */
export class ArchiveBusyError extends Error {
  override readonly name = 'ArchiveBusyError';
}
