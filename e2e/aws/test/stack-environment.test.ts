import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPACTOR_ENVIRONMENT } from '@github-webhooks/archive-compactor';
import { RECONCILER_ENVIRONMENT } from '@github-webhooks/delivery-reconciler';
import { documentedEnvironment, environmentDrift, OPERATE_DOC } from '@github-webhooks/fixtures';
import { INGESTION_ENVIRONMENT } from '@github-webhooks/ingestion';
import { REPUBLISHER_ENVIRONMENT } from '@github-webhooks/pulse-republisher';
import type { SettingSpec } from '@github-webhooks/runtime';

const serviceDir = (name: string) => join(__dirname, '..', '..', '..', 'services', name);

// One table over the four functions: each declares its environment once (src/environment.ts).
const STACKS: readonly (readonly [string, readonly SettingSpec[]])[] = [
  ['ingestion', INGESTION_ENVIRONMENT],
  ['pulse-republisher', REPUBLISHER_ENVIRONMENT],
  ['archive-compactor', COMPACTOR_ENVIRONMENT],
  ['delivery-reconciler', RECONCILER_ENVIRONMENT],
];

describe.each(STACKS)("the %s Lambda's environment, declared once", (name, declared) => {
  it('is the table in docs/operate.md (UPDATE_DOCS=1 rewrites it)', () => {
    const { written, table, updated } = documentedEnvironment(serviceDir(name), declared);
    if (process.env.UPDATE_DOCS === '1') writeFileSync(OPERATE_DOC, updated);
    expect(written).toBe(table);
  });

  it('is what serverless.yml sets: every variable declared, every required one set', () => {
    expect(environmentDrift(serviceDir(name), declared)).toEqual({ undeclared: [], requiredUnset: [] });
  });

  it('declares each variable once, with a default within the bounds of every integer', () => {
    const names = declared.map((s) => s.env);
    expect(new Set(names).size).toBe(names.length);
    for (const spec of declared)
      if (spec.kind === 'integer') {
        const fallback = Number(spec.default);
        const within =
          spec.min !== undefined && spec.max !== undefined && fallback >= spec.min && fallback <= spec.max;
        expect([spec.env, within]).toEqual([spec.env, true]);
      }
  });
});
