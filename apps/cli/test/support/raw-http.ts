import { request } from 'node:http';

export interface RawAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The whole body; for an event stream, what arrived before `firstChunkOnly` cut it. */
  readonly body: string;
}

/**
 * One request with node:http, headers as given (fetch would not let a test forge Host, nor leave
 * Origin out). `firstChunkOnly` stops at the first piece of the body (an event stream never ends).
 */
export function raw(
  port: number,
  options: {
    readonly method?: string;
    readonly path: string;
    readonly headers?: Readonly<Record<string, string>>;
    readonly body?: string;
    readonly firstChunkOnly?: boolean;
    /** Told when the first piece of the body arrives (an event stream's first event). */
    readonly onFirstChunk?: () => void;
  },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { host: `127.0.0.1:${port}`, ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        const done = () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        res.on('data', (chunk: Buffer) => {
          if (chunks.length === 0) options.onFirstChunk?.();
          chunks.push(chunk);
          if (options.firstChunkOnly) {
            done();
            res.destroy();
          }
        });
        res.on('end', done);
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
