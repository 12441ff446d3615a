/** A name the page answers to: `name` lower-cased (an IPv6 address in brackets), `port` when given. */
export interface AllowedHost {
  readonly name: string;
  readonly port: number | undefined;
}

const NAME = /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*)$/;
const LOOPBACK_NAMES: ReadonlySet<string> = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** `name[:port]` (a Host header, or one item of DASHBOARD_ALLOWED_HOSTS); undefined when malformed. */
export function parseHost(value: string): AllowedHost | undefined {
  const text = value.trim().toLowerCase();
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(text);
  if (match === null || !NAME.test(match[1] ?? '')) return undefined;
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && (port < 1 || port > 65_535)) return undefined;
  return { name: match[1] ?? '', port };
}

/** DASHBOARD_ALLOWED_HOSTS: comma-separated `host[:port]`; a name without a port stands for any port. */
export function parseAllowedHosts(value: string | undefined): AllowedHost[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => {
      const host = parseHost(item);
      if (host === undefined)
        throw new Error(`${JSON.stringify(item)} is not a host name with an optional :port`);
      return host;
    });
}

/**
 * Whether the page answers a request with this Host header, arrived on `port`: a loopback name with
 * the page's port (or none on port 80), or a configured name. Anything else (a name that resolved
 * to this machine by DNS rebinding, say) gets 421, so no other site's script can read the page.
 */
export function hostAllowed(
  header: string | undefined,
  port: number | undefined,
  allowed: readonly AllowedHost[],
): boolean {
  if (header === undefined) return false;
  const host = parseHost(header);
  if (host === undefined) return false;
  const pagePort = host.port === port || (host.port === undefined && port === 80);
  if (LOOPBACK_NAMES.has(host.name) && port !== undefined && pagePort) return true;
  return allowed.some((a) => a.name === host.name && (a.port === undefined || a.port === host.port));
}

/**
 * Whether a state-changing request (log in, log out) comes from the page itself: its `Origin` is
 * http(s) on a host the page answers. A missing Origin, `null`, or another site's is refused.
 */
export function originAllowed(
  origin: string | undefined,
  port: number | undefined,
  allowed: readonly AllowedHost[],
): boolean {
  if (origin === undefined || origin === 'null') return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  // As browsers write it: no path, no user, no default port (anything else is not a browser's).
  if (url.origin !== origin) return false;
  return hostAllowed(url.host, port, allowed);
}
