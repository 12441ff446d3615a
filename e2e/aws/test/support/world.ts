import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  type CfnResource,
  type CfnTableProperties,
  DynamoDbProxy,
  FirehoseStandIn,
  LambdaProcess,
  PackagedTemplate,
  RabbitTlsNode,
  SsmStandIn,
  TcpProxy,
  TEST_SECRET,
} from '@github-webhooks/fixtures';
import { parse } from 'yaml';
import { Fauxqs } from './fauxqs';

const ROOT = join(__dirname, '..', '..', '..', '..');
/** The token the reconciler's SecureString holds (and the GitHub stand-in accepts). */
export const GITHUB_TOKEN = 'ghp_e2e-reconciler';
const STACKS = ['ingestion', 'pulse-republisher', 'archive-compactor', 'delivery-reconciler'] as const;
export type StackName = (typeof STACKS)[number];

/** A test queue's visibility timeout: the template's 180 s would make a redrive test take 15 minutes. */
const VISIBILITY_SECONDS = 2;

const client = { region: 'us-east-1', credentials: { accessKeyId: 'stand-in', secretAccessKey: 'stand-in' } };

/**
 * What SQS accepts in a message body and its attributes, as AWS documents it: #x9 | #xA | #xD |
 * #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF. fauxqs refuses other characters in
 * SendMessage but not in what its SNS fans out to a queue; on AWS, SNS then fails the delivery (the
 * subscription's dead-letter queue gets it) and the queue never sees it.
 */
const SQS_REFUSES = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** The first character SQS would refuse in `text`, described (`U+FFFF at 123`), or undefined. */
export function sqsRefuses(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const found = SQS_REFUSES.exec(text);
  if (found === null) return undefined;
  const code = (found[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
  return `U+${code} at ${found.index}`;
}

interface SqsMessageLike {
  readonly Body?: string;
  readonly MessageBody?: string;
  readonly MessageAttributes?: Record<string, { StringValue?: string }>;
}

const refusedIn = (message: SqsMessageLike): string | undefined =>
  sqsRefuses(message.Body ?? message.MessageBody) ??
  Object.entries(message.MessageAttributes ?? {})
    .map(([name, value]) => {
      const where = sqsRefuses(value.StringValue);
      return where && `attribute ${name}: ${where}`;
    })
    .find((where) => where !== undefined);

/**
 * The harness's SQS client refuses, as SQS does, a message holding a character SQS does not accept:
 * sending one fails (InvalidMessageContents), and receiving one (SNS → queue inside fauxqs) fails the
 * test, since on AWS it could never have reached the queue.
 */
function refuseWhatSqsRefuses(sqs: SQSClient): void {
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Entries?: SqsMessageLike[] } & SqsMessageLike;
      for (const message of [input, ...(input.Entries ?? [])]) {
        const where = refusedIn(message);
        if (where !== undefined && context.commandName?.startsWith('SendMessage')) {
          throw Object.assign(new Error(`SQS refuses the message: ${where} is not an allowed character`), {
            name: 'InvalidMessageContents',
          });
        }
      }
      const result = await next(args);
      if (context.commandName === 'ReceiveMessageCommand') {
        for (const message of (result.output as { Messages?: SqsMessageLike[] }).Messages ?? []) {
          const where = refusedIn(message);
          if (where !== undefined)
            throw new Error(
              `a queue received a message SQS refuses (${where}): on AWS, SNS could not have delivered it (${String(message.Body).slice(0, 200)})`,
            );
        }
      }
      return result;
    },
    { step: 'initialize', name: 'refuseWhatSqsRefuses' },
  );
}

/** An S3 request of a function, as the proxy in front of the emulator saw it. */
export interface S3Request {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  /** `x-amz-server-side-encryption`, and the KMS key it names, when the request says. */
  readonly sse: string | undefined;
  readonly sseKeyId: string | undefined;
}

/**
 * Between the functions and the emulator's S3: records what each request says about encryption
 * (the emulators ignore SSE; the archive bucket's policy refuses a write that asks for another
 * encryption than its default, SSE-KMS), and passes everything on unchanged.
 */
export class S3Watch {
  readonly requests: S3Request[] = [];

  private constructor(private readonly server: Server) {}

  static async start(upstreamPort: number): Promise<S3Watch> {
    const watch: { it?: S3Watch } = {};
    const server = createServer((req, res) => {
      const header = (name: string) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value.join(',') : value;
      };
      watch.it?.requests.push({
        method: req.method ?? '',
        host: header('host') ?? '',
        path: req.url ?? '',
        sse: header('x-amz-server-side-encryption'),
        sseKeyId: header('x-amz-server-side-encryption-aws-kms-key-id'),
      });
      const upstream = request(
        { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    watch.it = new S3Watch(server);
    return watch.it;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

// dynalite (npm): DynamoDB's JSON protocol on LevelDB, in memory here; it ships no types.
const dynalite = require('dynalite') as (options: { createTableMs?: number }) => Server;

/** DynamoDB: dynalite, behind the stand-in that answers as DynamoDB where dynalite does not. */
export class DynamoDb {
  private constructor(
    private readonly server: Server,
    readonly proxy: DynamoDbProxy,
  ) {}

  static async start(): Promise<DynamoDb> {
    const server = dynalite({ createTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const proxy = await DynamoDbProxy.start(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return new DynamoDb(server, proxy);
  }

  get endpoint(): string {
    return this.proxy.endpoint;
  }

  async stop(): Promise<void> {
    await this.proxy.stop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

interface Stack {
  readonly dir: string;
  readonly template: PackagedTemplate;
  readonly artifact: string;
  readonly paramDefaults: Record<string, string>;
}

/**
 * The four stacks "deployed" onto emulators, as their packaged templates say: every resource the
 * functions use is created from its template definition (the bucket, the topics, the queue with its
 * redrive policy, the subscription with raw delivery and its own dead-letter queue, the Firehose
 * stream with its prefix and compression), the parameters serverless-compose.yml wires are wired
 * the same way, and each function runs from its bundle with its template's environment.
 */
export class AwsWorld {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  /** Logical IDs (per stack) → what the emulators made of them. */
  private readonly physical = new Map<string, { ref: string; arn: string; name: string; url?: string }>();
  readonly functions: LambdaProcess[] = [];

  private constructor(
    readonly fauxqs: Fauxqs,
    readonly firehose: FirehoseStandIn,
    readonly ssm: SsmStandIn,
    readonly dynamodb: DynamoDb,
    readonly rabbit: RabbitTlsNode,
    /** Between the functions and SNS: cut it and SNS is unreachable. */
    readonly snsProxy: TcpProxy,
    /** Between the republisher and RabbitMQ. */
    readonly brokerProxy: TcpProxy,
    readonly stacks: Readonly<Record<StackName, Stack>>,
    /** Between the functions and S3: what their requests say about encryption. */
    readonly s3Watch: S3Watch,
  ) {
    // The harness's own clients (path-style S3: no DNS needed in this process).
    this.s3 = new S3Client({ ...client, endpoint: `http://localhost:${fauxqs.port}`, forcePathStyle: true });
    this.sqs = new SQSClient({ ...client, endpoint: this.endpoint('sqs') });
    refuseWhatSqsRefuses(this.sqs);
    this.sns = new SNSClient({ ...client, endpoint: this.endpoint('sns') });
  }

  static async start(): Promise<AwsWorld> {
    const [fauxqs, firehose, ssm, dynamodb, rabbit] = await Promise.all([
      Fauxqs.start(),
      FirehoseStandIn.start(),
      SsmStandIn.start(),
      DynamoDb.start(),
      RabbitTlsNode.start(),
    ]);
    const snsProxy = await TcpProxy.start({ host: '127.0.0.1', port: fauxqs.port });
    const brokerProxy = await TcpProxy.start({ host: '127.0.0.1', port: rabbit.port });
    const s3Watch = await S3Watch.start(fauxqs.port);
    const stacks = Object.fromEntries(STACKS.map((name) => [name, loadStack(name)])) as Record<
      StackName,
      Stack
    >;
    const world = new AwsWorld(
      fauxqs,
      firehose,
      ssm,
      dynamodb,
      rabbit,
      snsProxy,
      brokerProxy,
      stacks,
      s3Watch,
    );
    await world.deploy();
    return world;
  }

  endpoint(service: 's3' | 'sqs' | 'sns'): string {
    // S3 clients address buckets as host names: `*.localhost` is this machine (see lambda/environment.cjs).
    return service === 's3'
      ? `http://s3.localhost:${this.fauxqs.port}`
      : `http://localhost:${this.fauxqs.port}`;
  }

  resource(stack: StackName, logicalId: string) {
    const found = this.physical.get(`${stack}/${logicalId}`);
    if (found === undefined) throw new Error(`${stack} has no deployed resource ${logicalId}`);
    return found;
  }

  /** Starts a stack's one function from its bundle, with its template's environment resolved. */
  async startFunction(
    stack: StackName,
    options: { clockOffsetMs?: number; environment?: Record<string, string> } = {},
  ) {
    const { template, artifact, dir } = this.stacks[stack];
    const [name, fn] = template.ofType('AWS::Lambda::Function')[0] as [string, CfnResource];
    const props = fn.Properties as {
      Handler: string;
      Timeout: number;
      MemorySize: number;
      Environment?: { Variables: Record<string, unknown> };
    };
    const environment: Record<string, string> = {};
    for (const [key, value] of Object.entries(props.Environment?.Variables ?? {})) {
      environment[key] = this.resolve(stack, value);
    }
    const lambda = await LambdaProcess.start({
      artifact,
      handler: props.Handler,
      functionName: name,
      timeoutSeconds: props.Timeout,
      memorySize: props.MemorySize,
      resolveFrom: dir,
      ...(options.clockOffsetMs === undefined ? {} : { clockOffsetMs: options.clockOffsetMs }),
      environment: {
        ...environment,
        // Through the watch (bucket host names included: `*.localhost` is this machine).
        AWS_ENDPOINT_URL_S3: `http://s3.localhost:${this.s3Watch.port}`,
        AWS_ENDPOINT_URL_SQS: this.endpoint('sqs'),
        AWS_ENDPOINT_URL_SNS: `http://localhost:${this.snsProxy.port}`,
        AWS_ENDPOINT_URL_FIREHOSE: this.firehose.endpoint,
        AWS_ENDPOINT_URL_SSM: this.ssm.endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: this.dynamodb.endpoint,
        NODE_EXTRA_CA_CERTS: this.rabbit.extraCaCerts,
        ...options.environment,
      },
    });
    this.functions.push(lambda);
    return lambda;
  }

  async stop(): Promise<void> {
    for (const fn of this.functions) await fn.stop().catch(() => undefined);
    for (const c of [this.s3, this.sqs, this.sns]) c.destroy();
    await this.snsProxy.close();
    await this.brokerProxy.close();
    await this.s3Watch.close();
    await Promise.all([
      this.fauxqs.stop(),
      this.firehose.close(),
      this.ssm.close(),
      this.dynamodb.stop(),
      this.rabbit.stop(),
    ]);
  }

  /** A template value (a string, Ref, GetAtt, Sub) as the deployed stack would have it. */
  private resolve(stack: StackName, value: unknown): string {
    if (typeof value === 'string') return this.wired(stack, value);
    const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Sub'?: string };
    if (v.Ref !== undefined) return this.resource(stack, v.Ref).ref;
    if (v['Fn::GetAtt'] !== undefined) {
      const [id, attribute] = v['Fn::GetAtt'];
      const found = this.resource(stack, id);
      return attribute === 'Arn' ? found.arn : found.name;
    }
    throw new Error(`${stack}: cannot resolve ${JSON.stringify(value)}`);
  }

  /** A stack's parameter default (a placeholder when packaged alone) as serverless-compose.yml wires it. */
  private wired(stack: StackName, value: string): string {
    // An empty default (archiveKeyArn: none alone) stands for nothing in an environment value.
    if (value === '') return value;
    const compose = parse(readFileSync(join(ROOT, 'serverless-compose.yml'), 'utf8')) as {
      services: Record<string, { params?: Record<string, string> }>;
    };
    for (const [param, reference] of Object.entries(compose.services[stack]?.params ?? {})) {
      if (this.stacks[stack].paramDefaults[param] !== value) continue;
      const [, from = '', output = ''] = /^\$\{([\w-]+)\.(\w+)\}$/.exec(reference) ?? [];
      const out = this.stacks[from as StackName].template.outputs[output]?.Value;
      if (out === undefined) throw new Error(`${reference} is no output of ${from}`);
      return this.resolve(from as StackName, out);
    }
    return value;
  }

  private async deploy(): Promise<void> {
    const ingestion = this.stacks.ingestion.template;
    // The archive bucket (a name of ours: the template lets CloudFormation pick one).
    const bucket = 'github-webhooks-e2e-archive';
    await this.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    this.physical.set('ingestion/ArchiveBucket', {
      ref: bucket,
      arn: `arn:aws:s3:::${bucket}`,
      name: bucket,
    });
    for (const id of ['AllTopic', 'PublicTopic']) {
      const created = await this.sns.send(new CreateTopicCommand({ Name: `github-webhooks-e2e-${id}` }));
      const arn = created.TopicArn as string;
      this.physical.set(`ingestion/${id}`, { ref: arn, arn, name: arn.split(':').at(-1) as string });
    }
    const stream = ingestion.resource('ArchiveStream').Properties.ExtendedS3DestinationConfiguration as {
      Prefix: string;
      CompressionFormat: 'GZIP' | 'UNCOMPRESSED';
      BufferingHints: { IntervalInSeconds: number; SizeInMBs: number };
    };
    this.firehose.createStream('github-webhooks-e2e-archive', {
      prefix: stream.Prefix,
      compression: stream.CompressionFormat,
      bufferSeconds: stream.BufferingHints.IntervalInSeconds,
      bufferBytes: stream.BufferingHints.SizeInMBs * 1024 * 1024,
      write: async (key, body) =>
        void (await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }))),
    });
    this.physical.set('ingestion/ArchiveStream', {
      ref: 'github-webhooks-e2e-archive',
      arn: 'arn:aws:firehose:us-east-1:000000000000:deliverystream/github-webhooks-e2e-archive',
      name: 'github-webhooks-e2e-archive',
    });
    this.ssm.put(this.stacks.ingestion.paramDefaults.webhookSecretsParameter as string, {
      value: TEST_SECRET,
    });
    this.ssm.put(this.stacks['pulse-republisher'].paramDefaults.amqpUrlParameter as string, {
      value: this.rabbit.url(this.brokerProxy.port),
    });
    this.ssm.put(this.stacks['delivery-reconciler'].paramDefaults.githubTokenParameter as string, {
      value: GITHUB_TOKEN,
      type: 'SecureString',
    });
    await this.deployRepublisherQueues();
    await this.deployPublishLedger();
  }

  /** The republisher's publish ledger, as its template defines the table (key, TTL, billing, SSE). */
  private async deployPublishLedger(): Promise<void> {
    const name = 'github-webhooks-e2e-PublishLedgerTable';
    const table = this.stacks['pulse-republisher'].template.resource('PublishLedgerTable');
    await this.dynamodb.proxy.createTable(name, table.Properties as unknown as CfnTableProperties);
    this.physical.set('pulse-republisher/PublishLedgerTable', {
      ref: name,
      arn: `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`,
      name,
    });
  }

  private async deployRepublisherQueues(): Promise<void> {
    const template = this.stacks['pulse-republisher'].template;
    for (const id of ['RepublishDeadLetterQueue', 'SubscriptionDeadLetterQueue', 'RepublishQueue']) {
      const props = template.resource(id).Properties as {
        MessageRetentionPeriod?: number;
        RedrivePolicy?: { deadLetterTargetArn: unknown; maxReceiveCount: number };
      };
      const attributes: Record<string, string> = { VisibilityTimeout: String(VISIBILITY_SECONDS) };
      if (props.MessageRetentionPeriod)
        attributes.MessageRetentionPeriod = String(props.MessageRetentionPeriod);
      if (props.RedrivePolicy) {
        attributes.RedrivePolicy = JSON.stringify({
          deadLetterTargetArn: this.resolve('pulse-republisher', props.RedrivePolicy.deadLetterTargetArn),
          maxReceiveCount: props.RedrivePolicy.maxReceiveCount,
        });
      }
      const created = await this.sqs.send(
        new CreateQueueCommand({ QueueName: `github-webhooks-e2e-${id}`, Attributes: attributes }),
      );
      const url = created.QueueUrl as string;
      const arn = (
        await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))
      ).Attributes?.QueueArn as string;
      this.physical.set(`pulse-republisher/${id}`, { ref: url, arn, name: `github-webhooks-e2e-${id}`, url });
    }
    const subscription = template.resource('PublicTopicSubscription').Properties as {
      TopicArn: string;
      Protocol: string;
      Endpoint: unknown;
      RawMessageDelivery: boolean;
      RedrivePolicy: { deadLetterTargetArn: unknown };
    };
    await this.sns.send(
      new SubscribeCommand({
        TopicArn: this.resolve('pulse-republisher', subscription.TopicArn),
        Protocol: subscription.Protocol,
        Endpoint: this.resolve('pulse-republisher', subscription.Endpoint),
        Attributes: {
          RawMessageDelivery: String(subscription.RawMessageDelivery),
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: this.resolve(
              'pulse-republisher',
              subscription.RedrivePolicy.deadLetterTargetArn,
            ),
          }),
        },
      }),
    );
  }
}

function loadStack(name: StackName): Stack {
  const dir = join(ROOT, 'services', name);
  const config = parse(readFileSync(join(dir, 'serverless.yml'), 'utf8'), { logLevel: 'silent' }) as {
    service: string;
    params?: { default?: Record<string, unknown> };
  };
  const paramDefaults = Object.fromEntries(
    Object.entries(config.params?.default ?? {}).map(([k, v]) => [
      k,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Serverless's variable syntax, resolved here as the framework would
      String(v).replaceAll('${sls:stage}', 'dev'),
    ]),
  );
  return {
    dir,
    template: PackagedTemplate.of(dir),
    artifact: join(dir, '.serverless', `${config.service}.zip`),
    paramDefaults,
  };
}
