import { createServer, type Server } from 'node:net';
import type { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { exampleOf } from '@github-webhooks/fixtures';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { deliveryOf, inlineBody, queueMessage, refBody, sqsEvent } from './support/records';

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

const PARAMETER = '/github-webhooks/test/pulse-amqp-url';
const env = {
  AWS_REGION: 'us-east-1',
  AMQP_URL_PARAMETER: PARAMETER,
  ARCHIVE_BUCKET: 'github-webhooks-archive-test',
  CONNECT_TIMEOUT_MS: '2000',
};
const context = {
  functionName: 'pulse-republisher',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:pulse-republisher',
  memoryLimitInMB: '256',
  awsRequestId: 'request-1',
} as Context;

type SsmMock = AwsClientStub<SSMClient>;
type S3Mock = AwsClientStub<S3Client>;

/** The mocks and command classes of the handler's own module registry. */
interface Mocks {
  readonly ssm: SsmMock;
  readonly s3: S3Mock;
  readonly GetParameterCommand: typeof GetParameterCommand;
  readonly GetObjectCommand: typeof GetObjectCommand;
}

interface Loaded extends Mocks {
  readonly handler: Handler;
}

/**
 * The composition root loaded afresh (its module-level state is per container), with the AWS SDK
 * clients of that module registry mocked: `setup` gives their answers before the module loads.
 */
async function loadHandler(
  overrides: Record<string, string | undefined> = {},
  setup: (mocks: Mocks) => void = () => undefined,
): Promise<Loaded> {
  const saved = { ...process.env };
  Object.assign(process.env, env, overrides);
  for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete process.env[key];
  try {
    let loaded: Loaded | undefined;
    await jest.isolateModulesAsync(async () => {
      const ssmModule = await import('@aws-sdk/client-ssm');
      const s3Module = await import('@aws-sdk/client-s3');
      const { mockClient: isolatedMock } = await import('aws-sdk-client-mock');
      const mocks: Mocks = {
        ssm: isolatedMock(ssmModule.SSMClient),
        s3: isolatedMock(s3Module.S3Client),
        GetParameterCommand: ssmModule.GetParameterCommand,
        GetObjectCommand: s3Module.GetObjectCommand,
      };
      setup(mocks);
      const { handler } = await import('../src/handler');
      loaded = { handler, ...mocks };
    });
    if (loaded === undefined) throw new Error('handler not loaded');
    return loaded;
  } finally {
    process.env = saved;
  }
}

/** What the handler printed: Powertools writes one JSON object per line (logs and EMF metrics), errors to stderr. */
function captureStdout(): { lines: () => Record<string, unknown>[]; restore: () => void } {
  const written: string[] = [];
  const capture = (chunk: string | Uint8Array): boolean => {
    written.push(chunk.toString());
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(capture),
    jest.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  return {
    lines: () =>
      written
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

const metricNames = (lines: Record<string, unknown>[]): string[] =>
  lines.flatMap((line) => {
    const aws = line._aws as { CloudWatchMetrics?: { Metrics: { Name: string }[] }[] } | undefined;
    return aws?.CloudWatchMetrics?.flatMap((m) => m.Metrics.map((metric) => metric.Name)) ?? [];
  });

describe('handler (Lambda composition root)', () => {
  let closedPort: Server;
  let stdout: ReturnType<typeof captureStdout>;

  beforeAll(async () => {
    // A port that accepts nothing: listen, note the port, close.
    closedPort = createServer();
    await new Promise<void>((resolve) => closedPort.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => closedPort.close(() => resolve()));
  });

  beforeEach(() => {
    stdout = captureStdout();
  });

  afterEach(() => stdout.restore());

  const port = () => (closedPort.address() as { port: number } | null)?.port ?? 1;

  it('fails the start naming the variable when the configuration is invalid', async () => {
    await expect(loadHandler({ ARCHIVE_BUCKET: undefined })).rejects.toThrow('ARCHIVE_BUCKET must be set');
    await expect(loadHandler({ PUBLISH_WINDOW: 'many' })).rejects.toThrow(/^PUBLISH_WINDOW must be/);
  });

  it('reads the AMQP URL from SSM with decryption, refuses a plain-text URL, and reports every message', async () => {
    const { handler, ssm, GetParameterCommand } = await loadHandler({}, ({ ssm, GetParameterCommand }) => {
      ssm.on(GetParameterCommand).resolves({
        Parameter: { Name: PARAMETER, Type: 'SecureString', Value: 'amqp://guest:guest@127.0.0.1:5672' },
      });
    });
    const messages = [exampleOf('push'), exampleOf('release')].map((e) =>
      queueMessage(inlineBody(deliveryOf(e))),
    );
    const response = await handler(sqsEvent(messages), context);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(messages.map((m) => m.messageId));
    expect(ssm.commandCalls(GetParameterCommand).map((call) => call.args[0].input)).toEqual([
      { Name: PARAMETER, WithDecryption: true },
    ]);
    const lines = stdout.lines();
    const refused = lines.find((line) => line.message === 'cannot obtain a usable AMQP URL');
    expect(refused).toMatchObject({ level: 'ERROR', reason: 'url_unavailable' });
    expect(JSON.stringify(refused)).toContain(`SSM parameter ${PARAMETER} must hold an amqps:// URL`);
    expect(JSON.stringify(lines)).not.toContain('guest:guest');
    expect(metricNames(lines).sort()).toEqual(['BrokerUnavailable', 'PublishFailed']);
  });

  it('reports an unreachable broker once per batch, and keeps the URL cached across invocations', async () => {
    const { handler, ssm, GetParameterCommand } = await loadHandler({}, ({ ssm, GetParameterCommand }) => {
      ssm.on(GetParameterCommand).resolves({
        Parameter: {
          Name: PARAMETER,
          Type: 'SecureString',
          Value: `amqps://user:secret@127.0.0.1:${port()}/pulse`,
        },
      });
    });
    for (const requestId of ['request-1', 'request-2']) {
      const messages = [exampleOf('push'), exampleOf('issues')].map((e) =>
        queueMessage(inlineBody(deliveryOf(e))),
      );
      const response = await handler(sqsEvent(messages), { ...context, awsRequestId: requestId });
      expect(response.batchItemFailures).toHaveLength(2);
    }
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
    const lines = stdout.lines();
    const unreachable = lines.filter((line) => line.message === 'the broker is unreachable');
    expect(unreachable).toHaveLength(2);
    expect(unreachable[0]).toMatchObject({
      broker: `amqps://127.0.0.1:${port()}/pulse`,
      reason: 'unreachable',
    });
    expect(JSON.stringify(lines)).not.toContain('secret');
    const failures = lines.filter((line) => line.reason === 'publish_failed');
    expect(failures).toHaveLength(4);
    for (const line of failures)
      expect(line).toMatchObject({
        delivery_id: expect.any(String),
        event: expect.any(String),
        message_id: expect.any(String),
      });
  });

  it('reads payloads by reference from the archive bucket and reports a missing one as a bad message', async () => {
    const delivery = deliveryOf(exampleOf('pull_request'));
    const { body, ref } = refBody(delivery);
    const { handler, ssm, s3, GetObjectCommand } = await loadHandler({}, ({ s3, GetObjectCommand }) => {
      s3.on(GetObjectCommand).rejects(
        Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' }),
      );
    });
    const message = queueMessage(body);
    const response = await handler(sqsEvent([message, queueMessage('not json')]), context);
    expect(response.batchItemFailures).toHaveLength(2);
    expect(response.batchItemFailures[0]).toEqual({ itemIdentifier: message.messageId });
    expect(s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: 'github-webhooks-archive-test', Key: ref.key },
    ]);
    const lines = stdout.lines();
    expect(lines.find((line) => line.message_id === message.messageId)).toMatchObject({
      level: 'ERROR',
      message: 'bad message',
      reason: 'bad_message',
      delivery_id: delivery.deliveryId,
      event: 'pull_request',
    });
    expect(metricNames(lines).sort()).toEqual(['BadMessage', 'PublishFailed']);
    // Nothing to publish: the broker was never contacted.
    expect(ssm.calls()).toHaveLength(0);
  });
});
