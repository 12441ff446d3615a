import { NoSuchKeyError } from './object-store';

/** The path, or a directory on its way, does not exist. */
export function isMissingPath(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** A failed read of `key`'s file as NoSuchKeyError when there is no object (a directory is none). */
export function mapMissing(error: unknown, key: string): unknown {
  if (isMissingPath(error)) return new NoSuchKeyError(key, { cause: error });
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EISDIR' ? new NoSuchKeyError(key, { cause: error }) : error;
}
