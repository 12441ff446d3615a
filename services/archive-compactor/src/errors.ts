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

/** A record's payload_ref points to a missing or corrupt object: the record goes to quarantine. */
export class UnresolvablePayloadError extends Error {
  override readonly name = 'UnresolvablePayloadError';
}

/** A manifest that does not read as one: needs an operator, never overwritten blindly. */
export class ManifestFormatError extends Error {
  override readonly name = 'ManifestFormatError';
}

/** The prefix of the original system's archive overlaps the archive's own prefixes. */
export class OriginalPrefixError extends Error {
  override readonly name = 'OriginalPrefixError';
}
