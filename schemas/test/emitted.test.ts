import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactPending } from '@github-webhooks/archive-compactor';
import {
  classify,
  createPrivacyPolicy,
  formatRecordLine,
  pulseMessageBody,
  receiveDelivery,
} from '@github-webhooks/events';
import { allExamples, grownPush, signedRequest, TEST_SECRET } from '@github-webhooks/fixtures';
import { AWS_LIMITS, prepareOutgoing } from '@github-webhooks/ingestion';
import { FsObjectStore } from '@github-webhooks/object-store';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';

const DIR = join(__dirname, '..');
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });

async function validators(): Promise<Map<string, ValidateFunction>> {
  const files = (await readdir(DIR)).filter((f) => f.endsWith('.schema.json'));
  const schemas = await Promise.all(files.map(async (f) => JSON.parse(await readFile(join(DIR, f), 'utf8'))));
  for (const schema of schemas) ajv.addSchema(schema);
  return new Map(files.map((f, i) => [f, ajv.getSchema(schemas[i].$id) as ValidateFunction]));
}

function expectValid(validate: ValidateFunction | undefined, value: unknown, what: string): void {
  if (validate === undefined) throw new Error(`no schema for ${what}`);
  const ok = validate(value);
  expect([what, ok ? [] : validate.errors]).toEqual([what, []]);
}

const policy = createPrivacyPolicy();
const at = new Date('2026-11-28T15:06:18.123Z');

function outgoingOf(event: string, payload: object) {
  const request = signedRequest({ event, payload });
  const { delivery } = receiveDelivery(
    { headers: request.headers, body: request.body },
    { secrets: [TEST_SECRET] },
  );
  const classification = classify(event, delivery.payload, policy);
  return { classification, outgoing: prepareOutgoing(delivery, classification, at, AWS_LIMITS) };
}

describe('the published schemas', () => {
  let schemas: Map<string, ValidateFunction>;
  beforeAll(async () => {
    schemas = await validators();
  });

  it('describe every archive record, SNS message and attribute set ingestion emits, for every example', () => {
    let publicMessages = 0;
    for (const example of allExamples()) {
      const { classification, outgoing } = outgoingOf(example.event, example.payload);
      const line = outgoing.archiveLine.toString().trimEnd();
      expectValid(schemas.get('archive-record.v3.schema.json'), JSON.parse(line), `${example.name} record`);
      expectValid(
        schemas.get('sns-all-message.schema.json'),
        JSON.parse(outgoing.message.body),
        `${example.name} all`,
      );
      expectValid(
        schemas.get('sns-attributes.schema.json'),
        outgoing.message.attributes,
        `${example.name} attributes`,
      );
      if (classification.public) {
        publicMessages++;
        expectValid(
          schemas.get('sns-public-message.schema.json'),
          JSON.parse(outgoing.publicMessage.body),
          `${example.name} public`,
        );
      }
    }
    expect(publicMessages).toBeGreaterThan(200);
  });

  it('describe the messages of a payload too large for SNS: referenced on all, omitted on public', () => {
    const push = allExamples().find(
      (e) => e.event === 'push' && (e.payload.repository as { private?: boolean }).private === false,
    );
    const { classification, outgoing } = outgoingOf('push', grownPush(400 * 1024, push?.payload));
    expect(classification.public).toBe(true);
    const all = JSON.parse(outgoing.message.body);
    const pub = JSON.parse(outgoing.publicMessage.body);
    expect(all.payload_ref).toBeDefined();
    expect(pub.payload_omitted).toBe(true);
    expectValid(schemas.get('sns-all-message.schema.json'), all, 'all by reference');
    expectValid(schemas.get('sns-public-message.schema.json'), pub, 'public, payload omitted');
  });

  it('describe every Pulse body (the same on each exchange)', () => {
    for (const example of allExamples().filter((e) => classify(e.event, e.payload, policy).public)) {
      const body = pulseMessageBody({
        event: example.event,
        deliveryId: 'g-1',
        payloadText: JSON.stringify(example.payload),
      });
      expectValid(schemas.get('pulse-message.schema.json'), JSON.parse(body.toString()), example.name);
    }
  });

  it('describe records of the older formats as the readers take them', () => {
    const v1 = {
      delivery_id: 'g',
      event: 'push',
      received_at: at.toISOString(),
      hook_id: null,
      target: null,
      public: true,
      payload: { a: 1 },
    };
    expectValid(schemas.get('archive-record.v1.schema.json'), v1, 'format 1');
    const { privacy_rules: _r, ...v2 } = JSON.parse(
      formatRecordLine(
        { deliveryId: 'g', event: 'push', receivedAt: at, public: true, privacy: 'allowlisted' },
        { payloadText: '{"a":1}' },
      ),
    );
    expectValid(schemas.get('archive-record.v2.schema.json'), { ...v2, format_version: 2 }, 'format 2');
  });

  it('refuse what is not the format (a check that can fail)', () => {
    const record = JSON.parse(
      formatRecordLine(
        { deliveryId: 'g', event: 'push', receivedAt: at, public: true },
        { payloadText: '{}' },
      ),
    );
    expect(schemas.get('archive-record.v3.schema.json')?.({ ...record, extra: 1 })).toBe(false);
    expect(
      schemas.get('archive-record.v3.schema.json')?.({
        ...record,
        payload_ref: { key: 'payloads/x', bytes: 1, sha256: 'a'.repeat(64) },
      }),
    ).toBe(false);
    expect(schemas.get('pulse-message.schema.json')?.({ event: 'push', request_id: 'g' })).toBe(false);
  });

  it('describe the compactor’s hourly manifests', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gw-schemas-'));
    try {
      const store = new FsObjectStore(dir);
      const lines = allExamples()
        .slice(0, 40)
        .map((e, i) =>
          formatRecordLine(
            { deliveryId: `g-${i}`, event: e.event, receivedAt: new Date(at.getTime() + i), public: false },
            { payloadText: JSON.stringify(e.payload) },
          ),
        )
        .join('');
      await store.write('raw/2026/11/28/15/firehose-1', Buffer.from(lines + lines));
      const report = await compactPending({
        store,
        now: new Date('2026-11-28T18:00:00Z'),
        latenessMs: 0,
        disposal: 'delete',
      });
      expect(report.hoursCompacted).toBe(1);
      const manifest = JSON.parse((await store.readAll('manifests/2026/11/28/15.manifest.json')).toString());
      expectValid(schemas.get('hourly-manifest.schema.json'), manifest, 'manifest');
      expect(manifest.duplicates_dropped).toBe(40);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the docs’ field tables', () => {
  it('name exactly the fields of the current record format’s schema', async () => {
    const doc = await readFile(join(DIR, '..', 'docs', 'archive-format.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## The record format'));
    const fields = [...section.slice(0, section.indexOf('\n## ', 5)).matchAll(/^\| `([a-z_0-9]+)` \|/gm)].map(
      (m) => m[1],
    );
    const schema = JSON.parse(await readFile(join(DIR, 'archive-record.v3.schema.json'), 'utf8'));
    expect(new Set(fields.filter((f) => f !== undefined && f in schema.properties))).toEqual(
      new Set(Object.keys(schema.properties)),
    );
    expect(fields.slice(0, Object.keys(schema.properties).length).sort()).toEqual(
      Object.keys(schema.properties).sort(),
    );
  });
});
