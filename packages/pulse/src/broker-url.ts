import { BrokerUrlError } from './errors';

/** The broker as it may be logged: scheme, host, port and vhost, without user or password. */
export function describeBroker(url: string): string {
  try {
    const parts = new URL(url);
    const port = parts.port || (parts.protocol === 'amqps:' ? '5671' : '5672');
    return `${parts.protocol}//${parts.hostname}:${port}${parts.pathname || '/'}`;
  } catch {
    return '(unparseable AMQP URL)';
  }
}

/** 127.0.0.0/8, ::1 and localhost: a broker on this machine, where plain text crosses no network. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Checks a URL read from configuration: `amqps://` (TLS) unless plain text is allowed, always or
 * (`'loopback'`) only to a broker on this machine; with a user and a host. `source` names where it
 * came from for the error; the URL itself (it holds a password) is never in a message.
 */
export function checkBrokerUrl(
  url: string,
  source: string,
  options: { allowPlainText?: boolean | 'loopback'; hint?: string } = {},
): string {
  let parts: URL;
  try {
    parts = new URL(url.trim());
  } catch {
    throw new BrokerUrlError(`${source} does not hold a valid URL`);
  }
  const plainAllowed =
    options.allowPlainText === true ||
    (options.allowPlainText === 'loopback' && isLoopbackHost(parts.hostname));
  const allowed = plainAllowed ? ['amqps:', 'amqp:'] : ['amqps:'];
  if (!allowed.includes(parts.protocol)) {
    const where =
      options.allowPlainText === 'loopback' && parts.protocol === 'amqp:'
        ? ' to a broker on another machine'
        : '';
    throw new BrokerUrlError(
      `${source} must hold an ${allowed.join('// or ')}// URL${where}, not ${parts.protocol}//${options.hint ? `; ${options.hint}` : ''}`,
    );
  }
  if (parts.hostname === '') throw new BrokerUrlError(`${source} holds a URL without a host`);
  if (parts.username === '') throw new BrokerUrlError(`${source} holds a URL without a user name`);
  return url.trim();
}

/**
 * What a failed connect says about the broker. amqplib reports a refused login as
 * `Handshake terminated by server: 403 (ACCESS-REFUSED)` and a refused vhost as a ConnectionClose
 * instead of ConnectionOpenOk (530 NOT_ALLOWED); everything else means the broker was not reached.
 */
export function connectFailureReason(error: unknown): 'access_refused' | 'unreachable' {
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message !== 'string') return 'unreachable';
  return /\b403\b|ACCESS[-_]REFUSED|\b530\b|NOT[-_]ALLOWED|Expected ConnectionOpenOk; got <ConnectionClose/.test(
    message,
  )
    ? 'access_refused'
    : 'unreachable';
}
