import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { classify, createPrivacyPolicy, formatRecordLine } from '@github-webhooks/events';
import {
  AwsCallRecorder,
  allExamples,
  exampleOf,
  GitHubStandIn,
  httpApiEvent,
  type LambdaProcess,
  scheduledEvent,
  signedRequest,
  sqsEvent,
  TEST_SECRET,
} from '@github-webhooks/fixtures';
import type { APIGatewayProxyStructuredResultV2, SQSBatchResponse } from 'aws-lambda';
import { Account, type StackInput } from './support/account';
import {
  type Caller,
  documentedRequests,
  firehoseWrites,
  recordedRequests,
} from './support/documented-calls';
import { describeVerdict, evaluateAll, grantUnits, type Verdict } from './support/iam-evaluation';
import { PulseConsumer, QueuePoller } from './support/pipeline';
import { AwsWorld, GITHUB_TOKEN, type StackName } from './support/world';

// Every AWS call each packaged bundle makes, recorded at a proxy of its own in front of the
// emulators, evaluated with IAM's rules against the policies of its role as the packaged template
// defines them (and the bucket, topic, queue and key policies), together with the calls no emulator
// sees (support/documented-calls.ts, written from AWS's documentation). A denial fails, naming the
// function, the call and the statement that is missing; grants nothing exercised fail unless they
// are listed below as deliberate (docs/operate.md, "What IAM allows").

/**
 * Grants no test exercises, on purpose: `role logical id: action resource [s3:prefix]` → why.
 * A grant unused and missing here fails (grant it only when something needs it); one listed here
 * that a test exercises fails too (the list stays true).
 */
const SERVERLESS_LOGS =
  "Serverless's default log statement: the stack creates the function's log group (and tags it), so Lambda never does";
const DELIBERATELY_UNUSED: Record<string, string> = {
  'ingestion/IamRoleLambdaExecution: logs:CreateLogGroup arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/github-webhooks-ingestion-dev*:*':
    SERVERLESS_LOGS,
  'ingestion/IamRoleLambdaExecution: logs:TagResource arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/github-webhooks-ingestion-dev*:*':
    SERVERLESS_LOGS,
  'pulse-republisher/IamRoleLambdaExecution: logs:CreateLogGroup arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/github-webhooks-pulse-republisher-dev*:*':
    SERVERLESS_LOGS,
  'pulse-republisher/IamRoleLambdaExecution: logs:TagResource arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/github-webhooks-pulse-republisher-dev*:*':
    SERVERLESS_LOGS,
  'archive-compactor/IamRoleLambdaExecution: logs:CreateLogGroup arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/github-webhooks-archive-compactor-dev*:*':
    SERVERLESS_LOGS,
  'archive-compactor/IamRoleLambdaExecution: logs:TagResource arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/github-webhooks-archive-compactor-dev*:*':
    SERVERLESS_LOGS,
  'delivery-reconciler/IamRoleLambdaExecution: logs:CreateLogGroup arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/github-webhooks-delivery-reconciler-dev*:*':
    SERVERLESS_LOGS,
  'delivery-reconciler/IamRoleLambdaExecution: logs:TagResource arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/github-webhooks-delivery-reconciler-dev*:*':
    SERVERLESS_LOGS,
  'pulse-republisher/IamRoleLambdaExecution: dynamodb:GetItem arn:aws:dynamodb:us-east-1:000000000000:table/<PublishLedgerTable>':
    "Powertools reads the ledger's item when a conditional write fails without returning it; DynamoDB returns it (ALL_OLD), so this is the fallback",
  'delivery-reconciler/IamRoleLambdaExecution: ssm:GetParameter arn:aws:ssm:us-east-1:000000000000:parameter/github-webhooks/dev/github-app-private-key':
    'read only when the reconciler authenticates as a GitHub App (githubAppId set); the tests use a token',
  'delivery-reconciler/IamRoleLambdaExecution: s3:ListBucket arn:aws:s3:::<ArchiveBucket> [s3:prefix locks/delivery-reconciler.json]':
    'lets a read of the lease that another run has just released answer 404, not 403: a race no test provokes',
  'archive-compactor/IamRoleLambdaExecution: s3:ListBucket arn:aws:s3:::<ArchiveBucket> [s3:prefix locks/archive-compactor.json]':
    'lets a read of the lease that another run has just released answer 404, not 403: a race no test provokes',
  'archive-compactor/IamRoleLambdaExecution: s3:AbortMultipartUpload arn:aws:s3:::<ArchiveBucket>/hourly/*':
    'a multipart upload of an hourly file that fails is aborted, not left to accrue',
  'archive-compactor/IamRoleLambdaExecution: s3:AbortMultipartUpload arn:aws:s3:::<ArchiveBucket>/manifests/*':
    'a multipart upload that fails is aborted (manifests are small: never multipart in practice)',
  'archive-compactor/IamRoleLambdaExecution: s3:AbortMultipartUpload arn:aws:s3:::<ArchiveBucket>/quarantine/*':
    'a multipart upload that fails is aborted (quarantine files are small: never multipart in practice)',
};

const policy = createPrivacyPolicy();
const HOOK = 'orgs/acme/hooks/88';
let world: AwsWorld;
let account: Account;
let archiveCheckAccount: Account;
const callers: { who: string; account: () => Account; stack: StackName; recorder: AwsCallRecorder }[] = [];
let ingestion: LambdaProcess;
let republisher: LambdaProcess;
let consumer: PulseConsumer;
let github: GitHubStandIn;
let front: Server | undefined;
const delivered = new Set<string>();
/** GitHub's deliveries to the ingestion function fail (503) while this holds. */
let down = false;

async function startRecorded(
  stack: StackName,
  who: string,
  accountOf: () => Account,
  options: { clockOffsetMs?: number; environment?: Record<string, string> } = {},
): Promise<LambdaProcess> {
  const fauxqs = `http://127.0.0.1:${world.fauxqs.port}`;
  const recorder = await AwsCallRecorder.start({
    caller: who,
    upstreams: {
      s3: fauxqs,
      sqs: fauxqs,
      sns: `http://127.0.0.1:${world.snsProxy.port}`,
      firehose: world.firehose.endpoint,
      ssm: world.ssm.endpoint,
      dynamodb: world.dynamodb.endpoint,
    },
  });
  callers.push({ who, account: accountOf, stack, recorder });
  return world.startFunction(stack, {
    ...(options.clockOffsetMs === undefined ? {} : { clockOffsetMs: options.clockOffsetMs }),
    environment: { ...recorder.endpoints(), ...options.environment },
  });
}

function accountFor(conditions: Record<string, boolean> = {}): Account {
  const stacks: StackInput[] = Object.entries(world.stacks).map(([name, stack]) => ({
    name,
    template: stack.template,
    paramDefaults: stack.paramDefaults,
    artifact: stack.artifact,
  }));
  return new Account(
    stacks,
    (stack, id) => {
      try {
        return world.resource(stack as StackName, id);
      } catch {
        return undefined;
      }
    },
    conditions,
  );
}

async function deliver(request: ReturnType<typeof signedRequest>) {
  const event = httpApiEvent({
    method: 'POST',
    path: '/webhook',
    headers: request.headers,
    body: request.body,
  });
  const result = await ingestion.invoke<APIGatewayProxyStructuredResultV2>(event);
  if (result.statusCode === 202) delivered.add(request.id);
  return result;
}

beforeAll(async () => {
  world = await AwsWorld.start();
  account = accountFor();
  // The reconciler deployed with `archiveCheck: true` (its ArchiveReadPolicy then exists).
  archiveCheckAccount = accountFor({ ChecksArchive: true });
  [ingestion, republisher] = await Promise.all([
    startRecorded('ingestion', 'ingestion', () => account),
    startRecorded('pulse-republisher', 'pulse-republisher', () => account),
  ]);
  consumer = await PulseConsumer.open(world, {
    v1: 'exchange/github-webhooks/v1',
    v2: 'exchange/github-webhooks/v3',
  });
  github = await GitHubStandIn.start({ token: GITHUB_TOKEN });
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
}, 120_000);

afterAll(async () => {
  const server = front;
  if (server !== undefined) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await github?.close();
  await consumer?.close();
  for (const caller of callers) await caller.recorder.stop();
  await world?.stop();
});

describe('every AWS call of the packaged bundles, evaluated against the templates’ IAM', () => {
  it('ingestion: public and private deliveries, one by reference, a refusal', async () => {
    const examples = allExamples();
    // Every event once (public and private ones), as JSON.
    const seen = new Set<string>();
    for (const example of examples) {
      if (seen.has(example.event)) continue;
      seen.add(example.event);
      const result = await deliver(signedRequest({ event: example.event, payload: example.payload }));
      expect([example.name, result.statusCode]).toEqual([example.name, example.event === 'ping' ? 200 : 202]);
    }
    const push = exampleOf('push', (e) => classify(e.event, e.payload, policy).public);
    const big = signedRequest({
      event: 'push',
      payload: { ...push.payload, padding: 'x'.repeat(2 * 1024 * 1024) },
    });
    expect((await deliver(big)).statusCode).toBe(202);
    const forged = signedRequest({ event: 'push', payload: push.payload });
    const refused = await ingestion.invoke<APIGatewayProxyStructuredResultV2>(
      httpApiEvent({
        method: 'POST',
        path: '/webhook',
        headers: forged.headers,
        body: Buffer.from(`${forged.body} `),
      }),
    );
    expect(refused.statusCode).toBe(401);
  });

  it('pulse-republisher: the queue drained to Pulse, a payload by reference, the ledger told a duplicate, a failed publish, a missing payload', async () => {
    const poller = new QueuePoller(world, republisher);
    const publicIds = () =>
      [...delivered].filter((id) => consumer.v1.some((m) => m.properties.messageId === id));
    await poller.pollUntil(async () => {
      const depth = await world.sqs.send(
        new (await import('@aws-sdk/client-sqs')).GetQueueAttributesCommand({
          QueueUrl: world.resource('pulse-republisher', 'RepublishQueue').url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        publicIds().length > 0 &&
        depth.Attributes?.ApproximateNumberOfMessages === '0' &&
        depth.Attributes?.ApproximateNumberOfMessagesNotVisible === '0'
      );
    });
    const queueArn = world.resource('pulse-republisher', 'RepublishQueue').arn;
    const payloadText = JSON.stringify(
      exampleOf('push', (e) => classify(e.event, e.payload, policy).public).payload,
    );
    const record = (id: string) =>
      formatRecordLine(
        { deliveryId: id, event: 'push', receivedAt: new Date(), public: true },
        { payloadText },
      ).trimEnd();
    const handOver = async (id: string, body: string) =>
      (
        await republisher.invoke<SQSBatchResponse>(
          sqsEvent([{ MessageId: id, ReceiptHandle: `r-${id}`, Body: body }], queueArn),
        )
      ).batchItemFailures;
    // The same message handed over twice: the ledger's conditional write tells the duplicate.
    expect(await handOver('iam-dup', record('iam-dup'))).toEqual([]);
    expect(await handOver('iam-dup', record('iam-dup'))).toEqual([]);
    // The broker unreachable: the publish fails, the ledger's item is deleted.
    await world.brokerProxy.refuse();
    expect(await handOver('iam-fail', record('iam-fail'))).toEqual([{ itemIdentifier: 'iam-fail' }]);
    await world.brokerProxy.accept();
    // A payload reference to an object that is not there: S3's 404 (a bad message).
    const missing = formatRecordLine(
      { deliveryId: 'iam-missing', event: 'push', receivedAt: new Date(), public: true },
      {
        payloadRef: {
          key: `payloads/iam-missing-${'d'.repeat(64)}.json.gz`,
          bytes: 10,
          sha256: 'd'.repeat(64),
        },
      },
    ).trimEnd();
    expect(await handOver('iam-missing', missing)).toEqual([{ itemIdentifier: 'iam-missing' }]);
    const operations = new Set(world.dynamodb.proxy.operations);
    expect([...operations].filter((o) => ['PutItem', 'UpdateItem', 'DeleteItem'].includes(o)).sort()).toEqual(
      ['DeleteItem', 'PutItem', 'UpdateItem'],
    );
  });

  it('delivery-reconciler: a failed delivery redelivered, its checkpoint first missing, then kept', async () => {
    const push = exampleOf('push');
    down = true;
    expect((await github.hook(HOOK).deliver('push', push.payload, 'iam-reconcile-1')).status_code).toBe(503);
    down = false;
    const reconciler = await startRecorded('delivery-reconciler', 'delivery-reconciler', () => account, {
      environment: { GITHUB_API_URL: github.url, RECONCILE_HOOKS: HOOK, RECONCILE_MAX_REDELIVERIES: '1' },
    });
    for (let run = 0; run < 2; run++) {
      const report = await reconciler.invoke<Record<string, unknown>>(scheduledEvent(new Date()));
      expect(report).toMatchObject({ hooks: 1 });
      await github.settled();
    }
  });

  it('archive-compactor: the Firehose objects compacted (a broken line and a missing payload quarantined), then more merged with tag disposal; the reconciler with its archive check', async () => {
    await world.firehose.flush();
    const bucket = world.resource('ingestion', 'ArchiveBucket').name;
    const now = new Date();
    const two = (n: number) => String(n).padStart(2, '0');
    const hour = `${now.getUTCFullYear()}/${two(now.getUTCMonth() + 1)}/${two(now.getUTCDate())}/${two(now.getUTCHours())}`;
    const missingPayload = formatRecordLine(
      { deliveryId: 'iam-compactor-missing', event: 'push', receivedAt: now, public: true },
      {
        payloadRef: {
          key: `payloads/iam-compactor-missing-${'e'.repeat(64)}.json.gz`,
          bytes: 10,
          sha256: 'e'.repeat(64),
        },
      },
    );
    await world.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `raw/${hour}/github-webhooks-e2e-archive-1-corrupt-${Date.now()}.gz`,
        Body: gzipSync(`this is not an archive record\n${missingPayload}`),
      }),
    );
    const later = 3 * 3_600_000;
    const compactor = await startRecorded('archive-compactor', 'archive-compactor', () => account, {
      clockOffsetMs: later,
    });
    const first = await compactor.invoke<{ quarantined: number; rawDeleted: number }>(
      scheduledEvent(new Date(Date.now() + later)),
    );
    expect(first.quarantined).toBeGreaterThan(1);
    // More deliveries into the hour just compacted, delivered by Firehose to raw/.
    for (const example of allExamples()
      .filter((e) => e.event === 'issues')
      .slice(0, 3))
      expect((await deliver(signedRequest({ event: 'issues', payload: example.payload }))).statusCode).toBe(
        202,
      );
    await world.firehose.flush();
    // The reconciler deployed with `archiveCheck: true` reads raw/ and hourly/ (its ArchiveReadPolicy).
    const checking = await startRecorded(
      'delivery-reconciler',
      'delivery-reconciler (archiveCheck: true)',
      () => archiveCheckAccount,
      {
        environment: {
          GITHUB_API_URL: github.url,
          RECONCILE_HOOKS: HOOK,
          RECONCILE_MAX_REDELIVERIES: '1',
          RECONCILE_ARCHIVE_CHECK: 'true',
        },
      },
    );
    expect(await checking.invoke<Record<string, unknown>>(scheduledEvent(new Date()))).toMatchObject({
      hooks: 1,
    });
    // The next compaction merges them into the hour, and tags the raw objects instead of deleting them.
    const tagging = await startRecorded(
      'archive-compactor',
      'archive-compactor (rawDisposal: tag)',
      () => account,
      {
        clockOffsetMs: later,
        environment: { RAW_DISPOSAL: 'tag' },
      },
    );
    const second = await tagging.invoke<{ newRecords: number }>(scheduledEvent(new Date(Date.now() + later)));
    expect(second.newRecords).toBeGreaterThan(0);
  });

  it('is allowed, every call, by the policies the packaged templates define; no grant goes unused but those meant to', async () => {
    const recorded: Caller[] = callers.map((c) => {
      const acct = c.account();
      return { who: c.who, account: acct, fn: acct.function(c.stack), calls: c.recorder.calls };
    });
    const firehose = [
      { account, stack: 'ingestion', stream: 'ArchiveStream', keys: [...world.firehose.delivered] },
    ];
    const requests = [
      ...recordedRequests(recorded),
      ...firehoseWrites(firehose[0] as (typeof firehose)[number]),
      ...documentedRequests(recorded, firehose),
    ];
    const verdicts = await evaluateAll(requests);

    const roles = [
      ...new Map(
        [...recorded.map((c) => c.fn.role), account.roleOf('ingestion', 'FirehoseRole')]
          .concat(archiveCheckAccount.function('delivery-reconciler').role)
          .map((r) => [`${r.stack}/${r.logicalId}/${r.policies.length}`, r]),
      ).values(),
    ];
    const used = new Set(verdicts.filter((v) => v.result === 'Allowed').flatMap((v) => v.used));
    const unused = new Map<string, string[]>();
    for (const role of roles) {
      for (const unit of grantUnits(role)) {
        if (used.has(unit.key)) continue;
        const label = emulatedNamesOut(
          `${role.stack}/${role.logicalId}: ${unit.action} ${unit.resource}${unit.prefix === '' ? '' : ` [s3:prefix ${unit.prefix}]`}`,
        );
        unused.set(label, [...(unused.get(label) ?? []), unit.policy]);
      }
    }
    const report = figures(verdicts, recorded, unused);
    mkdirSync(join(__dirname, '..', 'reports'), { recursive: true });
    writeFileSync(
      join(__dirname, '..', 'reports', 'iam.json'),
      `${JSON.stringify({ ...report, verdicts: verdicts.map(describeVerdict) }, null, 2)}\n`,
    );
    process.stderr.write(`aws-iam figures: ${JSON.stringify(report, null, 2)}\n`);

    const errors = verdicts.filter((v) => v.result === 'Error');
    expect({ notEvaluated: errors.map(describeVerdict) }).toEqual({ notEvaluated: [] });
    const denied = verdicts.filter((v) => v.result !== 'Allowed' && v.request.advisory === undefined);
    expect({ denied: denied.map(describeVerdict) }).toEqual({ denied: [] });
    // Granted, never exercised, not listed as deliberate: remove the grant from the template (or list
    // it in DELIBERATELY_UNUSED, saying why).
    const unexpected = [...unused.keys()].filter((label) => !(label in DELIBERATELY_UNUSED));
    expect({ unusedGrants: unexpected }).toEqual({ unusedGrants: [] });
    const stale = Object.keys(DELIBERATELY_UNUSED).filter((label) => !unused.has(label));
    expect({ listedAsUnusedButExercised: stale }).toEqual({ listedAsUnusedButExercised: [] });
  });
});

/** A grant's label with the emulated resources' names as the template names them (`<ArchiveBucket>`). */
function emulatedNamesOut(label: string): string {
  let out = label;
  for (const [stack, id] of [
    ['ingestion', 'ArchiveBucket'],
    ['ingestion', 'ArchiveKey'],
    ['pulse-republisher', 'PublishLedgerTable'],
  ] as const) {
    const name = account.resource(stack, id).name;
    out = out.split(name).join(`<${id}>`);
  }
  return out;
}

function figures(verdicts: readonly Verdict[], recorded: readonly Caller[], unused: Map<string, string[]>) {
  const byWho: Record<string, Record<string, number>> = {};
  for (const caller of recorded) {
    const entry = byWho[caller.who] ?? {};
    byWho[caller.who] = entry;
    entry.recordedCalls = (entry.recordedCalls ?? 0) + caller.calls.length;
  }
  for (const verdict of verdicts) {
    const entry = byWho[verdict.request.who] ?? {};
    byWho[verdict.request.who] = entry;
    const kind = verdict.request.source === 'recorded' ? 'recorded' : 'documented';
    const outcome =
      verdict.result === 'Allowed' ? 'allowed' : verdict.request.advisory ? 'advisoryDenied' : 'denied';
    entry[`${kind}Evaluated`] = (entry[`${kind}Evaluated`] ?? 0) + verdict.count;
    entry[`${kind}Distinct`] = (entry[`${kind}Distinct`] ?? 0) + 1;
    entry[outcome] = (entry[outcome] ?? 0) + verdict.count;
  }
  return {
    perFunction: byWho,
    advisories: verdicts
      .filter((v) => v.request.advisory !== undefined && v.result !== 'Allowed')
      .map(describeVerdict),
    unusedGrants: [...unused.keys()],
  };
}
