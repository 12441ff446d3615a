import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import {
  exampleOf,
  GitHubStandIn,
  httpApiEvent,
  type LambdaProcess,
  scheduledEvent,
  TEST_SECRET,
} from '@github-webhooks/fixtures';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AwsWorld, GITHUB_TOKEN } from './support/world';

// GitHub (the stand-in) delivers to the ingestion function through an HTTP front that can be
// "down" (503, as API Gateway answers a failing function); the reconciler function, from its
// bundle and its template's environment, reads the log at the stand-in and redelivers.
const HOOK = 'orgs/acme/hooks/77';
let world: AwsWorld;
let github: GitHubStandIn;
let ingestion: LambdaProcess;
let reconciler: LambdaProcess;
let front: Server | undefined;
let down = true;

beforeAll(async () => {
  world = await AwsWorld.start();
  github = await GitHubStandIn.start({ token: GITHUB_TOKEN });
  ingestion = await world.startFunction('ingestion');
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (down) return void res.writeHead(503).end();
      const event = httpApiEvent({
        method: 'POST',
        path: '/webhook',
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks),
      });
      ingestion.invoke<APIGatewayProxyStructuredResultV2>(event).then((answer) => {
        res.writeHead(answer.statusCode ?? 500).end(answer.body);
      });
    });
  });
  front = server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  github.addHook(HOOK, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`,
    secret: TEST_SECRET,
  });
  reconciler = await world.startFunction('delivery-reconciler', {
    environment: { GITHUB_API_URL: github.url, RECONCILE_HOOKS: HOOK, RECONCILE_MAX_REDELIVERIES: '1' },
  });
}, 120_000);

afterAll(async () => {
  const server = front;
  if (server !== undefined) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await github?.close();
  await world?.stop();
});

describe('the delivery-reconciler bundle, on its schedule', () => {
  it('redelivers what the endpoint failed, through ingestion into the archive, keeping its checkpoint in S3', async () => {
    const push = exampleOf('push');
    const failed = await github.hook(HOOK).deliver('push', push.payload, 'aws-reconcile-1');
    expect(failed.status_code).toBe(503);
    down = false;

    const first = await reconciler.invoke<Record<string, unknown>>(scheduledEvent(new Date()));
    expect(first).toMatchObject({ hooks: 1, deliveries: 1, redelivered: 1, gave_up: 0, complete: true });
    await github.settled();
    expect(github.hook(HOOK).attempts.at(-1)).toMatchObject({
      guid: 'aws-reconcile-1',
      redelivery: true,
      status_code: 202,
    });

    const second = await reconciler.invoke<Record<string, unknown>>(scheduledEvent(new Date()));
    expect(second).toMatchObject({ delivered: 1, redelivered: 0 });

    // The token came from its SecureString, decrypted; the checkpoint is an S3 object.
    const tokenReads = world.ssm.requests.filter((r) => r.body.Name === '/github-webhooks/dev/github-token');
    expect(tokenReads[0]?.body).toMatchObject({ WithDecryption: true });
    const bucket = world.resource('ingestion', 'ArchiveBucket').name;
    const object = await world.s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: 'reconcile/checkpoint.json' }),
    );
    const checkpoint = JSON.parse(
      await (object.Body as { transformToString(): Promise<string> }).transformToString(),
    );
    expect(checkpoint).toMatchObject({ version: 1, hooks: { [HOOK]: { open: [] } } });
    // One EMF record per run, in the namespace and with the service dimension the alarm reads.
    const emf = reconciler.records().filter((r) => r._aws !== undefined);
    expect(emf).toHaveLength(2);
    expect(emf[0]).toMatchObject({ service: 'delivery-reconciler', Redelivered: 1, GaveUp: 0 });
  });
});
