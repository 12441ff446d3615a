// Who may consume what, from the ingestion stack's parameters (Serverless resolves these functions
// at package time: `${file(../../packages/serverless-configuration/consumer-access.cjs):publicTopicPolicy}`).
// CloudFormation cannot loop over a list, so the policies' statements are built here, as data;
// test/consumer-access.test.ts pins them, and the ingestion stack's test pins the packaged result.
'use strict';

const { ARCHIVE_ROLES, names } = require('./naming.cjs');

const ACCOUNT = /^\d{12}$/;
const ROLE = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** What an archive reader may be granted; `hourly` includes the manifests that describe the files. */
const PREFIXES = { hourly: ['hourly/', 'manifests/'], raw: ['raw/'], payloads: ['payloads/'] };
/** Endpoints that cost the owner nothing to feed: no https, email or sms subscriptions. */
const PROTOCOLS = ['sqs', 'lambda'];

class ConsumerAccessError extends Error {
  constructor(parameter, message) {
    super(`${parameter}: ${message}`);
    this.name = 'ConsumerAccessError';
    this.parameter = parameter;
  }
}

const entries = (text) =>
  String(text ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '' && e !== 'none');

/** Account IDs or role ARNs, comma-separated; `*` (anyone) only where `anyone` allows it. */
function parsePrincipals(parameter, text, { anyone = false } = {}) {
  const principals = entries(text);
  for (const p of principals) {
    if (p === '*' && anyone) continue;
    if (!ACCOUNT.test(p) && !ROLE.test(p))
      throw new ConsumerAccessError(
        parameter,
        `${JSON.stringify(p)} is neither a 12-digit account ID nor a role ARN`,
      );
  }
  if (principals.includes('*') && principals.length > 1)
    throw new ConsumerAccessError(parameter, '"*" (anyone) stands alone');
  return [...new Set(principals)];
}

/** `PRINCIPAL[:PREFIXES]` entries, prefixes joined by `+` (default `hourly`). */
function parseArchiveReaders(text) {
  return entries(text).map((entry) => {
    // A role ARN holds colons itself: the prefixes are what follows the last one, if they name prefixes.
    const at = entry.lastIndexOf(':');
    const tail = at === -1 ? '' : entry.slice(at + 1);
    const named = tail !== '' && tail.split('+').every((p) => /^[a-z]+$/.test(p)) && !ACCOUNT.test(tail);
    const principal = named ? entry.slice(0, at) : entry;
    const prefixes = named ? tail.split('+') : ['hourly'];
    const [checked] = parsePrincipals('archiveReaders', principal);
    for (const p of prefixes)
      if (!(p in PREFIXES))
        throw new ConsumerAccessError(
          'archiveReaders',
          `unknown prefix ${JSON.stringify(p)} (${Object.keys(PREFIXES).join(', ')})`,
        );
    return { principal: checked, prefixes: [...new Set(prefixes)] };
  });
}

const onlyIngestionPublishes = (topics) => ({
  Sid: 'OnlyIngestionPublishes',
  Effect: 'Deny',
  Principal: '*',
  Action: 'sns:Publish',
  Resource: topics.map((t) => ({ Ref: t })),
  Condition: { ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] } } },
});

const subscribe = (sid, topic, principals) => ({
  Sid: sid,
  Effect: 'Allow',
  Principal: principals.includes('*') ? '*' : { AWS: principals },
  Action: 'sns:Subscribe',
  Resource: { Ref: topic },
  Condition: { StringEquals: { 'sns:Protocol': PROTOCOLS } },
});

/**
 * Anyone may subscribe a queue to the public topic, and SNS then sends the queue a
 * SubscriptionConfirmation: naming this deployment's own queues (github-webhooks-<stage>-…, the
 * republisher's and its dead-letter queues, whose policy lets the topic send) would drop control
 * messages into them at will. Only this account may subscribe them.
 */
const ownQueuesOnlyByThisAccount = (topic, stage) => ({
  Sid: 'OwnQueuesOnlyByThisAccount',
  Effect: 'Deny',
  Principal: '*',
  Action: 'sns:Subscribe',
  Resource: { Ref: topic },
  Condition: {
    StringLike: {
      'sns:Endpoint': {
        'Fn::Sub': `arn:\${AWS::Partition}:sqs:\${AWS::Region}:\${AWS::AccountId}:${names.queuePrefix(stage)}*`,
      },
    },
    StringNotEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } },
  },
});

function topicPolicy(topic, sid, principals, { stage } = {}) {
  const statements = [onlyIngestionPublishes([topic])];
  if (stage !== undefined) statements.push(ownQueuesOnlyByThisAccount(topic, stage));
  if (principals.length > 0) statements.push(subscribe(sid, topic, principals));
  return { Version: '2012-10-17', Statement: statements };
}

function archiveBucketStatements(readers) {
  const bucket = { 'Fn::GetAtt': ['ArchiveBucket', 'Arn'] };
  const within = (suffix) => ({ 'Fn::Join': ['', [bucket, `/${suffix}`]] });
  const tls = { Bool: { 'aws:SecureTransport': 'true' } };
  const statements = [
    // A Deny: the wildcard makes it cover every action, present and future.
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [bucket, within('*')],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    // Objects take the bucket's default encryption (SSE-KMS with the archive key): a write asking
    // for another (SSE-S3) is refused. A write that names none gets the default.
    {
      Sid: 'DenyOtherEncryption',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Resource: within('*'),
      Condition: {
        StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
        Null: { 's3:x-amz-server-side-encryption': 'false' },
      },
    },
  ];
  readers.forEach(({ principal, prefixes }, i) => {
    const keys = prefixes.flatMap((p) => PREFIXES[p]);
    statements.push(
      {
        Sid: `ArchiveReader${i + 1}Read`,
        Effect: 'Allow',
        Principal: { AWS: principal },
        Action: 's3:GetObject',
        Resource: keys.map((k) => within(`${k}*`)),
        Condition: tls,
      },
      {
        Sid: `ArchiveReader${i + 1}List`,
        Effect: 'Allow',
        Principal: { AWS: principal },
        Action: 's3:ListBucket',
        Resource: bucket,
        Condition: { ...tls, StringLike: { 's3:prefix': keys.map((k) => `${k}*`) } },
      },
      {
        Sid: `ArchiveReader${i + 1}Locate`,
        Effect: 'Allow',
        Principal: { AWS: principal },
        Action: 's3:GetBucketLocation',
        Resource: bucket,
        Condition: tls,
      },
    );
  });
  return statements;
}

/**
 * The archive key's policy (the archive bucket, the Athena results, the log groups). KMS refuses a
 * policy naming a principal that does not exist, and the other stacks' roles are made after this
 * one: the roles are named by `aws:PrincipalArn` (their names are fixed, naming.cjs), limited to
 * this account and to S3's use of the key.
 */
function archiveKeyStatements({ stage, region, readers }) {
  const viaS3 = { 'kms:ViaService': { 'Fn::Sub': `s3.\${AWS::Region}.amazonaws.com` } };
  const statements = [
    // Without it nobody could manage the key; IAM policies of the account grant through it.
    {
      Sid: 'AccountAdministers',
      Effect: 'Allow',
      Principal: { AWS: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root` } },
      Action: 'kms:*',
      Resource: '*',
    },
    {
      Sid: 'ArchiveRolesThroughS3',
      Effect: 'Allow',
      Principal: '*',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: {
        StringEquals: { 'kms:CallerAccount': { Ref: 'AWS::AccountId' }, ...viaS3 },
        ArnEquals: {
          'aws:PrincipalArn': ARCHIVE_ROLES.map((role) => ({
            'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${names.roleName(stage, region, role)}`,
          })),
        },
      },
    },
    // The stacks' Lambda log groups (/aws/lambda/github-webhooks-<stack>-<stage>-<function>).
    {
      Sid: 'CloudWatchLogsEncryptsLogGroups',
      Effect: 'Allow',
      Principal: { Service: { 'Fn::Sub': `logs.\${AWS::Region}.amazonaws.com` } },
      Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      Resource: '*',
      Condition: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': {
            'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/github-webhooks-*-${stage}-*`,
          },
        },
      },
    },
  ];
  // The archive readers read objects encrypted with it: their own IAM must allow kms:Decrypt too.
  readers.forEach(({ principal }, i) => {
    statements.push({
      Sid: `ArchiveReader${i + 1}Decrypts`,
      Effect: 'Allow',
      Principal: { AWS: principal },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: viaS3 },
    });
  });
  return statements;
}

const param = (resolveVariable, name) => resolveVariable(`param:${name}`);

module.exports = {
  ConsumerAccessError,
  PROTOCOLS,
  parsePrincipals,
  parseArchiveReaders,
  topicPolicy,
  archiveBucketStatements,
  archiveKeyStatements,
  // The resolvers serverless.yml names.
  publicTopicPolicy: async ({ resolveVariable }) =>
    topicPolicy(
      'PublicTopic',
      'AnyoneSubscribesWithoutCost',
      parsePrincipals('publicTopicSubscribers', await param(resolveVariable, 'publicTopicSubscribers'), {
        anyone: true,
      }),
      { stage: await resolveVariable('sls:stage') },
    ),
  allTopicPolicy: async ({ resolveVariable }) =>
    topicPolicy(
      'AllTopic',
      'GrantedSubscribers',
      parsePrincipals('allTopicSubscribers', await param(resolveVariable, 'allTopicSubscribers')),
    ),
  archiveBucketPolicy: async ({ resolveVariable }) => ({
    Version: '2012-10-17',
    Statement: archiveBucketStatements(parseArchiveReaders(await param(resolveVariable, 'archiveReaders'))),
  }),
  archiveKeyPolicy: async ({ resolveVariable }) => ({
    Version: '2012-10-17',
    Statement: archiveKeyStatements({
      stage: await resolveVariable('sls:stage'),
      region: await resolveVariable('opt:region, self:provider.region'),
      readers: parseArchiveReaders(await param(resolveVariable, 'archiveReaders')),
    }),
  }),
};
