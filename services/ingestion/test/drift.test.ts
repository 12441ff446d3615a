import { classify, createPrivacyPolicy, DRIFT_REASONS, type WebhookPayload } from '@github-webhooks/events';
import { exampleOf, httpApiEvent, signedRequest } from '@github-webhooks/fixtures';
import { METRICS } from '@github-webhooks/runtime';
import { apiGatewayHandler, createIngest, createRequestHandler, DRIFT_METRICS, type Drift } from '../src';
import { fakeDeps } from './support/fakes';

const DRIFT_MESSAGE = 'allowlisted event of a public repository judged private (drift?)';
const isPublic = (payload: WebhookPayload) => (payload.repository as { private?: unknown }).private === false;
const opened = exampleOf('issues', (e) => e.payload.action === 'opened' && isPublic(e.payload));
const push = exampleOf('push', (e) => isPublic(e.payload));
// A real capture: an issue of a public repository whose `changes.old_repository` is private.
const moved = exampleOf(
  'issues',
  (e) => classify('issues', e.payload, createPrivacyPolicy()).reason === 'private_repository_referenced',
);
const { ref: _ref, ...pushWithoutRef } = push.payload;

type Fakes = ReturnType<typeof fakeDeps>;

async function deliver(event: string, payload: WebhookPayload, setUp: (fakes: Fakes) => void = () => {}) {
  const observed: Drift[] = [];
  const fakes = fakeDeps({ drift: { note: (drift) => observed.push(drift) } });
  setUp(fakes);
  const request = signedRequest({ event, payload });
  const handle = apiGatewayHandler(createRequestHandler(createIngest(fakes.deps)));
  const result = await handle(
    httpApiEvent({ method: 'POST', path: '/webhook', headers: request.headers, body: request.body }),
  );
  return { fakes, request, result, observed };
}

describe('drift: an allowlisted event of a public repository judged private', () => {
  it('has one ingestion metric per drift reason', () => {
    expect(Object.keys(DRIFT_METRICS).sort()).toEqual([...DRIFT_REASONS].sort());
    for (const metric of Object.values(DRIFT_METRICS)) expect(METRICS.ingestion).toContain(metric);
  });

  it.each([
    [
      'an action the event model does not know',
      'issues',
      { ...opened.payload, action: 'frobbed' },
      'unknown_action',
      'frobbed',
      'PrivatizedUnknownAction',
    ],
    ['a required property gone', 'push', pushWithoutRef, 'shape_mismatch', 'ref', 'PrivatizedShapeMismatch'],
    [
      'a private repository named deeper',
      'issues',
      moved.payload,
      'private_repository_referenced',
      'changes.old_repository',
      'PrivatizedPrivateRepositoryReferenced',
    ],
  ])(
    'counts, logs and tells of %s, and keeps the delivery private',
    async (_name, event, payload, reason, field, metric) => {
      const { fakes, request, result, observed } = await deliver(event, payload as WebhookPayload);
      expect(result.statusCode).toBe(202);
      expect(JSON.parse(String(result.body)).public).toBe(false);
      expect(fakes.topics.messages.public).toEqual([]);
      expect(fakes.metrics.snapshot()).toMatchObject({ [metric]: 1, AcceptedPrivate: 1 });
      const action = typeof payload.action === 'string' ? payload.action : null;
      const expected = { delivery_id: request.id, event, hook_id: '123456', action, reason, field };
      const warning = fakes.logger.find(DRIFT_MESSAGE);
      expect(warning).toEqual({ level: 'warn', message: DRIFT_MESSAGE, fields: expected });
      expect(observed).toEqual([expected]);
      expect(fakes.logger.find('delivery accepted')?.fields).toMatchObject({
        privacy: reason,
        privacy_detail: field,
      });
    },
  );

  it.each([
    ['a public delivery', 'push', push.payload],
    [
      'a private repository',
      'issues',
      { ...opened.payload, repository: { ...(opened.payload.repository as object), private: true } },
    ],
    ['an event not on the allowlist', 'label', exampleOf('label', (e) => isPublic(e.payload)).payload],
  ])('leaves %s alone', async (_name, event, payload) => {
    const { fakes, observed } = await deliver(event, payload);
    expect(Object.values(DRIFT_METRICS).map((m) => fakes.metrics.get(m))).toEqual([0, 0, 0]);
    expect(fakes.logger.find(DRIFT_MESSAGE)).toBeUndefined();
    expect(observed).toEqual([]);
    expect(fakes.logger.find('delivery accepted')?.fields).not.toHaveProperty('privacy_detail');
  });

  it('counts nothing when the delivery was not stored (GitHub redelivers it)', async () => {
    const frobbed = { ...opened.payload, action: 'frobbed' };
    const { fakes, result, observed } = await deliver('issues', frobbed, (f) => {
      f.archive.failure = new Error('firehose down');
    });
    expect(result.statusCode).toBe(503);
    expect(fakes.metrics.get('PrivatizedUnknownAction')).toBe(0);
    expect(observed).toEqual([]);
  });
});
