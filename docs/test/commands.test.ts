import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { headings, ROOT, readDoc, section } from './support/markdown';

// docs/local.md names every command of `github-webhooks --help` and every option each command's
// `--help` prints (serve's in its settings table), so the guide cannot fall behind the command.

const BIN = join(ROOT, 'apps', 'cli', 'bin', 'github-webhooks.cjs');
const LOCAL = readDoc('docs/local.md');
const help = (...args: string[]): string =>
  execFileSync(process.execPath, [BIN, ...args, '--help'], { encoding: 'utf8' });

const COMMANDS = (() => {
  const text = help();
  const list = text.slice(text.indexOf('Commands:'), text.indexOf('\n\n', text.indexOf('Commands:')));
  return [...list.matchAll(/^ {2}([a-z][a-z-]*) /gm)].map((m) => m[1] ?? '');
})();

const optionsOf = (text: string): string[] => [
  ...new Set([...text.matchAll(/--([a-z][a-z0-9-]*)/g)].map((m) => m[1] ?? '')),
];
const names = (text: string, option: string): boolean => new RegExp(`--${option}(?![a-z0-9-])`).test(text);

describe('docs/local.md', () => {
  it('finds the commands in `github-webhooks --help`', () => {
    expect(COMMANDS).toEqual(expect.arrayContaining(['serve', 'send', 'query', 'reconcile']));
  });

  it('has a section for every command, and a command for every section', () => {
    expect(headings(section(LOCAL, '## Commands'), 3).filter((h) => /^`[a-z-]+`$/.test(h))).toEqual(
      COMMANDS.map((command) => `\`${command}\``),
    );
  });

  it.each(COMMANDS)('names every option `%s --help` prints', (command) => {
    const options = optionsOf(help(command));
    expect(options.length).toBeGreaterThan(0);
    // serve's options are its settings, in their table; every other command's are in its own section.
    const text = command === 'serve' ? section(LOCAL, '## Settings') : section(LOCAL, `### \`${command}\``);
    expect(options.filter((option) => !names(text, option))).toEqual([]);
  });
});
