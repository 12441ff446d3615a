// The IAM evaluator is @cloud-copilot/iam-simulate (AGPL-3.0-or-later): a devDependency of this
// test workspace only, loaded by the tests, never part of a bundle or of anything deployed.
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { ACCOUNT, type Account, type PolicyDocument, REGION, type Role, type Statement } from './account';

/** Who makes a request: a function's role (a session of it), or an AWS service principal. */
export type Requester =
  | { readonly kind: 'role'; readonly role: Role; readonly session: string }
  | { readonly kind: 'service'; readonly service: string };

/** One request IAM evaluates: recorded at the emulators, or taken from AWS's documentation. */
export interface IamRequest {
  /** The function (or service) it is attributed to, for the report. */
  readonly who: string;
  /** What it is: the API call recorded, or the documented call. */
  readonly call: string;
  readonly requester: Requester;
  readonly action: string;
  readonly resource: string;
  /** Condition keys of the request; the principal's and the transport's are added here. */
  readonly context: Readonly<Record<string, string>>;
  /** `recorded`, or the documentation page the row was written from. */
  readonly source: string;
  /** Evaluated and reported, but a denial does not fail the test (why, in words). */
  readonly advisory?: string;
  /** The account model it is evaluated in (a function deployed with other parameters). */
  readonly account: Account;
  /** The resource policy when the account holds none for it (an AWS managed key's). */
  readonly defaultResourcePolicy?: () => PolicyDocument;
}

export interface Verdict {
  readonly request: IamRequest;
  /** How many identical requests this one stands for. */
  readonly count: number;
  readonly result: 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied' | 'Error';
  /** For a denial: which statement is missing or which one denies. */
  readonly explanation: string;
  /** The grants (see `grantUnits`) that allowed it. */
  readonly used: readonly string[];
}

/** The keys every request carries, as the account fills them (TLS: the SDK always uses HTTPS there). */
function baseContext(request: IamRequest): Record<string, string> {
  const now = new Date();
  const common = {
    'aws:SecureTransport': 'true',
    'aws:CurrentTime': now.toISOString(),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:RequestedRegion': REGION,
  };
  if (request.requester.kind === 'service')
    return { ...common, 'aws:PrincipalServiceName': request.requester.service };
  return {
    ...common,
    'aws:PrincipalArn': request.requester.role.arn,
    'aws:PrincipalAccount': ACCOUNT,
    'aws:PrincipalType': 'AssumedRole',
    'aws:userid': `AROAE2E0${request.requester.role.name.length}:${request.requester.session}`,
    'aws:ViaAWSService': request.context['kms:ViaService'] === undefined ? 'false' : 'true',
  };
}

const principalOf = (requester: Requester): string =>
  requester.kind === 'service'
    ? requester.service
    : `arn:aws:sts::${ACCOUNT}:assumed-role/${requester.role.name}/${requester.session}`;

/** Evaluates the requests (identical ones once), in order. */
export async function evaluateAll(requests: readonly IamRequest[]): Promise<Verdict[]> {
  const groups = new Map<string, { request: IamRequest; count: number }>();
  for (const request of requests) {
    const key = JSON.stringify([
      request.who,
      principalOf(request.requester),
      request.action,
      request.resource,
      request.context,
      request.advisory ?? '',
    ]);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { request, count: 1 });
    else group.count += 1;
  }
  const verdicts: Verdict[] = [];
  for (const { request, count } of groups.values()) verdicts.push({ ...(await evaluate(request)), count });
  return verdicts;
}

export async function evaluate(request: IamRequest): Promise<Omit<Verdict, 'count'>> {
  const { account, requester } = request;
  const identityPolicies =
    requester.kind === 'role'
      ? requester.role.policies.map((p) => ({
          name: p.name,
          policy: carryVariableKeys(withVersion(p.policy)),
        }))
      : [];
  const resourcePolicy = account.resourcePolicyFor(request.resource) ?? request.defaultResourcePolicy?.();
  const response = await runSimulation(
    {
      request: {
        principal: principalOf(requester),
        action: request.action,
        resource: { resource: request.resource, accountId: ACCOUNT },
        contextVariables: renameKeys({ ...baseContext(request), ...request.context }),
      },
      identityPolicies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy === undefined
        ? {}
        : { resourcePolicy: carryVariableKeys(withVersion(resourcePolicy)) }),
    },
    {},
  );
  if (response.resultType === 'error')
    return { request, result: 'Error', explanation: JSON.stringify(response.errors), used: [] };
  const analyses = response.resultType === 'single' ? [response.result] : response.results;
  const result = response.overallResult as Verdict['result'];
  const used = new Set<string>();
  for (const analysis of analyses) {
    for (const allow of analysis.analysis.identityAnalysis?.allowStatements ?? []) {
      for (const unit of matchedUnits(allow.policyId ?? '', allow.explain as unknown as Explain))
        used.add(unit);
    }
  }
  return {
    request,
    result,
    explanation:
      result === 'Allowed'
        ? ''
        : explain(
            request,
            analyses.map((a) => a.analysis),
          ),
    used: [...used],
  };
}

const withVersion = (policy: PolicyDocument): PolicyDocument => ({ Version: '2012-10-17', ...policy });

/**
 * iam-simulate (0.1.173) recognises a condition key with a variable part only after a slash
 * (`aws:PrincipalTag/team`) and drops KMS's `kms:EncryptionContext:<key>` from a request as unknown:
 * such keys are carried under a stand-in name of that form, in the request and in every policy alike.
 */
const ENCRYPTION_CONTEXT = /^kms:EncryptionContext:(.+)$/i;
const standIn = (key: string): string => {
  const variable = ENCRYPTION_CONTEXT.exec(key)?.[1];
  return variable === undefined ? key : `aws:RequestTag/kms-encryption-context:${variable}`;
};
const renameKeys = <T>(record: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.entries(record).map(([key, value]) => [standIn(key), value]));

function carryVariableKeys(policy: PolicyDocument): PolicyDocument {
  return {
    ...policy,
    Statement: list(policy.Statement as Statement | Statement[]).map((statement) =>
      statement.Condition === undefined
        ? statement
        : {
            ...statement,
            Condition: Object.fromEntries(
              Object.entries(statement.Condition).map(([operator, keys]) => [operator, renameKeys(keys)]),
            ),
          },
    ),
  };
}

interface Explain {
  readonly identifier: string;
  readonly actions?: { action: string; matches: boolean } | { action: string; matches: boolean }[];
  readonly resources?: { resource: string; matches: boolean } | { resource: string; matches: boolean }[];
  readonly conditions?: {
    conditionKeyValue: string;
    matches: boolean;
    values?: { value: string; matches: boolean } | { value: string; matches: boolean }[];
  }[];
}

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The grant units a matching allow statement used: action × resource (× s3:prefix value). */
function matchedUnits(policyId: string, explain: Explain): string[] {
  const actions = list(explain.actions)
    .filter((a) => a.matches)
    .map((a) => a.action);
  const resources = list(explain.resources)
    .filter((r) => r.matches)
    .map((r) => r.resource);
  const prefixes = (explain.conditions ?? [])
    .filter((c) => c.conditionKeyValue.toLowerCase() === 's3:prefix')
    .flatMap((c) =>
      list(c.values)
        .filter((v) => v.matches)
        .map((v) => v.value),
    );
  const units: string[] = [];
  for (const action of actions)
    for (const resource of resources.length > 0 ? resources : ['*'])
      for (const prefix of prefixes.length > 0 ? prefixes : [''])
        units.push(unitKey(policyId, explain.identifier, action, resource, prefix));
  return units;
}

const unitKey = (policy: string, statement: string, action: string, resource: string, prefix: string) =>
  JSON.stringify([policy, statement, action, resource, prefix]);

/** A grant of a role: one action on one resource pattern (one s3:prefix value) of one statement. */
export interface GrantUnit {
  readonly key: string;
  readonly role: Role;
  readonly policy: string;
  readonly statement: string;
  readonly action: string;
  readonly resource: string;
  readonly prefix: string;
}

/** Every allow grant of a role, unit by unit (the statements as the simulator names them). */
export function grantUnits(role: Role): GrantUnit[] {
  const units: GrantUnit[] = [];
  for (const { name, policy } of role.policies) {
    const statements = list(policy.Statement as Statement | Statement[]);
    statements.forEach((statement, index) => {
      if (statement.Effect !== 'Allow') return;
      const id = statement.Sid ?? String(index + 1);
      const prefixes = list(
        (statement.Condition?.StringLike?.['s3:prefix'] ??
          statement.Condition?.StringEquals?.['s3:prefix']) as string | string[] | undefined,
      );
      for (const action of list(statement.Action))
        for (const resource of list(statement.Resource ?? '*'))
          for (const prefix of prefixes.length > 0 ? prefixes : [''])
            units.push({
              key: unitKey(name, id, action, resource, prefix),
              role,
              policy: name,
              statement: id,
              action,
              resource,
              prefix,
            });
    });
  }
  return units;
}

interface Analysis {
  readonly identityAnalysis?: {
    readonly denyStatements: readonly { policyId?: string; statement: Statement }[];
    readonly unmatchedStatements: readonly {
      policyId?: string;
      statement: Statement;
      actionMatch: boolean;
      resourceMatch: boolean;
      conditionMatch: string;
    }[];
    readonly result: string;
  };
  readonly resourceAnalysis?: {
    readonly denyStatements: readonly { statement: Statement }[];
    readonly result: string;
  };
}

/** Why a request is denied: the deny that matched, or the allow statement that is missing (and near misses). */
function explain(request: IamRequest, analyses: readonly unknown[]): string {
  const lines: string[] = [];
  for (const raw of analyses) {
    const analysis = raw as Analysis;
    for (const deny of analysis.identityAnalysis?.denyStatements ?? [])
      lines.push(`denied by ${deny.policyId}: ${JSON.stringify(deny.statement)}`);
    for (const deny of analysis.resourceAnalysis?.denyStatements ?? [])
      lines.push(`denied by the resource policy of ${request.resource}: ${JSON.stringify(deny.statement)}`);
    const near = (analysis.identityAnalysis?.unmatchedStatements ?? []).filter(
      // The analysis holds iam-policy's statement objects: their JSON is the statement as written.
      (s) => s.actionMatch && (JSON.parse(JSON.stringify(s.statement)) as Statement).Effect === 'Allow',
    );
    for (const miss of near)
      lines.push(
        `near miss in ${miss.policyId}: ${JSON.stringify(miss.statement)} (resource ${
          miss.resourceMatch ? 'matches' : 'does not match'
        }, condition ${miss.conditionMatch})`,
      );
  }
  if (lines.every((l) => !l.startsWith('denied by'))) {
    const conditions = Object.entries(request.context).filter(([k]) => !k.startsWith('aws:'));
    const statement: Statement = {
      Effect: 'Allow',
      Action: request.action,
      Resource: request.resource,
      ...(conditions.length > 0 ? { Condition: { StringEquals: Object.fromEntries(conditions) } } : {}),
    };
    const where =
      request.requester.kind === 'service'
        ? `the resource policy of ${request.resource} (principal ${request.requester.service})`
        : request.action.startsWith('kms:')
          ? `the key policy of ${request.resource} (or the key policy delegating to the account and the role ${request.requester.role.logicalId} of ${request.requester.role.stack})`
          : `the role ${request.requester.role.logicalId} of ${request.requester.role.stack}`;
    lines.unshift(`missing in ${where}: ${JSON.stringify(statement)}`);
  }
  return lines.join('\n    ');
}

/** One line of the report for a verdict. */
export function describeVerdict(verdict: Verdict): string {
  const { request } = verdict;
  const times = verdict.count > 1 ? ` (×${verdict.count})` : '';
  const context = Object.entries(request.context)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return `${request.who}: ${request.call}${times} → ${request.action} on ${request.resource}${
    context === '' ? '' : ` [${context}]`
  }: ${verdict.result}${verdict.explanation === '' ? '' : `\n    ${verdict.explanation}`}`;
}
