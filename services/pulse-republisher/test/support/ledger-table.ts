import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type CfnTableProperties, DynamoDbProxy, PackagedTemplate } from '@github-webhooks/fixtures';

// dynalite (npm): DynamoDB's JSON protocol on LevelDB, in memory here; it ships no types.
const dynalite = require('dynalite') as (options: {
  createTableMs?: number;
  deleteTableMs?: number;
}) => Server;

/** An item as the table holds it, its attributes as plain values. */
export type LedgerItem = Record<string, string | number>;

/**
 * The publish ledger's table as the packaged template defines it, on dynalite behind the
 * DynamoDB stand-in (which adds what dynalite lacks: the item on a failed conditional write).
 * `client` is the SDK's real DynamoDB client on it.
 */
export class LedgerTable {
  private constructor(
    private readonly server: Server,
    readonly proxy: DynamoDbProxy,
    readonly client: DynamoDBClient,
    readonly name: string,
  ) {}

  static async start(name = 'github-webhooks-test-PublishLedgerTable'): Promise<LedgerTable> {
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const proxy = await DynamoDbProxy.start(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const template = PackagedTemplate.of(join(__dirname, '..', '..'));
    await proxy.createTable(
      name,
      template.resource('PublishLedgerTable').Properties as unknown as CfnTableProperties,
    );
    const client = new DynamoDBClient({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'stand-in', secretAccessKey: 'stand-in' },
      maxAttempts: 2,
    });
    return new LedgerTable(server, proxy, client, name);
  }

  /** Every item, `S` and `N` attributes as strings and numbers. */
  async items(): Promise<LedgerItem[]> {
    return (await this.proxy.items(this.name)).map((item) =>
      Object.fromEntries(
        Object.entries(item as Record<string, { S?: string; N?: string }>).map(([name, value]) => [
          name,
          value.S ?? Number(value.N),
        ]),
      ),
    );
  }

  async close(): Promise<void> {
    this.client.destroy();
    await this.proxy.stop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
