import { readFile } from 'node:fs/promises';
import { exampleOf, signedRequest } from '@github-webhooks/fixtures';

// What the flood and slow-upload tests share: the attackers' request head, the genuine deliveries
// sent meanwhile, and the peak memory of serve's process.

export const MIB = 1024 * 1024;

/** A POST's head declaring `contentLength` bytes of unsigned junk (a wrong signature): it only occupies. */
export function requestHead(contentLength: number, path = '/webhook'): string {
  const request = signedRequest({ event: 'push', body: 'x' });
  const headers = {
    ...request.headers,
    'Content-Length': String(contentLength),
    'X-Hub-Signature-256': `sha256=${'0'.repeat(64)}`,
  };
  return `POST ${path} HTTP/1.1\r\nHost: x\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n`;
}

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/**
 * Genuine deliveries (signed watch events), one every 100 ms or so for `ms`, each followed by
 * `between` when given: their statuses and how long each took.
 */
export async function watchDeliveriesUntil(
  port: number,
  ms: number,
  between: () => Promise<void> = async () => undefined,
): Promise<{ statuses: number[]; latencies: number[] }> {
  const watch = exampleOf('watch');
  const statuses: number[] = [];
  const latencies: number[] = [];
  const ends = Date.now() + ms;
  while (Date.now() < ends) {
    const request = signedRequest({ event: 'watch', payload: watch.payload });
    const delivered = await timed(() =>
      fetch(`http://127.0.0.1:${port}/webhook`, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
      }),
    );
    statuses.push(delivered.value.status);
    latencies.push(delivered.ms);
    await between();
    await new Promise((r) => setTimeout(r, 100));
  }
  return { statuses, latencies };
}

/** The peak resident memory of a process (VmHWM), in MiB. */
export async function peakRssMib(pid: number | undefined): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}
