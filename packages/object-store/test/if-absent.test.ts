import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { FsObjectStore, S3ObjectStore } from '../src';

const KEY = `payloads/guid-1-${'a'.repeat(64)}.json.gz`;

describe('write if absent (content-addressed payloads)', () => {
  it('on disk: keeps the first object, leaves no temp file, and writes a new key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gw-if-absent-'));
    try {
      const store = new FsObjectStore(dir);
      await store.write(KEY, Buffer.from('first'), { ifAbsent: true });
      await store.write(KEY, Buffer.from('second'), { ifAbsent: true });
      expect((await store.readAll(KEY)).toString()).toBe('first');
      expect(await readdir(join(dir, 'payloads'))).toEqual([KEY.slice('payloads/'.length)]);
      await store.write('payloads/other.json.gz', Buffer.from('x'), { ifAbsent: true });
      expect((await store.readAll('payloads/other.json.gz')).toString()).toBe('x');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  // Neither s3rver nor fauxqs implements S3's conditional writes (both overwrite), so S3's own
  // answer is played here: 200 for a new key, 412 PreconditionFailed for a taken one.
  describe('on S3', () => {
    let server: Server;
    let endpoint: string;
    const taken = new Set<string>();
    const puts: IncomingHttpHeaders[] = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          puts.push(req.headers);
          const path = req.url ?? '';
          if (req.headers['if-none-match'] === '*' && taken.has(path)) {
            res.writeHead(412, { 'content-type': 'application/xml' });
            return res.end(
              '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-None-Match</Condition></Error>',
            );
          }
          taken.add(path);
          res.writeHead(200, { etag: '"e"' });
          res.end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('sends If-None-Match: * and takes a 412 as "already there"', async () => {
      const client = new S3Client({
        endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        maxAttempts: 1,
      });
      const store = new S3ObjectStore({ client, bucket: 'archive' });
      await store.write(KEY, Buffer.from('first'), { ifAbsent: true });
      await expect(store.write(KEY, Buffer.from('first'), { ifAbsent: true })).resolves.toBeUndefined();
      expect(puts.map((h) => h['if-none-match'])).toEqual(['*', '*']);
      await store.write('hourly/2026/11/28/15.manifest.json', Buffer.from('{}'));
      expect(puts.at(-1)?.['if-none-match']).toBeUndefined();
      client.destroy();
    });
  });
});
