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

/**
 * Checks a URL read from configuration: `amqps://` (TLS) unless plain text is explicitly allowed
 * (local broker), with a user and a host. `source` names where it came from for the error.
 */
export function checkBrokerUrl(
  url: string,
  source: string,
  options: { allowPlainText?: boolean } = {},
): string {
  let parts: URL;
  try {
    parts = new URL(url.trim());
  } catch {
    throw new BrokerUrlError(`${source} does not hold a valid URL`);
  }
  const allowed = options.allowPlainText ? ['amqps:', 'amqp:'] : ['amqps:'];
  if (!allowed.includes(parts.protocol)) {
    throw new BrokerUrlError(
      `${source} must hold an ${allowed.join('// or ')}// URL, not ${parts.protocol}//`,
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
