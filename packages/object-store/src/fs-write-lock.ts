import { open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { ObjectLockTimeoutError } from './errors';
import { isProcessGone } from './process-liveness';

/** A lock file nobody wrote its holder into (a crash between create and write) is stale after this. */
const EMPTY_STALE_MS = 10_000;
const GIVE_UP_MS = 10_000;

/**
 * Runs `work` holding the lock file at `path`, created exclusively (O_EXCL): one conditional write
 * of a key at a time across processes, so its check and its rename are one step. The file holds
 * `<pid> <host>`; a lock left by a process of this machine that is gone is taken over. Held only for
 * the few milliseconds of a check and a rename.
 */
export async function withWriteLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  const giveUp = Date.now() + GIVE_UP_MS;
  for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
    if (await tryCreate(path)) break;
    if (await isStale(path)) {
      // Two processes may both find it stale; each removes only a lock it found stale, so at worst
      // one removes a lock just taken by the other: a window of one crash and two racing takers.
      await rm(path, { force: true });
      continue;
    }
    if (Date.now() > giveUp)
      throw new ObjectLockTimeoutError(`${path} was held for more than ${GIVE_UP_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, wait + Math.random() * wait));
  }
  try {
    return await work();
  } finally {
    await rm(path, { force: true });
  }
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx');
    try {
      await handle.writeFile(`${process.pid} ${hostname()}\n`);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EEXIST') return false;
    throw error;
  }
}

async function isStale(path: string): Promise<boolean> {
  let text: string;
  let age: number;
  try {
    [text, age] = await Promise.all([readFile(path, 'utf8'), stat(path).then((s) => Date.now() - s.mtimeMs)]);
  } catch (error) {
    // Released meanwhile: not stale, just free; the next try creates it.
    if ((error as { code?: unknown }).code === 'ENOENT') return false;
    throw error;
  }
  const match = /^(\d+) (\S+)\n$/.exec(text);
  if (match === null) return age > EMPTY_STALE_MS;
  return isProcessGone(match[2] as string, Number(match[1]));
}
