import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of the broker that a test controls: it can drop every connection, refuse new
 * ones (nothing listens on its port), accept again on the same port, cut everything once a number
 * of bytes went from client to broker, and stall the broker's replies.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private cutAt: number | undefined;
  private clientBytes = 0;
  private stalled = false;
  /** Connections accepted so far. */
  accepted = 0;
  private listenPort = 0;

  private constructor(private readonly target: { readonly host: string; readonly port: number }) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await proxy.accept();
    return proxy;
  }

  get port(): number {
    return this.listenPort;
  }

  /** Listens again (on the same port after the first time). */
  async accept(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => this.pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listenPort, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
    this.listenPort = address.port;
    this.server = server;
  }

  /** Drops every open connection, both sides, as a network failure would. */
  dropAll(): void {
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  /** Drops every connection and stops listening: new connections are refused (ECONNREFUSED). */
  async refuse(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.dropAll();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Drops and refuses once `bytes` more bytes have gone from clients to the broker. */
  cutAfterClientBytes(bytes: number): void {
    this.clientBytes = 0;
    this.cutAt = bytes;
  }

  /** Stops passing the broker's bytes to clients (they stay queued) until `unstall`. */
  stall(): void {
    this.stalled = true;
    for (const { upstream } of this.pairs) upstream.pause();
  }

  unstall(): void {
    this.stalled = false;
    for (const { upstream } of this.pairs) upstream.resume();
  }

  async close(): Promise<void> {
    await this.refuse();
  }

  private pipe(client: Socket): void {
    this.accepted++;
    const upstream = connect(this.target.port, this.target.host);
    const pair = { client, upstream };
    this.pairs.add(pair);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    if (this.stalled) upstream.pause();
    const end = (): void => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (this.cutAt !== undefined) {
        this.clientBytes += chunk.length;
        if (this.clientBytes > this.cutAt) {
          this.cutAt = undefined;
          void this.refuse();
          return;
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  }
}
