import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// `serverless package` of this stack as an operator runs it, with an allowlist naming a security
// event: the check-public-events plugin refuses it before anything is built. The stack runs from a
// temporary tree: a copy of serverless.yml, links to the rest (package:cleanup empties the service's .serverless/,
// which the template tests read, whatever --package says), so not even a broken check touches it.
const SERVICE = join(__dirname, '..');
const ROOT = join(SERVICE, '..', '..');

describe('packaging the ingestion stack', () => {
  let root: string;
  let service: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ingestion-package-'));
    service = join(root, 'services', 'ingestion');
    mkdirSync(service, { recursive: true });
    for (const name of ['packages', 'tsconfig.base.json']) symlinkSync(join(ROOT, name), join(root, name));
    copyFileSync(join(SERVICE, 'serverless.yml'), join(service, 'serverless.yml'));
    for (const name of ['package.json', 'tsconfig.json', 'src', 'node_modules']) {
      symlinkSync(join(SERVICE, name), join(service, name));
    }
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('fails when publicEvents names a never-public event, naming it and its category, and builds nothing', () => {
    const run = spawnSync(
      join(service, 'node_modules', '.bin', 'serverless'),
      [
        'package',
        '--stage',
        'dev',
        '--package',
        join(root, 'package'),
        '--param=publicEvents=push,secret_scanning_alert',
      ],
      {
        cwd: service,
        encoding: 'utf8',
        env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
      },
    );
    expect(run.status).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toContain(
      'PUBLIC_EVENTS names secret_scanning_alert (security) in provider.environment: never public',
    );
    expect(existsSync(join(root, 'package'))).toBe(false);
    expect(existsSync(join(service, '.serverless'))).toBe(false);
  }, 120_000);
});
