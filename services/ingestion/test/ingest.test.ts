import { classify, createPrivacyPolicy, parseRecord } from '@github-webhooks/events';
import { allExamples, exampleOf, httpApiEvent, signedRequest, TEST_SECRET } from '@github-webhooks/fixtures';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { apiGatewayHandler, createIngest, createRequestHandler } from '../src';
import { fakeDeps, RECEIVED_AT } from './support/fakes';

type Fakes = ReturnType<typeof fakeDeps>;

function post(
  fakes: Fakes,
  request: { headers: Record<string, string>; body: Buffer },
  path = '/webhook',
  method = 'POST',
) {
  const handle = apiGatewayHandler(createRequestHandler(createIngest(fakes.deps)));
  return handle(httpApiEvent({ method, path, headers: request.headers, body: request.body }));
}

const bodyOf = (result: APIGatewayProxyStructuredResultV2) => JSON.parse(String(result.body));
const policy = createPrivacyPolicy();
const push = exampleOf('push', (e) => (e.payload.repository as { private: boolean }).private === false);

describe('ingestion handler', () => {
  it('archives every real example, sends it to *all*, and the public ones to *public*', async () => {
    const fakes = fakeDeps();
    const examples = allExamples();
    let expectedPublic = 0;
    for (const example of examples) {
      const request = signedRequest({ event: example.event, payload: example.payload });
      const result = await post(fakes, request);
      const isPublic = classify(example.event, example.payload, policy).public;
      expectedPublic += isPublic ? 1 : 0;
      expect([example.name, result.statusCode]).toEqual([example.name, example.event === 'ping' ? 200 : 202]);
      expect(bodyOf(result)).toEqual({ ok: true, delivery_id: request.id, public: isPublic });
      const line = fakes.archive.lines.at(-1) ?? '';
      expect(line.endsWith('\n')).toBe(true);
      expect(line.slice(0, -1)).not.toContain('\n');
      const record = parseRecord(JSON.parse(line));
      expect(record).toMatchObject({
        delivery_id: request.id,
        event: example.event,
        received_at: RECEIVED_AT.toISOString(),
        hook_id: '123456',
        target: { type: 'organization', id: '42' },
        public: isPublic,
        payload: example.payload,
      });
      const all = fakes.topics.messages.all.at(-1);
      expect(all?.body).toBe(line.slice(0, -1));
      expect(all?.attributes).toMatchObject({ event: example.event, public: String(isPublic) });
    }
    expect(fakes.archive.lines).toHaveLength(examples.length);
    expect(fakes.topics.messages.all).toHaveLength(examples.length);
    expect(fakes.topics.messages.public).toHaveLength(expectedPublic);
    expect(expectedPublic).toBeGreaterThan(50);
    for (const message of fakes.topics.messages.public) {
      expect(message.attributes.public).toBe('true');
      expect(JSON.parse(message.body).public).toBe(true);
    }
    expect(fakes.metrics.counts.get('Archived')).toBe(examples.length);
    expect(fakes.metrics.counts.get('PublishedPublic')).toBe(expectedPublic);
  });

  it('gives topic messages the attributes subscribers filter on', async () => {
    const fakes = fakeDeps();
    const issue = exampleOf('issues', (e) => e.payload.action === 'opened');
    await post(fakes, signedRequest({ event: 'issues', payload: issue.payload }));
    expect(fakes.topics.messages.all[0]?.attributes).toEqual({
      event: 'issues',
      public: String(classify('issues', issue.payload, policy).public),
      repository: (issue.payload.repository as { full_name: string }).full_name,
      action: 'opened',
    });
    const ping = exampleOf('ping', (e) => e.payload.repository === undefined);
    await post(fakes, signedRequest({ event: 'ping', payload: ping.payload }));
    expect(fakes.topics.messages.all[1]?.attributes).toEqual({ event: 'ping', public: 'false' });
  });

  it('accepts form-encoded deliveries', async () => {
    const fakes = fakeDeps();
    const result = await post(fakes, signedRequest({ event: 'push', payload: push.payload, form: true }));
    expect(result.statusCode).toBe(202);
    expect(parseRecord(JSON.parse(fakes.archive.lines[0] ?? '')).payload).toEqual(push.payload);
  });

  it('accepts a delivery signed with a previous secret during rotation, and says so', async () => {
    const fakes = fakeDeps({ secrets: async () => ['new-secret', TEST_SECRET] });
    expect((await post(fakes, signedRequest({ event: 'push', payload: push.payload }))).statusCode).toBe(202);
    expect(fakes.logger.lines.find((l) => l.message.includes('previous secret'))?.fields.secret_index).toBe(
      1,
    );
  });

  it('answers and writes the same when bodies are hashed on the thread pool (serve, large bodies)', async () => {
    const onLoop = fakeDeps();
    const offLoop = fakeDeps({
      offThreadDigests: { minBytes: 0, maxBytesInFlight: Number.POSITIVE_INFINITY },
    });
    const signed = signedRequest({ event: 'push', payload: push.payload });
    const requests = [
      ...allExamples().map((e) => signedRequest({ event: e.event, payload: e.payload })),
      signedRequest({ event: 'push', payload: push.payload, form: true }),
      { ...signed, body: Buffer.concat([signed.body, Buffer.from(' ')]) }, // signature no longer matches
      signedRequest({ event: 'push', body: 'not json' }),
    ];
    for (const request of requests) {
      const [a, b] = [await post(onLoop, request), await post(offLoop, request)];
      expect([b.statusCode, bodyOf(b)]).toEqual([a.statusCode, bodyOf(a)]);
    }
    expect(onLoop.archive.lines).toHaveLength(requests.length - 2);
    expect(offLoop.archive.lines).toEqual(onLoop.archive.lines);
    const sent = (fakes: Fakes) =>
      [...fakes.topics.messages.all, ...fakes.topics.messages.public].map((m) => [m.body, m.attributes]);
    expect(sent(offLoop)).toEqual(sent(onLoop));
  });

  const good = signedRequest({ event: 'push', payload: push.payload });
  it.each([
    ['an unknown path', '/other', 'POST', good.headers, 404, 'not_found'],
    ['GET', '/webhook', 'GET', good.headers, 405, 'method_not_allowed'],
    [
      'text/plain',
      '/webhook',
      'POST',
      { ...good.headers, 'Content-Type': 'text/plain' },
      415,
      'unsupported_media_type',
    ],
    ['no event header', '/webhook', 'POST', { ...good.headers, 'X-GitHub-Event': '' }, 400, 'invalid_header'],
    [
      'a wrong signature',
      '/webhook',
      'POST',
      { ...good.headers, 'X-Hub-Signature-256': `sha256=${'0'.repeat(64)}` },
      401,
      'invalid_signature',
    ],
  ])('rejects %s and writes nothing', async (_name, path, method, headers, status, error) => {
    const fakes = fakeDeps();
    const result = await post(fakes, { headers, body: good.body }, path, method);
    expect(result.statusCode).toBe(status);
    expect(bodyOf(result).error).toBe(error);
    expect(result.headers?.['content-type']).toBe('application/json');
    expect(fakes.archive.lines).toEqual([]);
    expect(fakes.topics.messages.all).toEqual([]);
    expect(fakes.payloads.objects.size).toBe(0);
  });

  it('answers 405 with an Allow header', async () => {
    const result = await post(fakeDeps(), good, '/webhook', 'PUT');
    expect(result.headers?.allow).toBe('POST');
  });

  it('accepts the path behind a named stage and with a trailing slash', async () => {
    const handle = apiGatewayHandler(createRequestHandler(createIngest(fakeDeps().deps)));
    const staged = httpApiEvent({
      method: 'POST',
      path: '/webhook/',
      stage: 'prod',
      headers: good.headers,
      body: good.body,
    });
    expect(staged.rawPath).toBe('/prod/webhook/');
    expect((await handle(staged)).statusCode).toBe(202);
  });

  it('rejects an oversize body with 413', async () => {
    const fakes = fakeDeps({ maxBodyBytes: 100 });
    expect((await post(fakes, good)).statusCode).toBe(413);
  });

  it('rejects a signed body that is not JSON with 400', async () => {
    const fakes = fakeDeps();
    const result = await post(fakes, signedRequest({ event: 'push', body: '{"truncated":' }));
    expect([result.statusCode, bodyOf(result).error]).toEqual([400, 'malformed_payload']);
    expect(fakes.archive.lines).toEqual([]);
  });

  it('logs a bad signature with the hook id but never the body', async () => {
    const fakes = fakeDeps();
    const body = Buffer.from(JSON.stringify({ secret_stuff: 'do-not-log', repository: {} }));
    await post(fakes, { headers: { ...good.headers, 'X-GitHub-Hook-ID': '999' }, body });
    const line = fakes.logger.lines.find((l) => l.message === 'delivery rejected');
    expect(line?.fields).toMatchObject({
      hook_id: '999',
      status: 401,
      reason: 'invalid_signature',
      delivery_id: good.id,
    });
    expect(JSON.stringify(fakes.logger.lines)).not.toContain('do-not-log');
    expect(fakes.metrics.counts.get('RejectedInvalidSignature')).toBe(1);
  });

  it('gives a bad request its own status even while the secrets cannot be read', async () => {
    const fakes = fakeDeps({ secrets: async () => Promise.reject(new Error('ssm down')) });
    expect(
      (await post(fakes, { ...good, headers: { ...good.headers, 'Content-Type': 'text/plain' } })).statusCode,
    ).toBe(415);
    expect(
      (await post(fakes, { ...good, headers: { ...good.headers, 'X-Hub-Signature-256': '' } })).statusCode,
    ).toBe(400);
    expect((await post(fakes, good)).statusCode).toBe(503);
  });

  it('refuses to accept anything when no secret is configured, unless signatures are off', async () => {
    expect((await post(fakeDeps({ secrets: async () => [] }), good)).statusCode).toBe(503);
    const { 'X-Hub-Signature-256': _unsigned, ...headers } = good.headers;
    const insecure = fakeDeps({ secrets: async () => [], requireSignature: false });
    expect((await post(insecure, { headers, body: good.body })).statusCode).toBe(202);
  });

  it('answers 503 when the secrets cannot be read', async () => {
    const fakes = fakeDeps({ secrets: async () => Promise.reject(new Error('ssm down')) });
    const result = await post(fakes, good);
    expect([result.statusCode, bodyOf(result).error]).toEqual([503, 'secrets_unavailable']);
    expect(fakes.archive.lines).toEqual([]);
  });

  it.each([
    [
      'the archive',
      (f: Fakes) => (f.archive.failure = new Error('firehose throttled')),
      { archive: false, all: false, public: false },
    ],
    [
      'the *all* topic',
      (f: Fakes) => (f.topics.failures.all = new Error('sns down')),
      { archive: true, all: false, public: true },
    ],
    [
      'the *public* topic',
      (f: Fakes) => (f.topics.failures.public = new Error('sns down')),
      { archive: true, all: true, public: false },
    ],
  ])('answers 503 when %s fails, and logs what was and was not written', async (_name, fail, written) => {
    const fakes = fakeDeps();
    fail(fakes);
    const result = await post(fakes, good);
    expect([result.statusCode, bodyOf(result).error]).toEqual([503, 'downstream_failure']);
    const line = fakes.logger.lines.find((l) => l.level === 'error');
    expect(line?.fields).toMatchObject({
      delivery_id: good.id,
      event: 'push',
      written: { payload: false, ...written },
    });
    expect(JSON.stringify(line?.fields.error)).toMatch(/firehose throttled|sns down/);
    expect(fakes.metrics.counts.get('DownstreamFailed')).toBe(1);
  });

  it('never publishes what the archive did not take', async () => {
    const fakes = fakeDeps();
    fakes.archive.failure = new Error('firehose down');
    await post(fakes, good);
    expect(fakes.topics.messages.all).toEqual([]);
    expect(fakes.topics.messages.public).toEqual([]);
  });

  it('gives up on downstream calls at the deadline', async () => {
    const fakes = fakeDeps({ deadlineMs: 20 });
    fakes.deps.archive.append = (_line, options) =>
      new Promise((_resolve, reject) =>
        options?.signal?.addEventListener('abort', () => reject(options.signal?.reason)),
      );
    const result = await post(fakes, good);
    expect(result.statusCode).toBe(503);
    expect(JSON.stringify(fakes.logger.lines.find((l) => l.level === 'error')?.fields.error)).toMatch(
      /TimeoutError/,
    );
  });

  it('puts the delivery id and event on every log line about a delivery', async () => {
    const fakes = fakeDeps();
    await post(fakes, good);
    expect(fakes.logger.lines.length).toBeGreaterThan(0);
    for (const line of fakes.logger.lines)
      expect(line.fields).toMatchObject({ delivery_id: good.id, event: 'push' });
  });
});

describe('a signed delivery resent under another event name (the header is not signed)', () => {
  const captured = allExamples().filter(
    (e) =>
      ['member', 'membership', 'repository', 'team_add', 'public'].includes(e.event) &&
      (e.payload.repository as { private?: unknown } | undefined)?.private === false,
  );
  const claims = ['push', 'issues', 'watch', 'release', 'pull_request', 'create'];

  it.each(claims)('is archived and kept private when it claims to be %s', async (claimed) => {
    expect(captured.length).toBeGreaterThan(5);
    const fakes = fakeDeps();
    for (const example of captured) {
      const original = signedRequest({ event: example.event, payload: example.payload });
      const resent = {
        ...original,
        headers: {
          ...original.headers,
          'X-GitHub-Event': claimed,
          'X-GitHub-Delivery': `${original.id}-resent`,
        },
      };
      const result = await post(fakes, resent);
      expect([example.name, result.statusCode, bodyOf(result).public]).toEqual([example.name, 202, false]);
    }
    expect(fakes.archive.lines).toHaveLength(captured.length);
    expect(fakes.topics.messages.public).toEqual([]);
    const reasons = fakes.logger.lines
      .filter((l) => l.message === 'delivery accepted')
      .map((l) => l.fields.privacy);
    // The shape check refuses each: an action the claimed event does not have, or another shape.
    expect(reasons).toHaveLength(captured.length);
    expect(reasons.filter((r) => r !== 'shape_mismatch' && r !== 'unknown_action')).toEqual([]);
  });
});
