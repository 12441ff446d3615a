import type { AwsCall } from '@github-webhooks/fixtures';
import {
  ACCOUNT,
  type Account,
  awsManagedKeyArn,
  awsManagedKeyPolicy,
  type FunctionInfo,
  type PolicyDocument,
  REGION,
  type StackInput,
} from './account';
import type { IamRequest } from './iam-evaluation';

/** A function process whose calls were recorded, and the account model it runs in. */
export interface Caller {
  /** e.g. `ingestion`, `delivery-reconciler (archiveCheck: true)` */
  readonly who: string;
  readonly account: Account;
  readonly fn: FunctionInfo;
  readonly calls: readonly AwsCall[];
}

/** What the Firehose stand-in delivered: the objects it wrote for a stream of the templates. */
export interface FirehoseDeliveries {
  readonly account: Account;
  readonly stack: string;
  readonly stream: string;
  readonly keys: readonly string[];
}

const session = (fn: FunctionInfo) => ({ kind: 'role' as const, role: fn.role, session: fn.name });

/** Every authorization the recorded calls needed, attributed to the function that made them. */
export function recordedRequests(callers: readonly Caller[]): IamRequest[] {
  return callers.flatMap((caller) =>
    caller.calls.flatMap((call) =>
      call.authorizations.map((authorization) => ({
        who: caller.who,
        call: describeCall(call),
        requester: session(caller.fn),
        action: authorization.action,
        resource: authorization.resource,
        context: authorization.context,
        source: 'recorded',
        account: caller.account,
      })),
    ),
  );
}

export function describeCall(call: AwsCall): string {
  const f = call.fields;
  switch (call.service) {
    case 's3':
      return `${call.operation} s3://${f.bucket}/${f.key ?? ''}${f.prefix === undefined ? '' : `?prefix=${f.prefix}`}${
        f.sse === undefined ? '' : ` (SSE ${f.sse})`
      } → ${call.status}`;
    case 'ssm':
      return `${call.operation} ${f.parameter} WithDecryption=${f.withDecryption}${
        call.answer.type === undefined ? '' : ` (${call.answer.type})`
      } → ${call.status}`;
    default:
      return `${call.operation} ${f.topic ?? f.queue ?? f.stream ?? f.table ?? ''} → ${call.status}`;
  }
}

/** The objects the Firehose stand-in wrote, as the stream's role writes them in S3. */
export function firehoseWrites(deliveries: FirehoseDeliveries): IamRequest[] {
  const { account } = deliveries;
  const stack = account.stack(deliveries.stack);
  const destination = streamDestination(account, stack, deliveries.stream);
  return deliveries.keys.map((key) => ({
    who: `Firehose (${destination.role.logicalId})`,
    call: `PutObject s3://${destination.bucket}/${key} (the stand-in's delivery)`,
    requester: { kind: 'role', role: destination.role, session: 'firehose' },
    action: 's3:PutObject',
    resource: `arn:aws:s3:::${destination.bucket}/${key}`,
    context: {},
    source: 'recorded',
    account,
  }));
}

/**
 * Calls no emulator sees, written from AWS's documentation (the page in a comment per row): those
 * services make on a caller's behalf (KMS for SSE-KMS objects, encrypted topics and SecureStrings,
 * SNS delivering to SQS, Firehose writing with its role, S3 deciding 404 or 403), and those the
 * Lambda service makes with a function's role (its logs, the SQS event source mapping).
 */
export function documentedRequests(
  callers: readonly Caller[],
  firehose: readonly FirehoseDeliveries[],
): IamRequest[] {
  const requests: IamRequest[] = [];
  const push = (request: IamRequest) => requests.push(request);
  const accounts = [...new Set([...callers.map((c) => c.account), ...firehose.map((f) => f.account)])];

  for (const caller of callers) {
    const { fn, account } = caller;
    const stack = account.stack(fn.stack);
    const role = session(fn);
    const row = (
      call: string,
      action: string,
      resource: string,
      context: Record<string, string>,
      source: string,
    ) => push({ who: caller.who, call, requester: role, action, resource, context, source, account });

    // Lambda assumes the execution role for each instance of the function.
    // https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
    push({
      who: caller.who,
      call: 'Lambda assumes the execution role',
      requester: { kind: 'service', service: 'lambda.amazonaws.com' },
      action: 'sts:AssumeRole',
      resource: fn.role.arn,
      context: { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': fn.arn },
      source: 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html',
      account,
    });
    // Lambda writes the function's output to its log group with the role: a stream per instance,
    // then its events (the group is the stack's, so logs:CreateLogGroup is not needed). Both are
    // evaluated on the log stream's ARN, as AccessDenied messages for them name it.
    // https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html
    const stream = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${fn.logGroup}:log-stream:2026/01/01/[$LATEST]0e2e`;
    for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents'])
      row(
        `Lambda writes the function's logs (${fn.logGroup})`,
        action,
        stream,
        {},
        'https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html',
      );
    // A log group encrypted with a key: CloudWatch Logs uses it with its own service principal,
    // the log group's ARN as encryption context.
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
    const group = findResource(account, stack, 'AWS::Logs::LogGroup', (p) => p.LogGroupName === fn.logGroup);
    const groupKey = group?.props.KmsKeyId;
    if (groupKey !== undefined) {
      const key = keyOf(account, String(groupKey));
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt'])
        push({
          who: caller.who,
          call: `CloudWatch Logs encrypts ${fn.logGroup}`,
          requester: { kind: 'service', service: `logs.${REGION}.amazonaws.com` },
          action,
          resource: key.arn,
          context: {
            'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${fn.logGroup}`,
          },
          source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html',
          account,
          ...key.fallback,
        });
    }

    // The SQS event source mapping polls with the function's role.
    // https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html (Execution role permissions)
    for (const mapping of resourcesOf(account, stack, 'AWS::Lambda::EventSourceMapping')) {
      const queueArn = String(mapping.props.EventSourceArn);
      if (mapping.props.FunctionName !== fn.arn || !queueArn.startsWith('arn:aws:sqs:')) continue;
      for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'])
        row(
          'the SQS event source mapping polls the queue',
          action,
          queueArn,
          {},
          'https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html',
        );
      const queue = findResource(account, stack, 'AWS::SQS::Queue', (_p, arn) => arn === queueArn);
      const queueKey = queue?.props.KmsMasterKeyId;
      if (queueKey !== undefined) {
        const key = keyOf(account, String(queueKey));
        push({
          who: caller.who,
          call: 'the event source mapping reads the encrypted queue',
          requester: role,
          action: 'kms:Decrypt',
          resource: key.arn,
          context: { 'kms:ViaService': `sqs.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT },
          source: 'https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html',
          account,
          ...key.fallback,
        });
      }
    }

    // The services that invoke the function, through its resource policy (AWS::Lambda::Permission).
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-lambda-permissions
    for (const permission of resourcesOf(account, stack, 'AWS::Lambda::Permission')) {
      if (permission.props.FunctionName !== fn.arn) continue;
      const service = String(permission.props.Principal);
      const sourceArn = service.startsWith('apigateway')
        ? executeApiArns(account, stack)
        : [String(permission.props.SourceArn)];
      for (const arn of sourceArn)
        push({
          who: caller.who,
          call: `${service} invokes the function`,
          requester: { kind: 'service', service },
          action: String(permission.props.Action),
          resource: fn.arn,
          context: { 'aws:SourceArn': arn, 'aws:SourceAccount': ACCOUNT },
          source: service.startsWith('apigateway')
            ? 'https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html'
            : 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html',
          account,
        });
    }

    for (const call of caller.calls) {
      // A SecureString read with decryption: Parameter Store decrypts it with the caller's
      // permission on its key (the operator's `put-parameter --type SecureString`: aws/ssm), the
      // parameter's ARN as encryption context.
      // https://docs.aws.amazon.com/kms/latest/developerguide/services-parameter-store.html
      if (
        call.service === 'ssm' &&
        call.fields.withDecryption === true &&
        call.answer.type === 'SecureString'
      ) {
        const key = keyOf(account, 'alias/aws/ssm');
        push({
          who: caller.who,
          call: `Parameter Store decrypts ${call.fields.parameter}`,
          requester: role,
          action: 'kms:Decrypt',
          resource: key.arn,
          context: {
            'kms:ViaService': `ssm.${REGION}.amazonaws.com`,
            'kms:CallerAccount': ACCOUNT,
            'kms:EncryptionContext:PARAMETER_ARN': call.authorizations[0]?.resource ?? '',
          },
          source: 'https://docs.aws.amazon.com/kms/latest/developerguide/services-parameter-store.html',
          account,
          ...key.fallback,
        });
      }
      // Publishing to an encrypted topic: SNS generates and decrypts the data key with the
      // publisher's permissions on the topic's key.
      // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
      if (call.service === 'sns' && call.operation === 'Publish') {
        const topicArn = String(call.fields.topic);
        const topic = findTopic(account, topicArn);
        const topicKey = topic?.props.KmsMasterKeyId;
        if (topicKey !== undefined) {
          const key = keyOf(account, String(topicKey));
          for (const action of ['kms:GenerateDataKey', 'kms:Decrypt'])
            push({
              who: caller.who,
              call: `SNS encrypts what is published to ${topicArn}`,
              requester: role,
              action,
              resource: key.arn,
              context: {
                'kms:ViaService': `sns.${REGION}.amazonaws.com`,
                'kms:CallerAccount': ACCOUNT,
                'kms:EncryptionContext:aws:sns:topicArn': topicArn,
              },
              source: 'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html',
              account,
              ...key.fallback,
            });
        }
      }
      // S3 answers a missing object 404 only when the caller may list the bucket, 403 otherwise
      // (the GetObject and HeadObject pages, Permissions). Which s3:prefix S3 puts in that check is
      // not documented: evaluated with the key as the prefix (what a prefix-scoped grant needs),
      // and without one as an advisory.
      // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
      if (
        call.service === 's3' &&
        (call.operation === 'GetObject' || call.operation === 'HeadObject') &&
        call.status === 404
      ) {
        for (const prefix of [String(call.fields.key), undefined])
          push({
            who: caller.who,
            call: `S3 decides 404, not 403, for the missing s3://${call.fields.bucket}/${call.fields.key}${
              prefix === undefined ? ' (no s3:prefix in the check)' : ''
            }`,
            requester: role,
            action: 's3:ListBucket',
            resource: `arn:aws:s3:::${call.fields.bucket}`,
            context: prefix === undefined ? {} : { 's3:prefix': prefix },
            source: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html',
            account,
            ...(prefix === undefined
              ? {
                  advisory:
                    'if S3 checks s3:ListBucket without a prefix, a prefix-scoped grant answers 403 for a missing object',
                }
              : {}),
          });
      }
      // DynamoDB tables encrypted under a KMS key: the caller's permission to use it through DynamoDB.
      // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html
      if (call.service === 'dynamodb') {
        const table = findResource(
          account,
          stack,
          'AWS::DynamoDB::Table',
          (_p, arn) => arn === call.authorizations[0]?.resource,
        );
        const sse = table?.props.SSESpecification as
          | { SSEEnabled?: boolean; KMSMasterKeyId?: string }
          | undefined;
        if (sse?.SSEEnabled === true) {
          const key = keyOf(account, sse.KMSMasterKeyId ?? 'alias/aws/dynamodb');
          push({
            who: caller.who,
            call: `DynamoDB decrypts the table key of ${call.fields.table}`,
            requester: role,
            action: 'kms:Decrypt',
            resource: key.arn,
            context: { 'kms:ViaService': `dynamodb.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT },
            source:
              'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html',
            account,
            ...key.fallback,
          });
        }
      }
    }
    requests.push(...sseKms(caller.who, account, role, caller.calls));
  }

  for (const account of accounts.slice(0, 1)) {
    // SNS delivering to an SQS subscription (and to the subscription's dead-letter queue): the
    // queue policy must let sns.amazonaws.com send, for this topic (aws:SourceArn).
    // https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html
    // https://docs.aws.amazon.com/sns/latest/dg/sns-configure-dead-letter-queue.html
    // To a queue encrypted with a customer managed key, SNS also needs the key.
    // https://docs.aws.amazon.com/sns/latest/dg/sns-enable-encryption-for-topic-sqs-queue-subscriptions.html
    for (const stack of account.stacks) {
      for (const subscription of resourcesOf(account, stack, 'AWS::SNS::Subscription')) {
        if (subscription.props.Protocol !== 'sqs') continue;
        const topic = String(subscription.props.TopicArn);
        const targets = [
          ['the subscription', String(subscription.props.Endpoint)],
          ...(subscription.props.RedrivePolicy
            ? [
                [
                  'its dead-letter queue',
                  String(
                    (subscription.props.RedrivePolicy as { deadLetterTargetArn: string }).deadLetterTargetArn,
                  ),
                ],
              ]
            : []),
        ] as [string, string][];
        for (const [what, queueArn] of targets) {
          const context = { 'aws:SourceArn': topic, 'aws:SourceAccount': ACCOUNT };
          push({
            who: `SNS (${topic.split(':').at(-1)})`,
            call: `SNS delivers to ${what}`,
            requester: { kind: 'service', service: 'sns.amazonaws.com' },
            action: 'sqs:SendMessage',
            resource: queueArn,
            context,
            source: 'https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html',
            account,
          });
          const queue = findResource(account, stack, 'AWS::SQS::Queue', (_p, arn) => arn === queueArn);
          const queueKey = queue?.props.KmsMasterKeyId;
          if (queueKey !== undefined) {
            const key = keyOf(account, String(queueKey));
            for (const action of ['kms:GenerateDataKey', 'kms:Decrypt'])
              push({
                who: `SNS (${topic.split(':').at(-1)})`,
                call: `SNS encrypts for ${what}`,
                requester: { kind: 'service', service: 'sns.amazonaws.com' },
                action,
                resource: key.arn,
                context,
                source:
                  'https://docs.aws.amazon.com/sns/latest/dg/sns-enable-encryption-for-topic-sqs-queue-subscriptions.html',
                account,
                ...key.fallback,
              });
          }
        }
      }
    }
  }

  // Firehose: assumes the destination's role (for this account: aws:SourceAccount), then checks
  // the bucket and writes with it; an upload it cannot finish is aborted; records it cannot deliver
  // go under the error prefix. The documentation's policy also grants s3:GetObject.
  // https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3
  for (const deliveries of firehose) {
    const { account } = deliveries;
    const stack = account.stack(deliveries.stack);
    const destination = streamDestination(account, stack, deliveries.stream);
    const who = `Firehose (${destination.role.logicalId})`;
    const source = 'https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3';
    const role = { kind: 'role' as const, role: destination.role, session: 'firehose' };
    push({
      who,
      call: 'Firehose assumes the destination role',
      requester: { kind: 'service', service: 'firehose.amazonaws.com' },
      action: 'sts:AssumeRole',
      resource: destination.role.arn,
      context: { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': destination.streamArn },
      source,
      account,
    });
    const bucketArn = `arn:aws:s3:::${destination.bucket}`;
    for (const action of ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'])
      push({
        who,
        call: 'Firehose checks the destination bucket',
        requester: role,
        action,
        resource: bucketArn,
        context: {},
        source,
        account,
      });
    const sample = deliveries.keys[0] ?? `${destination.prefix}sample`;
    const errorSample =
      destination.errorPrefix === undefined
        ? undefined
        : `${destination.errorPrefix}processing-failed/2026/01/01/00/e2e`;
    for (const key of [sample, ...(errorSample === undefined ? [] : [errorSample])])
      push({
        who,
        call: 'Firehose aborts an upload it could not finish',
        requester: role,
        action: 's3:AbortMultipartUpload',
        resource: `${bucketArn}/${key}`,
        context: {},
        source,
        account,
      });
    if (errorSample !== undefined)
      push({
        who,
        call: 'Firehose writes records it could not deliver under the error prefix',
        requester: role,
        action: 's3:PutObject',
        resource: `${bucketArn}/${errorSample}`,
        context: {},
        source,
        account,
      });
    push({
      who,
      call: "the documentation's policy grants Firehose s3:GetObject",
      requester: role,
      action: 's3:GetObject',
      resource: `${bucketArn}/${sample}`,
      context: {},
      source,
      account,
      advisory: 'Firehose is not documented to read what it wrote; the sample policy grants it anyway',
    });
    // Firehose writes large objects as multipart uploads: under SSE-KMS, completing one decrypts the
    // data key (the documentation's policy grants kms:Decrypt and kms:GenerateDataKey for this).
    const writes: AwsCall[] = deliveries.keys.flatMap((key) =>
      (['PutObject', 'CompleteMultipartUpload'] as const).map((operation) => ({
        caller: who,
        service: 's3' as const,
        operation,
        authorizations: [{ action: 's3:PutObject', resource: `${bucketArn}/${key}`, context: {} }],
        fields: { bucket: destination.bucket, key },
        status: 200,
        answer: {},
      })),
    );
    requests.push(...sseKms(who, account, role, writes));
  }
  return requests;
}

/**
 * Objects under SSE-KMS (the request's header, or the bucket's default encryption): S3 generates a
 * data key with the writer's permission, and decrypts it with the reader's.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions
 */
function sseKms(
  who: string,
  account: Account,
  requester: IamRequest['requester'],
  calls: readonly AwsCall[],
): IamRequest[] {
  const requests: IamRequest[] = [];
  for (const call of calls) {
    if (call.service !== 's3') continue;
    const action =
      call.operation === 'PutObject' ||
      call.operation === 'CreateMultipartUpload' ||
      call.operation === 'UploadPart'
        ? 'kms:GenerateDataKey'
        : call.operation === 'GetObject' || call.operation === 'CompleteMultipartUpload'
          ? 'kms:Decrypt'
          : undefined;
    if (action === undefined || (call.operation === 'GetObject' && call.status !== 200)) continue;
    const bucket = String(call.fields.bucket);
    const encryption = bucketEncryption(account, bucket);
    const algorithm = call.fields.sse ?? encryption?.algorithm;
    if (algorithm !== 'aws:kms' && algorithm !== 'aws:kms:dsse') continue;
    const key = keyOf(account, String(call.fields.sseKmsKey ?? encryption?.key ?? 'alias/aws/s3'));
    requests.push({
      who,
      call: `S3 ${action === 'kms:Decrypt' ? 'decrypts' : 'encrypts'} s3://${bucket}/${call.fields.key}`,
      requester,
      action,
      resource: key.arn,
      context: {
        'kms:ViaService': `s3.${REGION}.amazonaws.com`,
        'kms:CallerAccount': ACCOUNT,
        'kms:EncryptionContext:aws:s3:arn': encryption?.bucketKey
          ? `arn:aws:s3:::${bucket}`
          : `arn:aws:s3:::${bucket}/${call.fields.key}`,
      },
      source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html',
      account,
      ...key.fallback,
    });
  }
  return requests;
}

interface Found {
  readonly id: string;
  readonly arn: string;
  readonly props: Record<string, unknown>;
}

function resourcesOf(account: Account, stack: StackInput, type: string): Found[] {
  return Object.entries(stack.template.resources)
    .filter(
      ([, r]) => r.Type === type && (r.Condition === undefined || account.condition(stack, r.Condition)),
    )
    .map(([id, r]) => ({
      id,
      arn: account.resource(stack.name, id).arn,
      props: account.resolve(stack, r.Properties ?? {}) as Record<string, unknown>,
    }));
}

function findResource(
  account: Account,
  stack: StackInput | undefined,
  type: string,
  match: (props: Record<string, unknown>, arn: string) => boolean,
): Found | undefined {
  for (const candidate of stack === undefined ? account.stacks : [stack, ...account.stacks]) {
    const found = resourcesOf(account, candidate, type).find((r) => match(r.props, r.arn));
    if (found !== undefined) return found;
  }
  return undefined;
}

const findTopic = (account: Account, arn: string) =>
  findResource(account, undefined, 'AWS::SNS::Topic', (_p, topicArn) => topicArn === arn);

function bucketEncryption(
  account: Account,
  bucket: string,
): { algorithm: string; key?: string; bucketKey: boolean } | undefined {
  const found = findResource(
    account,
    undefined,
    'AWS::S3::Bucket',
    (_p, arn) => arn === `arn:aws:s3:::${bucket}`,
  );
  const rule = (
    found?.props.BucketEncryption as
      | {
          ServerSideEncryptionConfiguration: {
            ServerSideEncryptionByDefault: { SSEAlgorithm: string; KMSMasterKeyID?: string };
            BucketKeyEnabled?: boolean;
          }[];
        }
      | undefined
  )?.ServerSideEncryptionConfiguration[0];
  if (rule === undefined) return undefined;
  return {
    algorithm: rule.ServerSideEncryptionByDefault.SSEAlgorithm,
    ...(rule.ServerSideEncryptionByDefault.KMSMasterKeyID === undefined
      ? {}
      : { key: rule.ServerSideEncryptionByDefault.KMSMasterKeyID }),
    bucketKey: rule.BucketKeyEnabled === true,
  };
}

/**
 * A KMS key as a template names it (`alias/aws/<service>`, an alias of the stacks, a key's ARN or
 * id): its ARN, and the key policy of an AWS managed key (the account holds the stacks' keys').
 */
function keyOf(
  account: Account,
  value: string,
): { arn: string; fallback: { defaultResourcePolicy?: () => PolicyDocument } } {
  const managed = /^(?:arn:aws:kms:[^:]+:[^:]+:)?alias\/aws\/([\w-]+)$/.exec(value)?.[1];
  if (managed !== undefined)
    return {
      arn: awsManagedKeyArn(managed),
      fallback: { defaultResourcePolicy: () => awsManagedKeyPolicy(managed) },
    };
  for (const stack of account.stacks) {
    for (const key of resourcesOf(account, stack, 'AWS::KMS::Key')) {
      const physical = account.resource(stack.name, key.id);
      if (value === physical.arn || value === physical.ref) return { arn: physical.arn, fallback: {} };
    }
    for (const alias of resourcesOf(account, stack, 'AWS::KMS::Alias')) {
      const name = String(alias.props.AliasName);
      if (value === name || value.endsWith(`:${name}`))
        return keyOf(account, String(alias.props.TargetKeyId));
    }
  }
  return {
    arn: value.startsWith('arn:') ? value : `arn:aws:kms:${REGION}:${ACCOUNT}:key/${value}`,
    fallback: {},
  };
}

interface Destination {
  readonly bucket: string;
  readonly role: ReturnType<Account['roleOf']>;
  readonly streamArn: string;
  readonly prefix: string;
  readonly errorPrefix?: string;
}

function streamDestination(account: Account, stack: StackInput, streamId: string): Destination {
  const stream = resourcesOf(account, stack, 'AWS::KinesisFirehose::DeliveryStream').find(
    (s) => s.id === streamId,
  );
  if (stream === undefined) throw new Error(`${stack.name} has no delivery stream ${streamId}`);
  const s3 = stream.props.ExtendedS3DestinationConfiguration as {
    BucketARN: string;
    RoleARN: string;
    Prefix?: string;
    ErrorOutputPrefix?: string;
    CloudWatchLoggingOptions?: { Enabled?: boolean };
    EncryptionConfiguration?: unknown;
  };
  if (s3.CloudWatchLoggingOptions?.Enabled || s3.EncryptionConfiguration !== undefined)
    throw new Error(
      `${streamId}: its logging or destination encryption is not modelled here: add the documented calls`,
    );
  const role = account.roles.find((r) => r.arn === s3.RoleARN);
  if (role === undefined) throw new Error(`${streamId}: its role ${s3.RoleARN} is no role of the stacks`);
  return {
    bucket: s3.BucketARN.replace('arn:aws:s3:::', ''),
    role,
    streamArn: stream.arn,
    prefix: (s3.Prefix ?? '').replace(/!\{[^}]*\}.*$/, ''),
    ...(s3.ErrorOutputPrefix === undefined
      ? {}
      : { errorPrefix: s3.ErrorOutputPrefix.replace(/!\{[^}]*\}.*$/, '') }),
  };
}

/** The execute-api ARNs a route of the stack's HTTP API invokes with (`api/stage/METHOD/path`). */
function executeApiArns(account: Account, stack: StackInput): string[] {
  const api = resourcesOf(account, stack, 'AWS::ApiGatewayV2::Api')[0];
  if (api === undefined) return [];
  const apiId = account.resource(stack.name, api.id).ref;
  return resourcesOf(account, stack, 'AWS::ApiGatewayV2::Route').map((route) => {
    const [method = 'ANY', path = '/'] = String(route.props.RouteKey).split(' ');
    // GitHub POSTs; ANY routes every method, evaluated as the one that matters.
    return `arn:aws:execute-api:${REGION}:${ACCOUNT}:${apiId}/$default/${method === 'ANY' ? 'POST' : method}${path}`;
  });
}
