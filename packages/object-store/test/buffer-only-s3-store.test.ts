import { S3ObjectStore, StreamWritesUnsupportedError } from '../src';
import { countCommands, type RunningS3rver, startS3rver } from '../src/testing';

const MIB = 1024 * 1024;

async function* chunks(): AsyncIterable<Uint8Array> {
  yield Buffer.from('a line\n');
}

/** A store built without uploadInParts, as the functions that never stream a write build it. */
describe('S3ObjectStore without uploadInParts', () => {
  let s3rver: RunningS3rver;
  let store: S3ObjectStore;
  const commands: string[] = [];
  beforeAll(async () => {
    s3rver = await startS3rver();
    const client = s3rver.client();
    countCommands(client, commands);
    store = new S3ObjectStore({ client, bucket: s3rver.bucket, partSize: 5 * MIB });
  });
  afterAll(() => s3rver.stop());
  beforeEach(() => commands.splice(0));

  it('writes a buffer over the part size in one PutObject', async () => {
    const body = Buffer.alloc(6 * MIB, 'x');
    await store.write('big/one.bin', body);
    expect(commands).toEqual(['PutObjectCommand']);
    expect((await store.readAll('big/one.bin')).equals(body)).toBe(true);
  });

  it('refuses a stream, naming the key, and sends nothing', async () => {
    const write = store.write('hourly/2026/12/03/13.ndjson.gz', chunks());
    await expect(write).rejects.toThrow(StreamWritesUnsupportedError);
    await expect(write).rejects.toThrow(
      /hourly\/2026\/12\/03\/13\.ndjson\.gz: this S3 store writes buffers only/,
    );
    expect(commands).toEqual([]);
    expect(await store.head('hourly/2026/12/03/13.ndjson.gz')).toBeUndefined();
  });
});
