import { BrokerUrlError, checkBrokerUrl, connectFailureReason, describeBroker } from '../src';

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
