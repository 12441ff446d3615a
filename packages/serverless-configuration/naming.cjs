// The names the stacks give AWS resources themselves (CloudFormation names the rest, within each
// service's limits), from the stage and the region. Serverless resolves these functions at package
// time, e.g. `${file(../../packages/serverless-configuration/naming.cjs):roleName}`; the stage is
// checked here, so a stage whose names AWS would refuse fails packaging, not the deploy.
// test/naming.test.ts pins them; test/long-stage-names.test.ts packages every stack with the longest
// stage allowed and checks every name in the templates against AWS's limits.
'use strict';

/**
 * The longest stage: the Lambda function names Serverless makes (`<service>-<stage>-<function>`,
 * at most 64 characters) are the first to overflow (the delivery reconciler's fits stages of up to
 * 18 characters), then the IAM role names below (64, with the longest region's 14 characters: 21).
 */
const MAX_STAGE_LENGTH = 16;
/** Lowercase (bucket names), a letter first (stack names), hyphens between. */
const STAGE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Each stack's short name in the names below (service `github-webhooks-<stack>`). */
const SHORT = {
  'github-webhooks-ingestion': 'ingestion',
  'github-webhooks-pulse-republisher': 'republisher',
  'github-webhooks-archive-compactor': 'compactor',
  'github-webhooks-delivery-reconciler': 'reconciler',
};

/** The roles that read or write the archive bucket (the key policy names them; see archiveKeyPolicy). */
const ARCHIVE_ROLES = ['ingestion', 'firehose', 'republisher', 'compactor', 'reconciler'];

class StageNameError extends Error {
  constructor(stage) {
    super(
      `stage ${JSON.stringify(stage)} cannot name this system's AWS resources: a stage is 1 to ${MAX_STAGE_LENGTH} ` +
        'characters, lowercase letters, digits and single hyphens between them, a letter first ' +
        `(IAM role and Lambda function names hold at most 64 characters, S3 bucket names are lowercase)`,
    );
    this.name = 'StageNameError';
  }
}

function checkStage(stage) {
  const text = String(stage);
  if (text.length > MAX_STAGE_LENGTH || !STAGE.test(text)) throw new StageNameError(text);
  return text;
}

/**
 * An IAM role's name: `github-webhooks-<stage>-<region>-<role>`, unique per account (roles are
 * global) and known before the role exists, so the ingestion stack's key policy can name the other
 * stacks' roles. Serverless's own (`<service>-<stage>-<region>-lambdaRole`) passes 64 characters for
 * the delivery reconciler with a 14-character region even at stage `dev`.
 */
function roleName(stage, region, role) {
  return `github-webhooks-${checkStage(stage)}-${region}-${role}`;
}

/** The Glue database of the Athena table: one per account and region, so one per stage. */
function queryDatabase(stage) {
  return `github_webhooks_${checkStage(stage).replaceAll('-', '_')}`;
}

/** The stack's queues' names start with this: the public topic's policy names them by it. */
function queuePrefix(stage) {
  return `github-webhooks-${checkStage(stage)}-`;
}

/** The stage, checked first: a stage AWS's names cannot hold fails before anything else is resolved. */
const stageOf = async (resolveVariable) => checkStage(await resolveVariable('sls:stage'));
const regionOf = (resolveVariable) => resolveVariable('opt:region, self:provider.region');

module.exports = {
  MAX_STAGE_LENGTH,
  ARCHIVE_ROLES,
  SHORT,
  StageNameError,
  checkStage,
  /** The plain functions (the tests, consumer-access.cjs). */
  names: { roleName, queryDatabase, queuePrefix },
  // The resolvers serverless.yml names.
  /** This stack's function role: `provider.iam.role.name`. */
  roleName: async ({ resolveVariable }) => {
    const service = await resolveVariable('self:service');
    const role = SHORT[service];
    if (role === undefined) throw new Error(`naming.cjs knows no service ${service}`);
    return roleName(await stageOf(resolveVariable), await regionOf(resolveVariable), role);
  },
  /** The ingestion stack's Firehose role. */
  firehoseRoleName: async ({ resolveVariable }) =>
    roleName(await stageOf(resolveVariable), await regionOf(resolveVariable), 'firehose'),
  queryDatabase: async ({ resolveVariable }) => queryDatabase(await stageOf(resolveVariable)),
};
