import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { documentedEnvironment, environmentDrift, OPERATE_DOC } from '@github-webhooks/fixtures';
import { INGESTION_ENVIRONMENT } from '../src/environment';

const SERVICE = join(__dirname, '..');

describe("the ingestion Lambda's environment, declared once", () => {
  it('is the table in docs/operate.md (UPDATE_DOCS=1 rewrites it)', () => {
    const { written, table, updated } = documentedEnvironment(SERVICE, INGESTION_ENVIRONMENT);
    if (process.env.UPDATE_DOCS === '1') writeFileSync(OPERATE_DOC, updated);
    expect(written).toBe(table);
  });

  it('is what serverless.yml sets: every variable declared, every required one set', () => {
    expect(environmentDrift(SERVICE, INGESTION_ENVIRONMENT)).toEqual({ undeclared: [], requiredUnset: [] });
  });

  it('declares each variable once, with a default within the bounds of every integer', () => {
    const names = INGESTION_ENVIRONMENT.map((s) => s.env);
    expect(new Set(names).size).toBe(names.length);
    for (const spec of INGESTION_ENVIRONMENT)
      if (spec.kind === 'integer') {
        const fallback = Number(spec.default);
        expect([spec.env, fallback >= spec.min && fallback <= spec.max]).toEqual([spec.env, true]);
      }
  });
});
