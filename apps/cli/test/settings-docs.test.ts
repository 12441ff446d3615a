import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECK_SECRETS_SETTINGS } from '../src/commands/check-secrets';
import { COMPACT_SETTINGS } from '../src/commands/compact';
import { LISTEN_SETTINGS } from '../src/commands/listen';
import { QUERY_SETTINGS } from '../src/commands/query';
import { REPLAY_SETTINGS } from '../src/commands/replay';
import { SEND_SETTINGS } from '../src/commands/send';
import { STATS_SETTINGS } from '../src/commands/stats';
import { RECONCILE_COMMAND_SETTINGS } from '../src/reconcile/reconcile-settings';
import { SERVE_SETTINGS } from '../src/serve/serve-settings';
import { helpText, parseOptions, type SettingSpec, settingsTable } from '../src/settings/declare';

const DOC = join(__dirname, '..', '..', '..', 'docs', 'local.md');

/** Each command's declared settings, each the table between its markers in docs/local.md. */
const COMMANDS: Readonly<Record<string, readonly SettingSpec[]>> = {
  serve: SERVE_SETTINGS,
  send: SEND_SETTINGS,
  compact: COMPACT_SETTINGS,
  replay: REPLAY_SETTINGS,
  stats: STATS_SETTINGS,
  query: QUERY_SETTINGS,
  listen: LISTEN_SETTINGS,
  reconcile: RECONCILE_COMMAND_SETTINGS,
  'check-secrets': CHECK_SECRETS_SETTINGS,
};

function withTable(doc: string, command: string, specs: readonly SettingSpec[]): string {
  const start = `<!-- ${command}-settings:start -->`;
  const end = `<!-- ${command}-settings:end -->`;
  expect([command, doc.includes(start) && doc.includes(end)]).toEqual([command, true]);
  const block = `${start}\n${settingsTable(specs)}\n${end}`;
  return doc.slice(0, doc.indexOf(start)) + block + doc.slice(doc.indexOf(end) + end.length);
}

describe("commands' settings, declared once", () => {
  it('are the tables in docs/local.md (UPDATE_DOCS=1 rewrites them)', () => {
    const doc = readFileSync(DOC, 'utf8');
    const updated = Object.entries(COMMANDS).reduce(
      (text, [command, specs]) => withTable(text, command, specs),
      doc,
    );
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, updated);
    expect(readFileSync(DOC, 'utf8')).toBe(updated);
  });

  it.each(Object.entries(COMMANDS))('give every flag of %s an option and a help line, once', (_, specs) => {
    const options = parseOptions(specs);
    const help = helpText(specs);
    for (const spec of specs) {
      expect(options).toHaveProperty([spec.flag]);
      expect(help).toContain(`--${spec.flag}`);
    }
    expect(new Set(specs.map((s) => s.flag)).size).toBe(specs.length);
  });

  it('declare a variable for every flag of serve but one', () => {
    expect(SERVE_SETTINGS.filter((s) => !('env' in s)).map((s) => s.flag)).toEqual(['insecure-no-signature']);
  });

  it.each(Object.entries(COMMANDS))(
    'declare a default within the bounds of every integer of %s',
    (_, specs) => {
      for (const spec of specs)
        if (spec.kind === 'integer' && spec.default !== undefined) {
          const fallback = Number(spec.default);
          expect([spec.flag, fallback >= (spec.min ?? 0) && fallback <= (spec.max ?? 0)]).toEqual([
            spec.flag,
            true,
          ]);
        }
    },
  );
});
