import { allExamples } from '@github-webhooks/fixtures';
import {
  classify,
  createPrivacyPolicy,
  pulseMessageBody,
  repositoryFullName,
  routingKeyV1,
  routingKeyV1For,
  routingKeyV2,
  routingKeyV2For,
  UnroutableDeliveryError,
} from '../src';

const repo = (full_name: string) => ({ repository: { full_name, private: false } });

describe('routingKeyV1', () => {
  it.each([
    ['push', repo('mozilla/gecko-dev'), 'mozilla/gecko-dev/push'],
    ['issues', { action: 'opened', ...repo('taskcluster/taskcluster') }, 'taskcluster/taskcluster/issues'],
    ['push', repo('mozilla/mozilla.github.io'), 'mozilla/mozilla.github.io/push'],
  ])('%s %j → %s', (event, payload, key) => {
    expect(routingKeyV1(event, payload)).toBe(key);
  });

  it('refuses a payload without repository', () => {
    expect(() => routingKeyV1('push', {})).toThrow(UnroutableDeliveryError);
  });
});

describe('routingKeyV2', () => {
  it.each([
    ['push', repo('mozilla/gecko-dev'), 'mozilla.gecko-dev.push'],
    ['issues', { action: 'opened', ...repo('mozilla/gecko-dev') }, 'mozilla.gecko-dev.issues.opened'],
    ['push', repo('mozilla/mozilla.github.io'), 'mozilla.mozilla%github%io.push'],
    ['release', { action: '', ...repo('my.org/x') }, 'my%org.x.release'],
    ['watch', { action: 7, ...repo('a/b') }, 'a.b.watch'],
  ])('%s %j → %s', (event, payload, key) => {
    expect(routingKeyV2(event, payload)).toBe(key);
  });

  it('gives every public example exactly three or four dot-separated words', () => {
    const policy = createPrivacyPolicy();
    const routed = allExamples().filter((e) => classify(e.event, e.payload, policy).public);
    expect(routed.length).toBeGreaterThan(50);
    for (const example of routed) {
      const words = routingKeyV2(example.event, example.payload).split('.');
      expect(words.length).toBe(typeof example.payload.action === 'string' ? 4 : 3);
      expect(routingKeyV1(example.event, example.payload).split('/')).toHaveLength(3);
      // The same keys from a record's fields, as the relay routes without the payload.
      const name = repositoryFullName(example.payload) ?? '';
      const action = typeof example.payload.action === 'string' ? example.payload.action : null;
      expect(routingKeyV1For(example.event, name)).toBe(routingKeyV1(example.event, example.payload));
      expect(routingKeyV2For(example.event, name, action)).toBe(routingKeyV2(example.event, example.payload));
    }
  });
});

describe('pulseMessageBody', () => {
  it('makes the same body from the payload bytes as from its text', () => {
    const payloadText = '{"ref":"refs/heads/\u00e9t\u00e9","n":[1]}';
    const input = { event: 'push', deliveryId: 'abc-1' };
    expect(pulseMessageBody({ ...input, payloadText: Buffer.from(payloadText) })).toEqual(
      pulseMessageBody({ ...input, payloadText }),
    );
  });

  it('has exactly the keys event, request_id and payload, in that order', () => {
    const payload = { ref: 'refs/heads/main', n: 1, s: 'ü "quoted"' };
    const body = pulseMessageBody({
      event: 'push',
      deliveryId: 'abc-1',
      payloadText: JSON.stringify(payload),
    });
    expect(Object.keys(JSON.parse(body.toString()))).toEqual(['event', 'request_id', 'payload']);
    expect(JSON.parse(body.toString())).toEqual({ event: 'push', request_id: 'abc-1', payload });
    expect(body.toString()).toBe(JSON.stringify({ event: 'push', request_id: 'abc-1', payload }));
  });
});
