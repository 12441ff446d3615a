// Who may consume what, from the ingestion stack's parameters (Serverless resolves these functions
// at package time: `${file(../../packages/serverless-configuration/consumer-access.cjs):publicTopicPolicy}`).
// CloudFormation cannot loop over a list, so the policies' statements are built here, as data;
// test/consumer-access.test.ts pins them, and the ingestion stack's test pins the packaged result.
'use strict';

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

function topicPolicy(topic, sid, principals) {
  const statements = [onlyIngestionPublishes([topic])];
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

const param = (resolveVariable, name) => resolveVariable(`param:${name}`);

module.exports = {
  ConsumerAccessError,
  PROTOCOLS,
  parsePrincipals,
  parseArchiveReaders,
  topicPolicy,
  archiveBucketStatements,
  // The resolvers serverless.yml names.
  publicTopicPolicy: async ({ resolveVariable }) =>
    topicPolicy(
      'PublicTopic',
      'AnyoneSubscribesWithoutCost',
      parsePrincipals('publicTopicSubscribers', await param(resolveVariable, 'publicTopicSubscribers'), {
        anyone: true,
      }),
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
};
