/**
 * The names a packaged template gives AWS resources itself, checked against the limits AWS
 * documents for them. CloudFormation names the rest (and shortens them itself); a name the template
 * sets and AWS refuses fails the deploy, often only once a long stage or region is used.
 */

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

export interface Template {
  readonly Resources: Record<string, Resource>;
}

/** Where the template would be deployed: what its pseudo parameters stand for. */
export interface Placement {
  readonly stackName: string;
  readonly region: string;
  readonly accountId?: string;
  readonly partition?: string;
}

interface Rule {
  /** The property holding the name, as a path (`DatabaseInput.Name`). */
  readonly property: string;
  readonly what: string;
  readonly max: number;
  readonly min?: number;
  readonly pattern?: RegExp;
  readonly patternSays?: string;
}

/** AWS's limits, per resource type (the service's API reference for the name). */
export const NAME_RULES: Readonly<Record<string, readonly Rule[]>> = {
  'AWS::IAM::Role': [{ property: 'RoleName', what: 'IAM role names', max: 64, pattern: /^[\w+=,.@-]+$/ }],
  'AWS::IAM::Policy': [
    { property: 'PolicyName', what: 'IAM policy names', max: 128, pattern: /^[\w+=,.@-]+$/ },
  ],
  'AWS::Lambda::Function': [
    { property: 'FunctionName', what: 'Lambda function names', max: 64, pattern: /^[a-zA-Z0-9_-]+$/ },
  ],
  'AWS::Logs::LogGroup': [
    {
      property: 'LogGroupName',
      what: 'CloudWatch Logs log group names',
      max: 512,
      pattern: /^[.\-_/#A-Za-z0-9]+$/,
    },
  ],
  'AWS::SQS::Queue': [
    { property: 'QueueName', what: 'SQS queue names', max: 80, pattern: /^[A-Za-z0-9_-]+$/ },
  ],
  'AWS::SNS::Topic': [
    { property: 'TopicName', what: 'SNS topic names', max: 256, pattern: /^[A-Za-z0-9_-]+$/ },
  ],
  'AWS::S3::Bucket': [
    {
      property: 'BucketName',
      what: 'S3 bucket names',
      min: 3,
      max: 63,
      pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
      patternSays: 'lowercase letters, digits, dots and hyphens, a letter or digit at each end',
    },
  ],
  'AWS::Events::Rule': [
    { property: 'Name', what: 'EventBridge rule names', max: 64, pattern: /^[.\-_A-Za-z0-9]+$/ },
  ],
  'AWS::Glue::Database': [
    {
      property: 'DatabaseInput.Name',
      what: 'Glue database names (as Athena reads them)',
      max: 255,
      pattern: /^[a-z0-9_]+$/,
      patternSays: 'lowercase letters, digits and underscores',
    },
  ],
  'AWS::Glue::Table': [
    {
      property: 'TableInput.Name',
      what: 'Glue table names (as Athena reads them)',
      max: 255,
      pattern: /^[a-z0-9_]+$/,
    },
  ],
  'AWS::Athena::WorkGroup': [
    { property: 'Name', what: 'Athena workgroup names', max: 128, pattern: /^[a-zA-Z0-9._-]+$/ },
  ],
  'AWS::CloudWatch::Dashboard': [
    { property: 'DashboardName', what: 'CloudWatch dashboard names', max: 255, pattern: /^[A-Za-z0-9_-]+$/ },
  ],
  'AWS::CloudWatch::Alarm': [{ property: 'AlarmName', what: 'CloudWatch alarm names', max: 255 }],
  'AWS::ApiGatewayV2::Api': [{ property: 'Name', what: 'API Gateway API names', max: 128 }],
  'AWS::KMS::Alias': [
    {
      property: 'AliasName',
      what: 'KMS alias names',
      max: 256,
      pattern: /^alias\/(?!aws\/)[a-zA-Z0-9/_-]+$/,
      patternSays: 'alias/ then letters, digits, /, _ and -, never alias/aws/',
    },
  ],
  'AWS::KinesisFirehose::DeliveryStream': [
    { property: 'DeliveryStreamName', what: 'Firehose stream names', max: 64, pattern: /^[a-zA-Z0-9_.-]+$/ },
  ],
  'AWS::DynamoDB::Table': [
    { property: 'TableName', what: 'DynamoDB table names', min: 3, max: 255, pattern: /^[a-zA-Z0-9_.-]+$/ },
  ],
};

/** A CloudFormation value as deployed at `placement`; undefined when it names a resource (CloudFormation's name). */
export function resolveName(value: unknown, placement: Placement): string | undefined {
  const pseudo: Record<string, string> = {
    'AWS::Region': placement.region,
    'AWS::AccountId': placement.accountId ?? '123456789012',
    'AWS::Partition': placement.partition ?? 'aws',
    'AWS::StackName': placement.stackName,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as { Ref?: string; 'Fn::Join'?: [string, unknown[]]; 'Fn::Sub'?: unknown };
  if (v.Ref !== undefined) return pseudo[v.Ref];
  if (v['Fn::Join'] !== undefined) {
    const parts = v['Fn::Join'][1].map((part) => resolveName(part, placement));
    return parts.every((part) => part !== undefined) ? parts.join(v['Fn::Join'][0]) : undefined;
  }
  if (typeof v['Fn::Sub'] === 'string') {
    let unresolved = false;
    const text = v['Fn::Sub'].replace(/\$\{([\w:.]+)\}/g, (_, name: string) => {
      const found = pseudo[name];
      if (found === undefined) unresolved = true;
      return found ?? '';
    });
    return unresolved ? undefined : text;
  }
  return undefined;
}

const at = (properties: Record<string, unknown> | undefined, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], properties);

/** The stack's own name: CloudFormation allows 128 characters, a letter first, then letters, digits, hyphens. */
function stackNameProblems(stackName: string): string[] {
  const problems: string[] = [];
  if (stackName.length > 128)
    problems.push(`the stack name ${stackName} is ${stackName.length} characters; CloudFormation allows 128`);
  if (!/^[a-zA-Z][-a-zA-Z0-9]*$/.test(stackName))
    problems.push(
      `the stack name ${stackName}: CloudFormation allows a letter, then letters, digits and hyphens`,
    );
  return problems;
}

/**
 * Every name the template sets that AWS would refuse at `placement`, each naming the resource, the
 * name, its length and the limit: `ReconcileLambdaFunction (AWS::Lambda::Function): FunctionName
 * "…" is 66 characters; Lambda function names allow at most 64`. Empty when every name fits.
 */
export function nameProblems(template: Template, placement: Placement): string[] {
  const problems = stackNameProblems(placement.stackName);
  for (const [id, resource] of Object.entries(template.Resources)) {
    const rules = [...(NAME_RULES[resource.Type] ?? [])];
    // A role's inline policies are named too.
    if (resource.Type === 'AWS::IAM::Role') {
      const policies = (resource.Properties?.Policies ?? []) as { PolicyName?: unknown }[];
      for (const i of policies.keys()) {
        rules.push({
          property: `Policies.${i}.PolicyName`,
          what: 'IAM policy names',
          max: 128,
          pattern: /^[\w+=,.@-]+$/,
        });
      }
    }
    for (const rule of rules) {
      const raw = at(resource.Properties, rule.property);
      if (raw === undefined) continue;
      const name = resolveName(raw, placement);
      if (name === undefined) continue;
      const where = `${id} (${resource.Type}): ${rule.property} ${JSON.stringify(name)}`;
      if (name.length > rule.max)
        problems.push(`${where} is ${name.length} characters; ${rule.what} allow at most ${rule.max}`);
      if (rule.min !== undefined && name.length < rule.min)
        problems.push(`${where} is ${name.length} characters; ${rule.what} need at least ${rule.min}`);
      if (rule.pattern !== undefined && !rule.pattern.test(name))
        problems.push(`${where}: ${rule.what} allow only ${rule.patternSays ?? String(rule.pattern)}`);
    }
  }
  return problems;
}
