import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { firstColumn, headings, ROOT, readDoc, section } from './support/markdown';

// Every parameter, SSM parameter and alarm of the packaged stacks is in docs/operate.md, and nothing
// there names one that no longer exists.

const OPERATE = readDoc('docs/operate.md');
const STACKS = readdirSync(join(ROOT, 'services'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(ROOT, 'services', entry.name, 'serverless.yml')))
  .map((entry) => entry.name)
  .sort();

/** Serverless's variable for the stage, as serverless.yml writes it. */
const SLS_STAGE = ['$', '{sls:stage}'].join('');

const unquote = (value: string): string => value.replace(/^(["'])(.*)\1$/, '$2');

/** A stack's `params.default`, as written in its serverless.yml (name → value). */
function paramsOf(stack: string): Map<string, string> {
  const lines = readFileSync(join(ROOT, 'services', stack, 'serverless.yml'), 'utf8').split('\n');
  const params = new Map<string, string>();
  const start = lines.findIndex((line) => /^params:\s*$/.test(line));
  if (start === -1) return params;
  let inDefault = false;
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break; // the next top-level key
    if (/^ {2}\S/.test(line)) {
      inDefault = /^ {2}default:\s*$/.test(line);
      continue;
    }
    const entry = /^ {4}([A-Za-z0-9_]+):\s*(.*?)\s*$/.exec(line);
    if (inDefault && entry?.[1] !== undefined) params.set(entry[1], unquote(entry[2] ?? ''));
  }
  return params;
}

/** The logical ids of a packaged template's alarms. */
function alarmsOf(stack: string): string[] {
  const path = join(ROOT, 'services', stack, '.serverless', 'cloudformation-template-update-stack.json');
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`pnpm run package\` in services/${stack}`);
  const template = JSON.parse(readFileSync(path, 'utf8')) as { Resources: Record<string, { Type: string }> };
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::CloudWatch::Alarm')
    .map(([id]) => id);
}

describe('docs/operate.md', () => {
  it('knows the four stacks', () => {
    expect(STACKS).toEqual(['archive-compactor', 'delivery-reconciler', 'ingestion', 'pulse-republisher']);
  });

  it.each(STACKS)('has a row for every parameter of %s, and a parameter for every row', (stack) => {
    const params = [...paramsOf(stack).keys()].sort();
    expect(params.length).toBeGreaterThan(0);
    const table = section(section(OPERATE, '## Parameters'), `### \`${stack}\` stack`);
    expect(firstColumn(table).sort()).toEqual(params);
  });

  it.each(STACKS)('names every SSM parameter %s reads', (stack) => {
    const names = [...paramsOf(stack).values()]
      .filter((value) => value.startsWith('/'))
      .map((value) => value.replaceAll(SLS_STAGE, '<stage>'));
    for (const name of names) expect([name, OPERATE.includes(`\`${name}\``)]).toEqual([name, true]);
  });

  it('names the SSM parameters of every stack (the secrets, the broker, the GitHub credential)', () => {
    const names = STACKS.flatMap((stack) => [...paramsOf(stack).values()]).filter((v) => v.startsWith('/'));
    expect(names.length).toBeGreaterThanOrEqual(4);
  });

  it('has a runbook for every alarm of the packaged templates, and an alarm for every runbook', () => {
    const alarms = STACKS.flatMap(alarmsOf).sort();
    expect(alarms.length).toBeGreaterThan(0);
    const runbooks = headings(section(OPERATE, '## Alarms'), 3);
    expect(runbooks.map((heading) => heading.replace(/^`(.*)`$/, '$1')).sort()).toEqual(alarms);
  });

  it('says of each alarm what it means, what to look at and what to do', () => {
    const alarms = section(OPERATE, '## Alarms');
    for (const heading of headings(alarms, 3)) {
      const runbook = section(alarms, `### ${heading}`);
      expect([
        heading,
        ['**Means**', '**Look at**', '**Do**'].filter((part) => !runbook.includes(part)),
      ]).toEqual([heading, []]);
    }
  });
});
