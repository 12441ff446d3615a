import { join } from 'node:path';
import { InvalidKeyError } from './errors';

/**
 * Tags live beside the objects, out of the key space: `<rootDir>/.tags/<key>.json`. No key can
 * start with a dot, so neither this directory nor temp files ever show up in `list`.
 */
const TAGS_DIR = '.tags';

/** The file that holds the object of `key`; throws InvalidKeyError for a key that is not one. */
export function objectPath(rootDir: string, key: string): string {
  validateKey(key);
  return join(rootDir, ...key.split('/'));
}

/** The side file that holds the tags of `key`'s object. */
export function tagPath(rootDir: string, key: string): string {
  validateKey(key);
  return join(rootDir, TAGS_DIR, ...`${key}.json`.split('/'));
}

function validateKey(key: string): void {
  if (key === '' || key.startsWith('/') || key.endsWith('/')) {
    throw new InvalidKeyError(`invalid object key ${JSON.stringify(key)}: empty, or starts/ends with /`);
  }
  validatePrefix(key);
}

/** A prefix is a key whose last segment may be empty or partial (`raw/2024/0`, `raw/`). */
export function validatePrefix(prefix: string): void {
  if (prefix.startsWith('/') || prefix.includes('\\') || prefix.includes('\0')) {
    throw new InvalidKeyError(`invalid object key ${JSON.stringify(prefix)}: absolute, \\ or NUL`);
  }
  const segments = prefix.split('/');
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if ((segment === '' && !last) || segment.startsWith('.')) {
      throw new InvalidKeyError(
        `invalid object key ${JSON.stringify(prefix)}: empty segment or one starting with "." (no .., no hidden files)`,
      );
    }
  });
}
