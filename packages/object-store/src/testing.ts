/**
 * Test support, not exported from the index: a real S3-protocol server (s3rver) in-process, for
 * `import { startS3rver } from '@github-webhooks/object-store/src/testing'`.
 */
import crypto from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';

interface S3rverServer {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverServer;

export interface RunningS3rver {
  readonly endpoint: string;
  readonly bucket: string;
  /**
   * A new client for this server (the options stream bodies need, see the notes); `via` sends its
   * requests to another endpoint in front of the server (e.g. fixtures' ConditionalWriteProxy).
   */
  client(via?: string): S3Client;
  stop(): Promise<void>;
}

export async function startS3rver(bucket = 'archive'): Promise<RunningS3rver> {
  allowS3rverContinuationTokens();
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  // s3rver ships no types; it is resolved from this package, where it is installed.
  const S3rver = createRequire(__filename)('s3rver') as S3rverConstructor;
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: process.env.S3RVER_LOG !== '1',
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: S3Client[] = [];
  return {
    endpoint,
    bucket,
    client(via) {
      const client = new S3Client({
        endpoint: via ?? endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

let tokensPatched = false;

/**
 * s3rver seals ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node >= 17) no longer
 * offers, so every truncated listing fails with InternalError. Tokens are opaque to clients:
 * "DES" becomes the identity here (test processes only), and paging works as on S3.
 */
function allowS3rverContinuationTokens(): void {
  if (tokensPatched) return;
  tokensPatched = true;
  const identity = { update: (data: string | Buffer) => Buffer.from(data), final: () => Buffer.alloc(0) };
  const mutable = crypto as unknown as Record<
    'createCipheriv' | 'createDecipheriv',
    (...args: unknown[]) => unknown
  >;
  for (const name of ['createCipheriv', 'createDecipheriv'] as const) {
    const original = mutable[name];
    mutable[name] = (algorithm: unknown, ...rest: unknown[]) =>
      algorithm === 'des' ? identity : original.call(crypto, algorithm, ...rest);
  }
}

/** Records the name of every command `client` sends, in order, into `commands`. */
export function countCommands(client: S3Client, commands: string[]): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
}
