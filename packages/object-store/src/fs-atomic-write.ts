import { randomUUID } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { type FileHandle, link, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isUint8Array } from 'node:util/types';

/**
 * Writes `path` whole: a temp file beside it, fsync, then rename (or, `ifAbsent`, link(2), which
 * creates the name only if it does not exist), then fsync of the directory. Readers see the old
 * file or the new one, never a part. Resolves false when `ifAbsent` found the name taken.
 */
export async function writeAtomically(
  path: string,
  body: Uint8Array | AsyncIterable<Uint8Array>,
  options: { readonly ifAbsent?: boolean; readonly signal?: AbortSignal } = {},
): Promise<boolean> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = tempPathBeside(dir);
  await writeTempFile(temp, body, options.signal);
  if (options.ifAbsent) {
    if (!(await linkIfAbsent(temp, path))) return false;
  } else {
    await rename(temp, path);
  }
  await syncDirectory(dir);
  return true;
}

/** Same directory as the target, so the rename is atomic (same file system); hidden from `list`. */
export const tempPathBeside = (dir: string): string => join(dir, `.${randomUUID()}.tmp`);

/** Makes the rename itself durable (the directory entry), not only the file's bytes. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, fsConstants.O_RDONLY);
    await handle.sync();
  } catch (error) {
    // Some platforms cannot fsync a directory; the rename is still atomic there.
    const code = (error as { code?: unknown } | null)?.code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw error;
  } finally {
    await handle?.close();
  }
}

/** The body into a new file, fsynced; if the body stream throws, the file is removed and the error rethrown. */
async function writeTempFile(
  temp: string,
  body: Uint8Array | AsyncIterable<Uint8Array>,
  signal: AbortSignal | undefined,
): Promise<void> {
  const handle = await open(temp, 'wx');
  try {
    if (isUint8Array(body)) {
      signal?.throwIfAborted();
      await handle.writeFile(body);
    } else {
      for await (const chunk of body) {
        signal?.throwIfAborted();
        await writeFully(handle, chunk);
      }
    }
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
}

async function writeFully(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  for (let offset = 0; offset < chunk.byteLength; ) {
    const { bytesWritten } = await handle.write(chunk, offset);
    offset += bytesWritten;
  }
}

/** link() creates the name only if it does not exist: an atomic "write if absent". The temp goes either way. */
async function linkIfAbsent(temp: string, path: string): Promise<boolean> {
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
    return false;
  } finally {
    await rm(temp, { force: true });
  }
}
