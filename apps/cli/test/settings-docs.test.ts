import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVE_SETTINGS } from '../src/serve/serve-settings';
import { helpText, parseOptions, settingsTable } from '../src/settings/declare';

const DOC = join(__dirname, '..', '..', '..', 'docs', 'local.md');
const START = '<!-- serve-settings:start -->';
const END = '<!-- serve-settings:end -->';

describe('serve settings, declared once', () => {
  it('are the table in docs/local.md (UPDATE_DOCS=1 rewrites it)', () => {
    const doc = readFileSync(DOC, 'utf8');
    const block = `${START}\n${settingsTable(SERVE_SETTINGS)}\n${END}`;
    const updated = doc.slice(0, doc.indexOf(START)) + block + doc.slice(doc.indexOf(END) + END.length);
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, updated);
    expect(readFileSync(DOC, 'utf8')).toBe(updated);
  });

  it('give every flag an option, a help line and, but for one, a variable', () => {
    const options = parseOptions(SERVE_SETTINGS);
    const help = helpText(SERVE_SETTINGS);
    for (const spec of SERVE_SETTINGS) {
      expect(options).toHaveProperty([spec.flag]);
      expect(help).toContain(`--${spec.flag}`);
    }
    expect(SERVE_SETTINGS.filter((s) => !('env' in s)).map((s) => s.flag)).toEqual(['insecure-no-signature']);
    expect(new Set(SERVE_SETTINGS.map((s) => s.flag)).size).toBe(SERVE_SETTINGS.length);
  });

  it('declare a default within the bounds of every integer', () => {
    for (const spec of SERVE_SETTINGS)
      if (spec.kind === 'integer') {
        const fallback = Number(spec.default);
        expect([spec.flag, fallback >= spec.min && fallback <= spec.max]).toEqual([spec.flag, true]);
      }
  });
});
