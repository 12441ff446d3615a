/** What S3's errors mean to the store, checked by name (SDK errors cross realms). */

/** A conditional write found the key taken (412), or raced another one for it (409). */
export function isAlreadyThere(error: unknown): boolean {
  const e = error as { name?: unknown; $metadata?: { httpStatusCode?: number } } | null;
  return (
    e?.name === 'PreconditionFailed' ||
    e?.$metadata?.httpStatusCode === 412 ||
    e?.name === 'ConditionalRequestConflict'
  );
}

/** S3 says NoSuchKey for GET and NotFound for HEAD. */
export function isMissing(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'NoSuchKey' || name === 'NotFound';
}
