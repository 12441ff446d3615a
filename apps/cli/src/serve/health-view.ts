import { isIPv4 } from 'node:net';

/** What /healthz answers: `ok` (200, else 503), and for this machine's callers the details. */
export interface HealthReport {
  readonly ok: boolean;
  readonly [part: string]: unknown;
}

/**
 * Whether the socket's peer is this machine: 127.0.0.0/8, ::1, or 127.x mapped into IPv6
 * (`::ffff:127.0.0.1`, as a dual-stack socket reports it). Decided by the socket, never by a header.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const lower = address.toLowerCase();
  const v4 = lower.startsWith('::ffff:') ? lower.slice('::ffff:'.length) : lower;
  if (isIPv4(v4)) return v4.startsWith('127.');
  return lower === '::1' || lower === '0:0:0:0:0:0:0:1';
}

/**
 * What /healthz tells its caller: everything to this machine (the page shows the same); to anyone
 * else only the status, since the details name the archive's path, the broker's host, organizations
 * and hooks (the reconciler's errors) and count private deliveries.
 */
export function healthFor(report: HealthReport, remoteAddress: string | undefined): HealthReport {
  return isLoopbackAddress(remoteAddress) ? report : { ok: report.ok };
}
