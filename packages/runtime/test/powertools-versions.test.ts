import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** Every workspace's package.json (pnpm-workspace.yaml: packages, services, apps, e2e, bench). */
function workspaces(): { dir: string; manifest: Record<string, Record<string, string> | undefined> }[] {
  const dirs = ['packages', 'services', 'apps', 'e2e']
    .flatMap((group) =>
      existsSync(join(ROOT, group))
        ? readdirSync(join(ROOT, group), { withFileTypes: true })
            .filter((entry) => entry.isDirectory())
            .map((entry) => join(ROOT, group, entry.name))
        : [],
    )
    .concat(join(ROOT, 'bench'))
    .filter((dir) => existsSync(join(dir, 'package.json')));
  return dirs.map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }));
}

/**
 * Where node finds a package from a directory (the nearest `node_modules/<name>` up the tree; its
 * exports do not list package.json, so require.resolve cannot say).
 */
function home(name: string, from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) throw new Error(`${name} is not installed for ${from}`);
  }
}

const versionOf = (dir: string): string =>
  (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;

describe('Powertools for AWS Lambda', () => {
  // Its packages share `@aws-lambda-powertools/commons` (the Lambda context, the environment, the user
  // agent): two versions in one bundle mean two copies of it and behaviour that depends on which loaded.
  it('is one version, pinned, in every workspace, and installed at that version', () => {
    const declared = workspaces().flatMap(({ dir, manifest }) =>
      ['dependencies', 'devDependencies', 'peerDependencies'].flatMap((field) =>
        Object.entries(manifest[field] ?? {})
          .filter(([name]) => name.startsWith('@aws-lambda-powertools/'))
          .map(([name, spec]) => ({ dir, name, spec })),
      ),
    );
    expect(declared.length).toBeGreaterThanOrEqual(4);
    const versions = new Set(declared.map((d) => d.spec));
    expect([...versions]).toHaveLength(1);
    const [version] = [...versions] as [string];
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    for (const { dir, name } of declared) {
      const installed = home(name, dir);
      expect([name, versionOf(installed)]).toEqual([name, version]);
      // Their shared core, as the package itself finds it.
      expect([name, versionOf(home('@aws-lambda-powertools/commons', installed))]).toEqual([name, version]);
    }
  });
});
