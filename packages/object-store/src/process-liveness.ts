import { hostname } from 'node:os';

/**
 * Whether the process `pid` of `host` is known to be gone: only a process of this machine can be
 * checked (signal 0 asks the kernel without signalling it). Another machine's process, or one that
 * exists but belongs to another user (EPERM), is never called gone.
 */
export function isProcessGone(host: string, pid: number): boolean {
  if (host !== hostname() || !Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as { code?: unknown }).code === 'ESRCH';
  }
}
