import { gunzipSync } from 'node:zlib';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { FirehoseStandIn } from '@github-webhooks/fixtures';
import { FirehoseArchive } from '../src/aws/firehose-archive';

// The SDK's real Firehose client against a protocol-level stand-in (JSON 1.1, as strict as Firehose).
let firehose: FirehoseStandIn;
let client: FirehoseClient;
const delivered = new Map<string, Buffer>();
beforeAll(async () => {
  firehose = await FirehoseStandIn.start();
  firehose.createStream('archive-stream', {
    prefix: 'raw/!{timestamp:yyyy/MM/dd/HH}/',
    compression: 'GZIP',
    bufferSeconds: 300,
    bufferBytes: 64 * 1024 * 1024,
    write: async (key, body) => void delivered.set(key, body),
  });
  client = new FirehoseClient({
    endpoint: firehose.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await firehose.close();
});

describe('FirehoseArchive', () => {
  it('puts the line as one newline-terminated record, delivered under raw/<hour>/ gzipped', async () => {
    await new FirehoseArchive(client, 'archive-stream').append('{"delivery_id":"g"}\n');
    await new FirehoseArchive(client, 'archive-stream').append('{"delivery_id":"h"}\n');
    expect(firehose.requests).toEqual([
      { target: 'Firehose_20150804.PutRecord', records: 1 },
      { target: 'Firehose_20150804.PutRecord', records: 1 },
    ]);
    await firehose.flush();
    const [[key, body] = []] = [...delivered];
    expect(key).toMatch(/^raw\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/archive-stream-1-/);
    expect(gunzipSync(body as Buffer).toString()).toBe('{"delivery_id":"g"}\n{"delivery_id":"h"}\n');
  });

  it('refuses a line without its newline, so S3 objects stay line-delimited', async () => {
    const before = firehose.requests.length;
    await expect(new FirehoseArchive(client, 'archive-stream').append('{}')).rejects.toThrow(TypeError);
    expect(firehose.requests).toHaveLength(before);
  });

  it.each([
    [
      'the service is unavailable',
      () => (firehose.failWith = { status: 503, type: 'ServiceUnavailableException' }),
      'ServiceUnavailableException',
    ],
    ['the stream does not exist', () => undefined, 'ResourceNotFoundException'],
  ])('passes on the failure when %s', async (_name, fail, name) => {
    fail();
    try {
      const stream = name === 'ResourceNotFoundException' ? 'no-such-stream' : 'archive-stream';
      await expect(new FirehoseArchive(client, stream).append('{}\n')).rejects.toMatchObject({ name });
    } finally {
      firehose.failWith = undefined;
    }
  });

  it('is refused a record over 1,000 KiB, as Firehose refuses it', async () => {
    await expect(
      new FirehoseArchive(client, 'archive-stream').append(`${'x'.repeat(1_000 * 1024 + 1)}\n`),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });
});
