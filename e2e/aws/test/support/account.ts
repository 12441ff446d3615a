import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type CfnResource, PackagedTemplate, type Template } from '@github-webhooks/fixtures';
import { parse } from 'yaml';

export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';
const ROOT = join(__dirname, '..', '..', '..', '..');

export type PolicyDocument = { Version?: string; Statement: Statement[] };
export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

/** A resource of a stack as the emulated account has it. */
export interface Physical {
  readonly ref: string;
  readonly arn: string;
  readonly name: string;
}

/** What the account knows of a deployed stack (its template, and where its resources went). */
export interface StackInput {
  readonly name: string;
  readonly template: PackagedTemplate;
  readonly paramDefaults: Readonly<Record<string, string>>;
  /** `.serverless/<service>.zip`: the service name is its basename. */
  readonly artifact: string;
}

/** An IAM role of a template, with the policies attached to it, resolved. */
export interface Role {
  readonly stack: string;
  readonly logicalId: string;
  readonly arn: string;
  readonly name: string;
  readonly policies: readonly { readonly name: string; readonly policy: PolicyDocument }[];
  readonly trust: PolicyDocument;
}

/** A function of a template: its role and its log group. */
export interface FunctionInfo {
  readonly stack: string;
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly role: Role;
  readonly logGroup: string;
}

/** The documented key policy of an AWS managed key (`alias/aws/<service>`): any principal of the account, through that service. */
export function awsManagedKeyPolicy(service: string): PolicyDocument {
  // https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key (its key
  // policy cannot be changed; the service's pages, e.g.
  // https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-restrict-decryption.html, say it
  // grants every principal of the account use of the key through that service).
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: `Allow access through ${service} for all principals in the account`,
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncrypt*',
          'kms:GenerateDataKey*',
          'kms:CreateGrant',
          'kms:DescribeKey',
        ],
        Resource: '*',
        Condition: {
          StringEquals: {
            'kms:CallerAccount': ACCOUNT,
            'kms:ViaService': `${service}.${REGION}.amazonaws.com`,
          },
        },
      },
      {
        Sid: 'Allow direct access to key metadata to the account',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: ['kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:RevokeGrant'],
        Resource: '*',
      },
    ],
  };
}

/** The ARN an AWS managed key has here (one per service, as in an account). */
export const awsManagedKeyArn = (service: string): string =>
  `arn:aws:kms:${REGION}:${ACCOUNT}:key/aws-managed-${service}`;

/**
 * The four stacks as one account would have them: every template value resolved (Ref, GetAtt, Sub,
 * Join, If, Select, Split, ImportValue, the pseudo parameters) to the emulated resources, the
 * parameters serverless-compose.yml wires replaced by the wired values, the roles with their
 * policies and the resource policies (bucket, topic, queue, key, Lambda permissions) by ARN.
 */
export class Account {
  private readonly physical = new Map<string, Physical>();
  private readonly wiring = new Map<string, [string, string][]>();
  readonly roles: Role[] = [];
  readonly functions: FunctionInfo[] = [];
  /** Resource policies by the ARN they govern (a bucket's also governs its objects). */
  readonly resourcePolicies = new Map<string, PolicyDocument>();

  constructor(
    readonly stacks: readonly StackInput[],
    /** What the emulators made of a stack's resources (the world's); others get names of their own here. */
    deployed: (stack: string, logicalId: string) => Physical | undefined,
    /** Conditions decided otherwise than the packaged template (a parameter set at deploy). */
    private readonly conditionOverrides: Readonly<Record<string, boolean>> = {},
  ) {
    for (const stack of stacks) {
      for (const [id, resource] of Object.entries(stack.template.resources)) {
        const found = deployed(stack.name, id) ?? this.generated(stack, id, resource);
        this.physical.set(`${stack.name}/${id}`, found);
      }
    }
    this.readWiring();
    // Names generated from properties (role names, log groups) need the resolver: a second pass.
    for (const stack of stacks) {
      for (const [id, resource] of Object.entries(stack.template.resources)) {
        if (deployed(stack.name, id) !== undefined) continue;
        this.physical.set(`${stack.name}/${id}`, this.named(stack, id, resource));
      }
    }
    for (const stack of stacks) this.collect(stack);
  }

  stack(name: string): StackInput {
    const found = this.stacks.find((s) => s.name === name);
    if (found === undefined) throw new Error(`no stack ${name}`);
    return found;
  }

  resource(stack: string, logicalId: string): Physical {
    const found = this.physical.get(`${stack}/${logicalId}`);
    if (found === undefined) throw new Error(`${stack} has no resource ${logicalId}`);
    return found;
  }

  function(stack: string): FunctionInfo {
    const found = this.functions.find((f) => f.stack === stack);
    if (found === undefined) throw new Error(`${stack} has no function`);
    return found;
  }

  roleOf(stack: string, logicalId: string): Role {
    const found = this.roles.find((r) => r.stack === stack && r.logicalId === logicalId);
    if (found === undefined) throw new Error(`${stack} has no role ${logicalId}`);
    return found;
  }

  /** The resource policy that governs an ARN (an object's: its bucket's), if any. */
  resourcePolicyFor(arn: string): PolicyDocument | undefined {
    const s3 = /^arn:aws:s3:::([^/]+)(\/.*)?$/.exec(arn);
    return this.resourcePolicies.get(s3 ? `arn:aws:s3:::${s3[1]}` : arn);
  }

  /** Whether a template condition holds (the packaged template's, or an override). */
  condition(stack: StackInput, name: string): boolean {
    const override = this.conditionOverrides[name];
    if (override !== undefined) return override;
    const conditions = (stack.template.template as Template).Conditions ?? {};
    if (!(name in conditions)) throw new Error(`${stack.name}: no condition ${name}`);
    return Boolean(this.resolve(stack, conditions[name]));
  }

  /** A template value as the deployed stack has it. */
  resolve(stack: StackInput, value: unknown): unknown {
    if (typeof value === 'string') return this.wired(stack.name, value);
    if (Array.isArray(value)) return value.map((v) => this.resolve(stack, v)).filter((v) => v !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [key, arg] = entries[0] ?? [];
    if (
      entries.length === 1 &&
      key !== undefined &&
      (key === 'Ref' || key.startsWith('Fn::') || key === 'Condition')
    )
      return this.intrinsic(stack, key, arg);
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const resolved = this.resolve(stack, v);
      if (resolved !== NO_VALUE) out[k] = resolved;
    }
    return out;
  }

  private intrinsic(stack: StackInput, fn: string, arg: unknown): unknown {
    const text = (v: unknown) => String(this.resolve(stack, v));
    switch (fn) {
      case 'Ref':
        return this.ref(stack, String(arg));
      case 'Fn::GetAtt': {
        const [id, attribute] = typeof arg === 'string' ? arg.split('.') : (arg as [string, string]);
        return this.getAtt(stack, String(id), String(attribute));
      }
      case 'Fn::Sub': {
        const [template, vars] = Array.isArray(arg)
          ? (arg as [string, Record<string, unknown>])
          : [String(arg), {}];
        const substituted = template.replace(/\$\{([^}!][^}]*)\}/g, (_all, name: string) => {
          if (name in vars) return text(vars[name]);
          if (name.includes('.') && !name.startsWith('AWS::')) {
            const [id, attribute] = name.split('.');
            return String(this.getAtt(stack, String(id), String(attribute)));
          }
          return String(this.ref(stack, name));
        });
        return this.wired(stack.name, substituted.replace(/\$\{!/g, '${'));
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        return (this.resolve(stack, parts) as unknown[]).map(String).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        return (this.resolve(stack, list) as unknown[])[Number(this.resolve(stack, index))];
      }
      case 'Fn::Split': {
        const [separator, source] = arg as [string, unknown];
        return text(source).split(separator);
      }
      case 'Fn::If': {
        const [condition, then, otherwise] = arg as [string, unknown, unknown];
        return this.resolve(stack, this.condition(stack, condition) ? then : otherwise);
      }
      case 'Fn::Equals': {
        const [a, b] = arg as [unknown, unknown];
        return JSON.stringify(this.resolve(stack, a)) === JSON.stringify(this.resolve(stack, b));
      }
      case 'Fn::Not':
        return !this.resolve(stack, (arg as unknown[])[0]);
      case 'Fn::And':
        return (arg as unknown[]).every((c) => this.resolve(stack, c));
      case 'Fn::Or':
        return (arg as unknown[]).some((c) => this.resolve(stack, c));
      case 'Condition':
        return this.condition(stack, String(arg));
      case 'Fn::ImportValue': {
        const name = text(arg);
        for (const other of this.stacks) {
          const outputs = (other.template.template as Template).Outputs ?? {};
          for (const output of Object.values(outputs) as { Value: unknown; Export?: { Name: unknown } }[]) {
            if (output.Export && String(this.resolve(other, output.Export.Name)) === name)
              return this.resolve(other, output.Value);
          }
        }
        throw new Error(`${stack.name}: no stack exports ${name}`);
      }
      default:
        throw new Error(`${stack.name}: ${fn} is not resolved here`);
    }
  }

  private ref(stack: StackInput, name: string): unknown {
    switch (name) {
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::Region':
        return REGION;
      case 'AWS::AccountId':
        return ACCOUNT;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return stackName(stack);
      case 'AWS::NoValue':
        return NO_VALUE;
    }
    return this.resource(stack.name, name).ref;
  }

  private getAtt(stack: StackInput, id: string, attribute: string): string {
    const found = this.resource(stack.name, id);
    if (attribute === 'Arn') return found.arn;
    if (['QueueName', 'TopicName', 'Name', 'BucketName'].includes(attribute)) return found.name;
    if (attribute === 'ApiEndpoint') return `https://${found.ref}.execute-api.${REGION}.amazonaws.com`;
    if (attribute === 'QueueUrl') return found.ref;
    return `${found.name}.${attribute}`;
  }

  /** A value that is a parameter's default (or holds one) as serverless-compose.yml wires it. */
  private wired(stack: string, value: string): string {
    let out = value;
    for (const [from, to] of this.wiring.get(stack) ?? []) if (from !== '') out = out.split(from).join(to);
    return out;
  }

  private readWiring(): void {
    const compose = parse(readFileSync(join(ROOT, 'serverless-compose.yml'), 'utf8')) as {
      services: Record<string, { params?: Record<string, string> }>;
    };
    for (const stack of this.stacks) {
      const pairs: [string, string][] = [];
      for (const [param, reference] of Object.entries(compose.services[stack.name]?.params ?? {})) {
        const [, from = '', output = ''] = /^\$\{([\w-]+)\.(\w+)\}$/.exec(reference) ?? [];
        const source = this.stack(from);
        const value = (source.template.template as Template).Outputs?.[output]?.Value;
        if (value === undefined) throw new Error(`${reference} is no output of ${from}`);
        const defaultValue = stack.paramDefaults[param];
        if (defaultValue === undefined) throw new Error(`${stack.name} has no parameter ${param}`);
        pairs.push([defaultValue, String(this.resolve(source, value))]);
      }
      this.wiring.set(stack.name, pairs);
    }
  }

  /** A first name for a resource the emulators did not make (refined by `named`). */
  private generated(stack: StackInput, id: string, resource: CfnResource): Physical {
    return physicalOf(stackName(stack), id, resource.Type, undefined);
  }

  private named(stack: StackInput, id: string, resource: CfnResource): Physical {
    const props = resource.Properties ?? {};
    const nameProperty: Record<string, string> = {
      'AWS::IAM::Role': 'RoleName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::Logs::LogGroup': 'LogGroupName',
      'AWS::SQS::Queue': 'QueueName',
      'AWS::SNS::Topic': 'TopicName',
      'AWS::S3::Bucket': 'BucketName',
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::Events::Rule': 'Name',
      'AWS::Athena::WorkGroup': 'Name',
      'AWS::CloudWatch::Dashboard': 'DashboardName',
      'AWS::KinesisFirehose::DeliveryStream': 'DeliveryStreamName',
    };
    const property = nameProperty[resource.Type];
    const given =
      resource.Type === 'AWS::Glue::Database'
        ? (props.DatabaseInput as { Name?: unknown } | undefined)?.Name
        : property === undefined
          ? undefined
          : props[property];
    const name = given === undefined ? undefined : String(this.resolve(stack, given));
    return physicalOf(
      stackName(stack),
      id,
      resource.Type,
      name,
      props.Path === undefined ? '/' : String(props.Path),
    );
  }

  private collect(stack: StackInput): void {
    const entries = Object.entries(stack.template.resources).filter(
      ([, r]) => r.Condition === undefined || this.condition(stack, r.Condition),
    );
    for (const [id, resource] of entries.filter(([, r]) => r.Type === 'AWS::IAM::Role')) {
      const props = this.resolve(stack, resource.Properties) as {
        Policies?: { PolicyName: string; PolicyDocument: PolicyDocument }[];
        AssumeRolePolicyDocument: PolicyDocument;
        ManagedPolicyArns?: string[];
      };
      if ((props.ManagedPolicyArns ?? []).length > 0)
        throw new Error(
          `${stack.name}/${id}: managed policies are not modelled here (${props.ManagedPolicyArns})`,
        );
      const attached = entries
        .filter(([, r]) => r.Type === 'AWS::IAM::Policy')
        .map(
          ([, r]) =>
            this.resolve(stack, r.Properties) as {
              PolicyName: string;
              PolicyDocument: PolicyDocument;
              Roles?: string[];
            },
        )
        .filter((p) => (p.Roles ?? []).includes(this.resource(stack.name, id).name));
      const physical = this.resource(stack.name, id);
      this.roles.push({
        stack: stack.name,
        logicalId: id,
        arn: physical.arn,
        name: physical.name,
        policies: [...(props.Policies ?? []), ...attached].map((p) => ({
          name: `${stack.name}/${id}/${p.PolicyName}`,
          policy: p.PolicyDocument,
        })),
        trust: props.AssumeRolePolicyDocument,
      });
      this.resourcePolicies.set(physical.arn, props.AssumeRolePolicyDocument);
    }
    for (const [id, resource] of entries) {
      const props = this.resolve(stack, resource.Properties ?? {}) as Record<string, unknown>;
      switch (resource.Type) {
        case 'AWS::S3::BucketPolicy':
          this.addPolicy(`arn:aws:s3:::${props.Bucket}`, props.PolicyDocument as PolicyDocument);
          break;
        case 'AWS::SNS::TopicPolicy':
          for (const topic of props.Topics as string[])
            this.addPolicy(topic, props.PolicyDocument as PolicyDocument);
          break;
        case 'AWS::SQS::QueuePolicy':
          for (const url of props.Queues as string[])
            this.addPolicy(queueArnOfUrl(url), props.PolicyDocument as PolicyDocument);
          break;
        case 'AWS::KMS::Key':
          this.addPolicy(this.resource(stack.name, id).arn, props.KeyPolicy as PolicyDocument);
          break;
        case 'AWS::Lambda::Permission': {
          const principal = String(props.Principal);
          const conditions: Statement['Condition'] = {};
          if (props.SourceArn !== undefined)
            conditions.ArnLike = { 'aws:SourceArn': String(props.SourceArn) };
          if (props.SourceAccount !== undefined)
            conditions.StringEquals = { 'aws:SourceAccount': String(props.SourceAccount) };
          this.addPolicy(String(props.FunctionName), {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: id,
                Effect: 'Allow',
                Principal: principal.endsWith('.amazonaws.com') ? { Service: principal } : { AWS: principal },
                Action: String(props.Action),
                Resource: String(props.FunctionName),
                ...(Object.keys(conditions).length > 0 ? { Condition: conditions } : {}),
              },
            ],
          });
          break;
        }
      }
    }
    for (const [id, resource] of entries.filter(([, r]) => r.Type === 'AWS::Lambda::Function')) {
      const props = this.resolve(stack, resource.Properties) as {
        Role: string;
        LoggingConfig?: { LogGroup?: string };
      };
      const role = this.roles.find((r) => r.arn === props.Role);
      if (role === undefined)
        throw new Error(`${stack.name}/${id}: its role ${props.Role} is no role of the stacks`);
      const physical = this.resource(stack.name, id);
      this.functions.push({
        stack: stack.name,
        logicalId: id,
        name: physical.name,
        arn: physical.arn,
        role,
        logGroup: props.LoggingConfig?.LogGroup ?? `/aws/lambda/${physical.name}`,
      });
    }
  }

  private addPolicy(arn: string, policy: PolicyDocument): void {
    const existing = this.resourcePolicies.get(arn);
    this.resourcePolicies.set(
      arn,
      existing === undefined
        ? { Version: '2012-10-17', ...policy, Statement: [...asArray(policy.Statement)] }
        : { ...existing, Statement: [...existing.Statement, ...asArray(policy.Statement)] },
    );
  }
}

const NO_VALUE = Symbol('AWS::NoValue');
const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** A stack's CloudFormation name: `<service>-<stage>` (Serverless's). */
export const stackName = (stack: StackInput): string => `${basename(stack.artifact, '.zip')}-dev`;

export const queueArnOfUrl = (url: string): string => {
  const [account = ACCOUNT, name = ''] = new URL(url).pathname.split('/').slice(1);
  return `arn:aws:sqs:${REGION}:${account}:${name}`;
};

/** A resource's Ref, ARN and name as CloudFormation would make them (a name given, or `<stack>-<id>-<suffix>`). */
function physicalOf(
  stack: string,
  id: string,
  type: string,
  given: string | undefined,
  path = '/',
): Physical {
  const generated = given ?? `${stack}-${id}-E2E0RANDOM`;
  const at = (service: string, rest: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${rest}`;
  switch (type) {
    case 'AWS::IAM::Role':
      return { ref: generated, name: generated, arn: `arn:aws:iam::${ACCOUNT}:role${path}${generated}` };
    case 'AWS::IAM::Policy':
      return { ref: generated, name: generated, arn: generated };
    case 'AWS::Lambda::Function':
      return { ref: generated, name: generated, arn: at('lambda', `function:${generated}`) };
    case 'AWS::Logs::LogGroup':
      return { ref: generated, name: generated, arn: at('logs', `log-group:${generated}:*`) };
    case 'AWS::S3::Bucket': {
      const name = (given ?? `${stack}-${id}-e2e0random`).toLowerCase().slice(0, 63);
      return { ref: name, name, arn: `arn:aws:s3:::${name}` };
    }
    case 'AWS::SQS::Queue': {
      const name = generated.slice(0, 80);
      return { ref: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`, name, arn: at('sqs', name) };
    }
    case 'AWS::SNS::Topic':
      return { ref: at('sns', generated), name: generated, arn: at('sns', generated) };
    case 'AWS::DynamoDB::Table':
      return { ref: generated, name: generated, arn: at('dynamodb', `table/${generated}`) };
    case 'AWS::KinesisFirehose::DeliveryStream':
      return { ref: generated, name: generated, arn: at('firehose', `deliverystream/${generated}`) };
    case 'AWS::Events::Rule':
      return { ref: generated, name: generated, arn: at('events', `rule/${generated}`) };
    case 'AWS::KMS::Key': {
      const keyId = `e2e-${id.toLowerCase()}`;
      return { ref: keyId, name: keyId, arn: at('kms', `key/${keyId}`) };
    }
    case 'AWS::ApiGatewayV2::Api':
      return { ref: 'e2eapi0001', name: 'e2eapi0001', arn: `arn:aws:apigateway:${REGION}::/apis/e2eapi0001` };
    case 'AWS::Athena::WorkGroup':
      return { ref: generated, name: generated, arn: at('athena', `workgroup/${generated}`) };
    default:
      return {
        ref: generated,
        name: generated,
        arn: at(type.split('::')[1]?.toLowerCase() ?? 'unknown', generated),
      };
  }
}

/** The four stacks as `serverless package` left them, with their parameter defaults (stage `dev`). */
export function packagedStacks(): StackInput[] {
  return ['ingestion', 'pulse-republisher', 'archive-compactor', 'delivery-reconciler'].map((name) => {
    const dir = join(ROOT, 'services', name);
    const config = parse(readFileSync(join(dir, 'serverless.yml'), 'utf8'), { logLevel: 'silent' }) as {
      service: string;
      params?: { default?: Record<string, unknown> };
    };
    const stage = (value: unknown) =>
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Serverless's variable syntax, resolved as the framework would
      String(value).replaceAll('${sls:stage}', 'dev');
    return {
      name,
      template: PackagedTemplate.of(dir),
      paramDefaults: Object.fromEntries(
        Object.entries(config.params?.default ?? {}).map(([k, v]) => [k, stage(v)]),
      ),
      artifact: join(dir, '.serverless', `${config.service}.zip`),
    };
  });
}
