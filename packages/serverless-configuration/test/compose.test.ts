import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRIC_NAMESPACE } from '@github-webhooks/runtime';
import { parse } from 'yaml';

// The stacks' sources, read as files: serverless.yml uses CloudFormation tags (!Ref, !GetAtt),
// which are kept as plain values here; only names and references are compared.
const root = join(__dirname, '..', '..', '..');
const readYaml = (path: string): Record<string, unknown> =>
  parse(readFileSync(path, 'utf8'), { logLevel: 'error', customTags: cloudFormationTags }) as Record<
    string,
    unknown
  >;
const cloudFormationTags = ['Ref', 'GetAtt', 'Join', 'Sub', 'If', 'Not', 'Equals', 'Select', 'Split'].flatMap(
  (name) =>
    (['scalar', 'seq', 'map'] as const).map((collection) => ({
      tag: `!${name}`,
      collection: collection === 'scalar' ? undefined : collection,
      resolve: (value: unknown) => ({ [`Fn::${name}`]: value }),
    })),
) as never;

interface ComposeService {
  readonly path: string;
  readonly params?: Record<string, string>;
  readonly dependsOn?: string | string[];
}

const compose = readYaml(join(root, 'serverless-compose.yml')).services as Record<string, ComposeService>;
const stackDirs = readdirSync(join(root, 'services')).filter((name) =>
  existsSync(join(root, 'services', name, 'serverless.yml')),
);
const stack = (name: string) => {
  const service = compose[name];
  if (service === undefined) throw new Error(`serverless-compose.yml has no service ${name}`);
  const config = readYaml(join(root, service.path, 'serverless.yml'));
  const params = ((config.params as { default?: Record<string, unknown> } | undefined)?.default ??
    {}) as Record<string, unknown>;
  const resources = (config.resources ?? {}) as { Outputs?: Record<string, unknown> };
  return { params, outputs: Object.keys(resources.Outputs ?? {}) };
};
/** `${ingestion.PublicTopicArn}` → ['ingestion', 'PublicTopicArn']. */
const references = (value: string): [string, string][] =>
  [...value.matchAll(/\$\{([\w-]+)\.([\w]+)\}/g)].map((m) => [m[1] as string, m[2] as string]);

describe('serverless-compose.yml', () => {
  it('names every stack under services/, by its directory', () => {
    expect(
      Object.values(compose)
        .map((s) => s.path)
        .sort(),
    ).toEqual(stackDirs.map((d) => `services/${d}`).sort());
    for (const [name, service] of Object.entries(compose)) expect(service.path).toBe(`services/${name}`);
  });

  it.each(
    Object.entries(compose).flatMap(([name, service]) =>
      Object.entries(service.params ?? {}).map(([param, value]) => ({ name, param, value })),
    ),
  )(
    '$name: param $param is declared by the stack and wired to an output that exists ($value)',
    ({ name, param, value }) => {
      expect(Object.keys(stack(name).params)).toContain(param);
      const refs = references(value);
      expect(refs.length).toBeGreaterThan(0);
      for (const [from, output] of refs) {
        expect(Object.keys(compose)).toContain(from);
        expect(stack(from).outputs).toContain(output);
      }
    },
  );

  it('wires every placeholder default (a stack that cannot work alone) from another stack', () => {
    for (const [name, service] of Object.entries(compose)) {
      const placeholders = Object.entries(stack(name).params)
        .filter(([, value]) => String(value).includes('placeholder'))
        .map(([param]) => param);
      for (const param of placeholders) expect(Object.keys(service.params ?? {})).toContain(param);
    }
  });
});

describe('shared.yml', () => {
  const shared = readYaml(join(__dirname, '..', 'shared.yml')) as {
    provider: Record<string, unknown>;
    esbuild: Record<string, unknown>;
    metrics: { namespace: string };
  };

  it('pins Node 24 on arm64 for the functions and the bundles', () => {
    expect(shared.provider).toMatchObject({ runtime: 'nodejs24.x', architecture: 'arm64' });
    expect(shared.esbuild).toMatchObject({ target: 'node24', exclude: ['@aws-sdk/client-*'] });
  });

  it.each(stackDirs)('is where %s takes its provider and esbuild settings from', (dir) => {
    const config = readYaml(join(root, 'services', dir, 'serverless.yml')) as {
      service: string;
      provider: Record<string, unknown>;
      custom: Record<string, unknown>;
    };
    expect(config.service).toBe(`github-webhooks-${dir}`);
    const variable = (expression: string) => `\${${expression}}`;
    expect(config.custom.shared).toBe(variable('file(../../packages/serverless-configuration/shared.yml)'));
    expect(config.custom.esbuild).toBe(variable('self:custom.shared.esbuild'));
    for (const key of ['runtime', 'architecture', 'logRetentionInDays'])
      expect(config.provider[key]).toBe(variable(`self:custom.shared.provider.${key}`));
    expect(config.provider.region).toBe(variable('opt:region, self:custom.shared.provider.region'));
  });

  it('declares the metrics namespace the code publishes to', () => {
    expect(shared.metrics.namespace).toBe(METRIC_NAMESPACE);
  });

  it.each(stackDirs)('is where %s takes the metrics namespace from (functions and alarms)', (dir) => {
    const text = readFileSync(join(root, 'services', dir, 'serverless.yml'), 'utf8');
    expect(text).not.toContain(METRIC_NAMESPACE);
    // Every namespace but AWS's own (AWS/SQS, AWS/Lambda, …).
    const namespaces = [...text.matchAll(/^\s*(?:POWERTOOLS_METRICS_NAMESPACE|Namespace): (.*)$/gm)]
      .map((m) => m[1])
      .filter((namespace) => !namespace?.startsWith('AWS/'));
    expect(namespaces.length).toBeGreaterThan(0);
    for (const namespace of namespaces) expect(namespace).toBe(`\${self:custom.shared.metrics.namespace}`);
  });
});
