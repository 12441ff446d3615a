import { HookSpecError } from './errors';

/** A webhook whose delivery log is read: an organization's, a repository's, or the GitHub App's. */
export type HookRef =
  | { readonly kind: 'org'; readonly org: string; readonly id: string }
  | { readonly kind: 'repo'; readonly owner: string; readonly repo: string; readonly id: string }
  | { readonly kind: 'app' };

const NAME = '[A-Za-z0-9](?:[A-Za-z0-9._-]{0,99})';
const ORG_HOOK = new RegExp(`^orgs/(${NAME})/hooks/(\\d{1,20})$`);
const REPO_HOOK = new RegExp(`^repos/(${NAME})/(${NAME})/hooks/(\\d{1,20})$`);

/** `orgs/ORG/hooks/ID`, `repos/OWNER/REPO/hooks/ID` or `app`, as `--hook` and RECONCILE_HOOKS take them. */
export function parseHook(spec: string): HookRef {
  const text = spec.trim();
  if (text === 'app') return { kind: 'app' };
  const org = ORG_HOOK.exec(text);
  if (org) return { kind: 'org', org: org[1] as string, id: org[2] as string };
  const repo = REPO_HOOK.exec(text);
  if (repo) return { kind: 'repo', owner: repo[1] as string, repo: repo[2] as string, id: repo[3] as string };
  throw new HookSpecError(
    `not a hook: ${JSON.stringify(spec)} (expected orgs/ORG/hooks/ID, repos/OWNER/REPO/hooks/ID or app)`,
  );
}

/** The hook as written in reports and the checkpoint (the form parseHook reads). */
export function hookName(hook: HookRef): string {
  if (hook.kind === 'app') return 'app';
  if (hook.kind === 'org') return `orgs/${hook.org}/hooks/${hook.id}`;
  return `repos/${hook.owner}/${hook.repo}/hooks/${hook.id}`;
}

/** The REST path of the hook's delivery log. */
export function deliveriesPath(hook: HookRef): string {
  return hook.kind === 'app' ? '/app/hook/deliveries' : `/${hookName(hook)}/deliveries`;
}
