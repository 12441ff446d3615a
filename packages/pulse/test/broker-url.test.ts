import { BrokerUrlError, checkBrokerUrl, connectFailureReason, describeBroker, isLoopbackHost } from '../src';

describe('describeBroker', () => {
  it.each([
    [
      'amqps://user:secret@b-1234.mq.us-east-1.amazonaws.com:5671/pulse',
      'amqps://b-1234.mq.us-east-1.amazonaws.com:5671/pulse',
    ],
    ['amqps://user:secret@pulse.mozilla.org/', 'amqps://pulse.mozilla.org:5671/'],
    ['amqp://guest:guest@127.0.0.1', 'amqp://127.0.0.1:5672/'],
    ['not a url', '(unparseable AMQP URL)'],
  ])('%s -> %s (never the password)', (url, described) => {
    expect(describeBroker(url)).toBe(described);
    expect(describeBroker(url)).not.toContain('secret');
  });
});

describe('checkBrokerUrl', () => {
  it('accepts amqps:// with a user and a host', () => {
    expect(checkBrokerUrl(' amqps://user:pw@pulse.mozilla.org/vhost\n', 'SSM parameter /p')).toBe(
      'amqps://user:pw@pulse.mozilla.org/vhost',
    );
  });

  it('accepts amqp:// only when plain text is allowed', () => {
    expect(checkBrokerUrl('amqp://guest:guest@127.0.0.1:5672', 'AMQP_URL', { allowPlainText: true })).toBe(
      'amqp://guest:guest@127.0.0.1:5672',
    );
    expect(() => checkBrokerUrl('amqp://guest:guest@127.0.0.1:5672', 'SSM parameter /p')).toThrow(
      'SSM parameter /p must hold an amqps:// URL, not amqp://',
    );
  });

  it.each([
    ['secret-without-scheme', 'does not hold a valid URL'],
    ['https://user:pw@pulse.mozilla.org/', 'must hold an amqps:// URL'],
    ['amqps://pulse.mozilla.org/', 'without a user name'],
  ])('refuses %s, naming the source and not the value', (url, problem) => {
    let thrown: unknown;
    try {
      checkBrokerUrl(url, 'SSM parameter /p');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BrokerUrlError);
    expect((thrown as Error).message).toContain('SSM parameter /p');
    expect((thrown as Error).message).toContain(problem);
    expect((thrown as Error).message).not.toContain('pw');
  });
});

describe('connectFailureReason', () => {
  it.each([
    [
      'Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - Login was refused"',
      'access_refused',
    ],
    ['Expected ConnectionOpenOk; got <ConnectionClose channel:0>', 'access_refused'],
    ['connect ECONNREFUSED 127.0.0.1:1', 'unreachable'],
    ['connect ETIMEDOUT', 'unreachable'],
    ['Socket closed abruptly during opening handshake', 'unreachable'],
  ])('%s -> %s', (message, reason) => {
    expect(connectFailureReason(new Error(message))).toBe(reason);
  });

  it('treats a value that is not an error as unreachable', () => {
    expect(connectFailureReason(undefined)).toBe('unreachable');
  });
});

describe('plain text only on this machine', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['localhost', true],
    ['[::1]', true],
    ['::1', true],
    ['10.0.0.7', false],
    ['pulse.mozilla.org', false],
    ['127.0.0.1.example.com', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });

  it.each([
    ['amqp://guest:guest@127.0.0.1:5672', true],
    ['amqp://guest:guest@[::1]:5672', true],
    ['amqps://u:p@pulse.mozilla.org/', true],
    ['amqp://u:p@pulse.mozilla.org/', false],
  ])("accepts %s with allowPlainText 'loopback': %s", (url, accepted) => {
    const check = () => checkBrokerUrl(url, 'AMQP_URL', { allowPlainText: 'loopback' });
    if (accepted) expect(check()).toBe(url);
    else expect(check).toThrow(/to a broker on another machine/);
  });
});
