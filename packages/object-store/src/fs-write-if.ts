import { createHash } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PreconditionFailedError } from './errors';
import { syncDirectory, tempPathBeside } from './fs-atomic-write';
import { isMissingPath } from './fs-missing-path';
import { withWriteLock } from './fs-write-lock';
import { sameETag, type WriteCondition } from './object-store';

export interface ConditionalFileWrite {
  /** The object's key, for the error. */
  readonly key: string;
  /** Its file. */
  readonly path: string;
  readonly body: Uint8Array;
  readonly condition: WriteCondition;
  readonly signal?: AbortSignal | undefined;
}

/**
 * `If-None-Match: *` is link(2), which creates the name only if it does not exist; `If-Match`
 * checks the ETag and renames under a lock file beside the object, so no other conditional write
 * of the key comes between. Returns the new ETag; throws PreconditionFailedError, nothing written.
 */
export async function writeFileIf({
  key,
  path,
  body,
  condition,
  signal,
}: ConditionalFileWrite): Promise<string> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  signal?.throwIfAborted();
  const temp = tempPathBeside(dir);
  await writeFile(temp, body, { flag: 'wx', flush: true });
  try {
    if ('ifNoneMatch' in condition) {
      await link(temp, path).catch((error: { code?: unknown }) => {
        throw error.code === 'EEXIST' ? new PreconditionFailedError(key, 'If-None-Match') : error;
      });
    } else {
      await withWriteLock(join(dir, `.${basename(path)}.write-lock`), async () => {
        const current = await readFile(path).catch((error: unknown) => {
          if (isMissingPath(error) || (error as { code?: unknown }).code === 'EISDIR') return undefined;
          throw error;
        });
        if (current === undefined || !sameETag(etagOf(current), condition.ifMatch))
          throw new PreconditionFailedError(key, 'If-Match');
        await rename(temp, path);
      });
    }
  } finally {
    await rm(temp, { force: true });
  }
  await syncDirectory(dir);
  return etagOf(body);
}

/** A single-part S3 object's ETag: the quoted hex MD5 of its bytes (as S3 gives it, so either store compares the same). */
export function etagOf(bytes: Uint8Array): string {
  return `"${createHash('md5').update(bytes).digest('hex')}"`;
}
