import { createHash } from 'node:crypto';
import { recordLineOf } from '../src/record-line';

const headers = { 'x-github-delivery': 'd-1', 'x-github-event': 'push', 'x-github-hook-id': '7' };
const AT = new Date('2026-12-04T10:00:00.250Z');

describe('recordLineOf, (b‴)’s archive record', () => {
  const body = Buffer.from('{"ref":"refs/heads/main","repository":{"full_name":"o/r","private":false}}');
  const line = Buffer.concat(recordLineOf(headers, body, JSON.parse(body.toString()), AT));

  it('is one line: the head the archive needs, then the payload’s bytes as received', () => {
    expect(line.indexOf(0x0a)).toBe(line.length - 1);
    expect(line.includes(body)).toBe(true);
    const { payload, ...head } = JSON.parse(line.toString());
    expect(payload).toEqual(JSON.parse(body.toString()));
    expect(head).toEqual({
      delivery_id: 'd-1',
      event: 'push',
      received_at: '2026-12-04T10:00:00.250Z',
      hook_id: '7',
      public: true,
      repository: 'o/r',
      payload_sha256: createHash('sha256').update(body).digest('hex'),
    });
  });

  it.each([
    ['private', { repository: { full_name: 'o/r', private: true } }],
    ['internal', { repository: { full_name: 'o/r', private: false, visibility: 'internal' } }],
    ['without a repository', {}],
  ])('marks a payload %s as not public', (_case, payload) => {
    const [head] = recordLineOf(headers, body, payload, AT);
    expect(head?.toString()).toContain('"public":false');
  });
});
