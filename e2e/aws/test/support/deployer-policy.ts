import type { PackagedTemplate } from '@github-webhooks/fixtures';
import type { PolicyDocument, Statement } from './account';

/**
 * What CloudFormation calls, with the deployer's credentials, to create, read, update, delete and
 * tag each resource type the stacks use: the `handlers` permissions of the type's CloudFormation
 * resource schema (the page named per row lists its properties; the schema is in the CloudFormation
 * resource type schemas, https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resource-type-schemas.html),
 * trimmed of the features no template here uses (VPC, EFS, code signing, replication, websites,
 * inventory, analytics). A template gaining a type this table lacks fails deployer-policy.test.ts.
 */
export const RESOURCE_TYPE_ACTIONS: Readonly<
  Record<string, { readonly doc: string; readonly actions: readonly string[] }>
> = {
  'AWS::ApiGatewayV2::Api': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigatewayv2-api.html',
    actions: ['apigateway:POST', 'apigateway:GET', 'apigateway:PATCH', 'apigateway:PUT', 'apigateway:DELETE'],
  },
  'AWS::ApiGatewayV2::Integration': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigatewayv2-integration.html',
    actions: ['apigateway:POST', 'apigateway:GET', 'apigateway:PATCH', 'apigateway:PUT', 'apigateway:DELETE'],
  },
  'AWS::ApiGatewayV2::Route': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigatewayv2-route.html',
    actions: ['apigateway:POST', 'apigateway:GET', 'apigateway:PATCH', 'apigateway:PUT', 'apigateway:DELETE'],
  },
  'AWS::ApiGatewayV2::Stage': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigatewayv2-stage.html',
    // Access logging to a log group, when a stage has it, needs the log delivery permissions too.
    actions: [
      'apigateway:POST',
      'apigateway:GET',
      'apigateway:PATCH',
      'apigateway:PUT',
      'apigateway:DELETE',
      'logs:CreateLogDelivery',
      'logs:GetLogDelivery',
      'logs:UpdateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:DescribeResourcePolicies',
      'logs:DescribeLogGroups',
    ],
  },
  'AWS::Athena::WorkGroup': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-athena-workgroup.html',
    actions: [
      'athena:CreateWorkGroup',
      'athena:GetWorkGroup',
      'athena:UpdateWorkGroup',
      'athena:DeleteWorkGroup',
      'athena:ListTagsForResource',
      'athena:TagResource',
      'athena:UntagResource',
    ],
  },
  'AWS::CloudWatch::Alarm': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-alarm.html',
    actions: [
      'cloudwatch:PutMetricAlarm',
      'cloudwatch:DescribeAlarms',
      'cloudwatch:DeleteAlarms',
      'cloudwatch:TagResource',
      'cloudwatch:UntagResource',
      'cloudwatch:ListTagsForResource',
    ],
  },
  'AWS::CloudWatch::Dashboard': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-dashboard.html',
    actions: ['cloudwatch:PutDashboard', 'cloudwatch:GetDashboard', 'cloudwatch:DeleteDashboards'],
  },
  'AWS::DynamoDB::Table': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-dynamodb-table.html',
    actions: [
      'dynamodb:CreateTable',
      'dynamodb:DescribeTable',
      'dynamodb:UpdateTable',
      'dynamodb:DeleteTable',
      'dynamodb:DescribeTimeToLive',
      'dynamodb:UpdateTimeToLive',
      'dynamodb:DescribeContinuousBackups',
      'dynamodb:UpdateContinuousBackups',
      'dynamodb:ListTagsOfResource',
      'dynamodb:TagResource',
      'dynamodb:UntagResource',
      'kms:DescribeKey',
      'kms:CreateGrant',
    ],
  },
  'AWS::Events::Rule': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-events-rule.html',
    actions: [
      'events:PutRule',
      'events:DescribeRule',
      'events:DeleteRule',
      'events:PutTargets',
      'events:RemoveTargets',
      'events:ListTargetsByRule',
      'events:TagResource',
      'events:UntagResource',
    ],
  },
  'AWS::Glue::Database': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-glue-database.html',
    actions: ['glue:CreateDatabase', 'glue:GetDatabase', 'glue:UpdateDatabase', 'glue:DeleteDatabase'],
  },
  'AWS::Glue::Table': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-glue-table.html',
    actions: ['glue:CreateTable', 'glue:GetTable', 'glue:UpdateTable', 'glue:DeleteTable'],
  },
  'AWS::IAM::Policy': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-policy.html',
    actions: ['iam:PutRolePolicy', 'iam:GetRolePolicy', 'iam:DeleteRolePolicy'],
  },
  'AWS::IAM::Role': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-role.html',
    actions: [
      'iam:CreateRole',
      'iam:GetRole',
      'iam:UpdateRole',
      'iam:UpdateAssumeRolePolicy',
      'iam:DeleteRole',
      'iam:PutRolePolicy',
      'iam:GetRolePolicy',
      'iam:DeleteRolePolicy',
      'iam:ListRolePolicies',
      'iam:ListAttachedRolePolicies',
      'iam:TagRole',
      'iam:UntagRole',
    ],
  },
  'AWS::KMS::Alias': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-alias.html',
    actions: ['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias', 'kms:ListAliases'],
  },
  'AWS::KMS::Key': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-key.html',
    actions: [
      'kms:CreateKey',
      'kms:DescribeKey',
      'kms:GetKeyPolicy',
      'kms:PutKeyPolicy',
      'kms:GetKeyRotationStatus',
      'kms:EnableKeyRotation',
      'kms:DisableKeyRotation',
      'kms:EnableKey',
      'kms:DisableKey',
      'kms:UpdateKeyDescription',
      'kms:ListResourceTags',
      'kms:TagResource',
      'kms:UntagResource',
      'kms:ScheduleKeyDeletion',
    ],
  },
  'AWS::KinesisFirehose::DeliveryStream': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kinesisfirehose-deliverystream.html',
    actions: [
      'firehose:CreateDeliveryStream',
      'firehose:DescribeDeliveryStream',
      'firehose:UpdateDestination',
      'firehose:DeleteDeliveryStream',
      'firehose:StartDeliveryStreamEncryption',
      'firehose:StopDeliveryStreamEncryption',
      'firehose:ListTagsForDeliveryStream',
      'firehose:TagDeliveryStream',
      'firehose:UntagDeliveryStream',
      'iam:PassRole',
    ],
  },
  'AWS::Lambda::EventInvokeConfig': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-eventinvokeconfig.html',
    actions: [
      'lambda:PutFunctionEventInvokeConfig',
      'lambda:GetFunctionEventInvokeConfig',
      'lambda:UpdateFunctionEventInvokeConfig',
      'lambda:DeleteFunctionEventInvokeConfig',
    ],
  },
  'AWS::Lambda::EventSourceMapping': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-eventsourcemapping.html',
    actions: [
      'lambda:CreateEventSourceMapping',
      'lambda:GetEventSourceMapping',
      'lambda:UpdateEventSourceMapping',
      'lambda:DeleteEventSourceMapping',
      'lambda:ListTags',
      'lambda:TagResource',
      'lambda:UntagResource',
    ],
  },
  'AWS::Lambda::Function': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-function.html',
    actions: [
      'lambda:CreateFunction',
      'lambda:GetFunction',
      'lambda:GetFunctionConfiguration',
      'lambda:UpdateFunctionCode',
      'lambda:UpdateFunctionConfiguration',
      'lambda:DeleteFunction',
      'lambda:PutFunctionConcurrency',
      'lambda:DeleteFunctionConcurrency',
      'lambda:GetRuntimeManagementConfig',
      'lambda:PutRuntimeManagementConfig',
      'lambda:ListTags',
      'lambda:TagResource',
      'lambda:UntagResource',
      'iam:PassRole',
      // The code: the artifact Serverless uploaded to the deployment bucket.
      's3:GetObject',
      's3:GetObjectVersion',
    ],
  },
  'AWS::Lambda::Permission': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-permission.html',
    actions: ['lambda:AddPermission', 'lambda:RemovePermission', 'lambda:GetPolicy'],
  },
  'AWS::Lambda::Version': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-version.html',
    actions: [
      'lambda:PublishVersion',
      'lambda:GetFunctionConfiguration',
      'lambda:ListVersionsByFunction',
      'lambda:DeleteFunction',
    ],
  },
  'AWS::Logs::LogGroup': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-logs-loggroup.html',
    actions: [
      'logs:CreateLogGroup',
      'logs:DescribeLogGroups',
      'logs:DeleteLogGroup',
      'logs:PutRetentionPolicy',
      'logs:DeleteRetentionPolicy',
      'logs:AssociateKmsKey',
      'logs:DisassociateKmsKey',
      'logs:ListTagsForResource',
      'logs:TagResource',
      'logs:UntagResource',
    ],
  },
  'AWS::S3::Bucket': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-s3-bucket.html',
    actions: [
      's3:CreateBucket',
      's3:DeleteBucket',
      's3:ListBucket',
      's3:GetBucketAcl',
      's3:PutEncryptionConfiguration',
      's3:GetEncryptionConfiguration',
      's3:PutBucketPublicAccessBlock',
      's3:GetBucketPublicAccessBlock',
      's3:PutBucketOwnershipControls',
      's3:GetBucketOwnershipControls',
      's3:PutBucketVersioning',
      's3:GetBucketVersioning',
      's3:PutLifecycleConfiguration',
      's3:GetLifecycleConfiguration',
      's3:PutBucketLogging',
      's3:GetBucketLogging',
      's3:PutBucketTagging',
      's3:GetBucketTagging',
      's3:PutBucketNotification',
      's3:GetBucketNotification',
    ],
  },
  'AWS::S3::BucketPolicy': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-s3-bucketpolicy.html',
    actions: ['s3:PutBucketPolicy', 's3:GetBucketPolicy', 's3:DeleteBucketPolicy'],
  },
  'AWS::SNS::Subscription': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sns-subscription.html',
    actions: [
      'sns:Subscribe',
      'sns:Unsubscribe',
      'sns:GetSubscriptionAttributes',
      'sns:SetSubscriptionAttributes',
      'sns:ListSubscriptionsByTopic',
    ],
  },
  'AWS::SNS::Topic': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sns-topic.html',
    actions: [
      'sns:CreateTopic',
      'sns:GetTopicAttributes',
      'sns:SetTopicAttributes',
      'sns:DeleteTopic',
      'sns:ListTagsForResource',
      'sns:TagResource',
      'sns:UntagResource',
      'sns:GetDataProtectionPolicy',
      'sns:PutDataProtectionPolicy',
      'sns:ListSubscriptionsByTopic',
    ],
  },
  'AWS::SNS::TopicPolicy': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sns-topicpolicy.html',
    actions: ['sns:SetTopicAttributes', 'sns:GetTopicAttributes'],
  },
  'AWS::SQS::Queue': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html',
    actions: [
      'sqs:CreateQueue',
      'sqs:GetQueueUrl',
      'sqs:GetQueueAttributes',
      'sqs:SetQueueAttributes',
      'sqs:DeleteQueue',
      'sqs:ListQueueTags',
      'sqs:TagQueue',
      'sqs:UntagQueue',
    ],
  },
  'AWS::SQS::QueuePolicy': {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queuepolicy.html',
    actions: ['sqs:SetQueueAttributes', 'sqs:GetQueueAttributes'],
  },
};

/**
 * What the deploy itself calls, beside CloudFormation's handlers: the Serverless Framework (osls
 * 3.77, `lib/plugins/aws/deploy/lib/*.js`, `lib/plugins/aws/lib/*.js`, `info/get-stack-info.js`,
 * `provider.js`), serverless-compose (the other stacks' outputs) and the ingestion stack's
 * check-webhook-secrets plugin (packages/serverless-configuration/plugins).
 */
export const DEPLOY_STEPS: readonly { readonly why: string; readonly actions: readonly string[] }[] = [
  {
    why: 'the stacks: created (the deployment bucket first), updated through change sets, watched, their outputs read (serverless-compose wires them); `serverless remove` deletes them',
    actions: [
      'cloudformation:CreateStack',
      'cloudformation:UpdateStack',
      'cloudformation:DeleteStack',
      'cloudformation:CreateChangeSet',
      'cloudformation:DescribeChangeSet',
      'cloudformation:ExecuteChangeSet',
      'cloudformation:DeleteChangeSet',
      'cloudformation:DescribeStacks',
      'cloudformation:DescribeStackEvents',
      'cloudformation:DescribeStackResource',
      'cloudformation:ListStackResources',
      'cloudformation:GetTemplate',
      'cloudformation:ValidateTemplate',
    ],
  },
  {
    why: 'the deployment bucket: checked, the artifacts and templates uploaded, compared with the last deploy, old ones cleaned up',
    actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:PutObject', 's3:GetObject', 's3:DeleteObject'],
  },
  {
    why: 'checking for changes (osls check-for-changes.js): the deployed function, its subscription filters',
    actions: ['lambda:GetFunction', 'logs:DescribeSubscriptionFilters', 'logs:DeleteSubscriptionFilter'],
  },
  {
    why: 'the stack info printed after a deploy (the HTTP API endpoint)',
    actions: ['apigateway:GET'],
  },
  {
    why: 'check-webhook-secrets reads the webhook secrets (SecureString under aws/ssm: its key policy lets the account decrypt through SSM)',
    actions: ['ssm:GetParameter'],
  },
];

/** The name every stack, and so every resource CloudFormation or Serverless names, starts with. */
export const NAME_PREFIX = 'github-webhooks-';

/** The resources a deployer's grants are scoped to, per service (`*` where names cannot be scoped). */
export const RESOURCE_PATTERNS: Readonly<Record<string, readonly string[]>> = {
  apigateway: [
    'arn:aws:apigateway:*::/apis',
    'arn:aws:apigateway:*::/apis/*',
    'arn:aws:apigateway:*::/tags/*',
  ],
  athena: [`arn:aws:athena:*:*:workgroup/${NAME_PREFIX}*`],
  cloudformation: [
    `arn:aws:cloudformation:*:*:stack/${NAME_PREFIX}*/*`,
    `arn:aws:cloudformation:*:*:changeSet/${NAME_PREFIX}*/*`,
  ],
  cloudwatch: [
    `arn:aws:cloudwatch:*:*:alarm:${NAME_PREFIX}*`,
    `arn:aws:cloudwatch::*:dashboard/${NAME_PREFIX}*`,
  ],
  dynamodb: [`arn:aws:dynamodb:*:*:table/${NAME_PREFIX}*`],
  events: [`arn:aws:events:*:*:rule/${NAME_PREFIX}*`],
  firehose: [`arn:aws:firehose:*:*:deliverystream/${NAME_PREFIX}*`],
  // The Glue database is the queryDatabase parameter (github_webhooks by default).
  glue: [
    'arn:aws:glue:*:*:catalog',
    'arn:aws:glue:*:*:database/github_webhooks*',
    'arn:aws:glue:*:*:table/github_webhooks*/*',
  ],
  iam: [`arn:aws:iam::*:role/${NAME_PREFIX}*`],
  // Keys have generated ids; their aliases are named.
  kms: ['arn:aws:kms:*:*:key/*', `arn:aws:kms:*:*:alias/${NAME_PREFIX}*`],
  lambda: [
    `arn:aws:lambda:*:*:function:${NAME_PREFIX}*`,
    `arn:aws:lambda:*:*:function:${NAME_PREFIX}*:*`,
    'arn:aws:lambda:*:*:event-source-mapping:*',
  ],
  logs: [
    `arn:aws:logs:*:*:log-group:/aws/lambda/${NAME_PREFIX}*`,
    `arn:aws:logs:*:*:log-group:/aws/lambda/${NAME_PREFIX}*:*`,
  ],
  s3: [`arn:aws:s3:::${NAME_PREFIX}*`, `arn:aws:s3:::${NAME_PREFIX}*/*`],
  sns: [`arn:aws:sns:*:*:${NAME_PREFIX}*`],
  sqs: [`arn:aws:sqs:*:*:${NAME_PREFIX}*`],
  ssm: [`arn:aws:ssm:*:*:parameter/${NAME_PREFIX.replace(/-$/, '')}/*`],
};

/** The resource types of the templates, with the stacks that use each. */
export function resourceTypes(templates: Readonly<Record<string, PackagedTemplate>>): Map<string, string[]> {
  const types = new Map<string, string[]>();
  for (const [stack, template] of Object.entries(templates)) {
    for (const resource of Object.values(template.resources)) {
      const stacks = types.get(resource.Type) ?? [];
      if (!stacks.includes(stack)) stacks.push(stack);
      types.set(resource.Type, stacks);
    }
  }
  return types;
}

/**
 * The deployer's policy for the templates: every action of their resource types and of the deploy
 * steps, grouped by service, scoped to the stacks' names (`wildcardOnly`: the actions IAM cannot
 * scope to a resource); iam:PassRole only for the roles of the templates, only to the services that
 * take them.
 */
export function deployerPolicy(
  templates: Readonly<Record<string, PackagedTemplate>>,
  wildcardOnly: (action: string) => boolean,
): PolicyDocument {
  const types = [...resourceTypes(templates).keys()].sort();
  const missing = types.filter((type) => RESOURCE_TYPE_ACTIONS[type] === undefined);
  if (missing.length > 0) throw new Error(`no deploy actions for ${missing.join(', ')}`);
  const actions = new Set([
    ...types.flatMap((type) => RESOURCE_TYPE_ACTIONS[type]?.actions ?? []),
    ...DEPLOY_STEPS.flatMap((step) => step.actions),
  ]);
  actions.delete('iam:PassRole');
  const byService = new Map<string, { scoped: string[]; anywhere: string[] }>();
  for (const action of [...actions].sort()) {
    const service = action.split(':')[0] as string;
    const entry = byService.get(service) ?? { scoped: [], anywhere: [] };
    (wildcardOnly(action) || RESOURCE_PATTERNS[service] === undefined ? entry.anywhere : entry.scoped).push(
      action,
    );
    byService.set(service, entry);
  }
  const statements: Statement[] = [];
  const sid = (service: string, suffix: string) =>
    `${service.replace(/[^a-z0-9]/gi, '').replace(/^./, (c) => c.toUpperCase())}${suffix}`;
  for (const [service, { scoped, anywhere }] of [...byService].sort(([a], [b]) => a.localeCompare(b))) {
    if (scoped.length > 0)
      statements.push({
        Sid: sid(service, 'OnTheStacksResources'),
        Effect: 'Allow',
        Action: scoped,
        Resource: [...(RESOURCE_PATTERNS[service] ?? [])],
      });
    if (anywhere.length > 0)
      statements.push({ Sid: sid(service, 'Unscoped'), Effect: 'Allow', Action: anywhere, Resource: '*' });
  }
  // The roles go to the services that assume them: Lambda (the functions) and Firehose (its S3 writes).
  const passedTo = new Set<string>();
  for (const template of Object.values(templates)) {
    for (const [, role] of template.ofType('AWS::IAM::Role')) {
      const trust = role.Properties.AssumeRolePolicyDocument as {
        Statement: { Principal?: { Service?: string | string[] } }[];
      };
      for (const statement of trust.Statement)
        for (const service of [statement.Principal?.Service ?? []].flat()) passedTo.add(service);
    }
  }
  statements.push({
    Sid: 'PassTheStacksRolesToTheirServices',
    Effect: 'Allow',
    Action: 'iam:PassRole',
    Resource: [...(RESOURCE_PATTERNS.iam ?? [])],
    Condition: { StringEquals: { 'iam:PassedToService': [...passedTo].sort() } },
  });
  return { Version: '2012-10-17', Statement: statements };
}
