/** A source object read differently in pass 2 than in pass 1 (rewritten meanwhile?): retry later. */
export class SourceChangedError extends Error {
  override readonly name = 'SourceChangedError';
}

/** The hourly file just written does not read back as written: nothing is deleted. */
export class VerificationError extends Error {
  override readonly name = 'VerificationError';
}

/** An existing hourly file (or its manifest) is unusable: needs an operator, never overwritten blindly. */
export class HourlyFileCorruptError extends Error {
  override readonly name = 'HourlyFileCorruptError';
}
