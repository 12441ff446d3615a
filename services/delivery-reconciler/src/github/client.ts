import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { Attempt } from '../attempt';
import { DeliveryLogError } from '../errors';
import { deliveriesPath, type HookRef, hookName } from '../hooks';
import type { DeliveryLog, LogPage, RateBudget } from '../ports';
import type { GitHubCredentials } from './auth';

export interface GitHubClientOptions {
  /** `https://api.github.com`, or a GitHub Enterprise Server's `https://HOST/api/v3`. */
  readonly baseUrl: string;
  readonly credentials: GitHubCredentials;
  /** Retries of a 5xx or a network failure, with growing waits. Default 2. */
  readonly retries?: number;
  /** Waits for a rate limit only up to this; past it the call fails (the run stops cleanly). Default 60 s. */
  readonly maxRateLimitWaitSeconds?: number;
  readonly userAgent?: string;
}

const GitHub = Octokit.plugin(throttling, retry);
type Client = InstanceType<typeof GitHub>;

/**
 * The delivery log through octokit: `@octokit/plugin-throttling` paces calls under GitHub's rate
 * limits (waiting briefly for a reset, never long), `@octokit/plugin-retry` retries server errors.
 */
export function createDeliveryLog(options: GitHubClientOptions): DeliveryLog {
  const maxWait = options.maxRateLimitWaitSeconds ?? 60;
  const common = {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    userAgent: options.userAgent ?? 'github-webhooks-reconciler',
    retry: { retries: options.retries ?? 2 },
    throttle: {
      onRateLimit: (after: number, _o: unknown, _k: unknown, count: number) => after <= maxWait && count < 1,
      onSecondaryRateLimit: (after: number, _o: unknown, _k: unknown, count: number) =>
        after <= maxWait && count < 2,
    },
  };
  const { credentials } = options;
  const appClient =
    credentials.kind === 'app'
      ? new GitHub({
          ...common,
          authStrategy: createAppAuth,
          auth: { appId: credentials.appId, privateKey: credentials.privateKey },
        })
      : new GitHub({ ...common, auth: credentials.token });
  const installations = new Map<string, Promise<Client>>();

  /** The client for a hook: the token's, the App's (its own hook), or the installation's on the owner. */
  const clientFor = (hook: HookRef): Promise<Client> => {
    if (credentials.kind === 'token' || hook.kind === 'app') return Promise.resolve(appClient);
    const owner = hook.kind === 'org' ? `/orgs/${hook.org}` : `/repos/${hook.owner}/${hook.repo}`;
    let client = installations.get(owner);
    if (client === undefined) {
      client = call(hook, () => appClient.request(`GET ${owner}/installation`)).then(
        ({ data }) =>
          new GitHub({
            ...common,
            authStrategy: createAppAuth,
            auth: {
              appId: credentials.appId,
              privateKey: credentials.privateKey,
              installationId: (data as { id: number }).id,
            },
          }),
      );
      client.catch(() => installations.delete(owner));
      installations.set(owner, client);
    }
    return client;
  };

  return {
    async page(hook, cursor): Promise<LogPage> {
      const client = await clientFor(hook);
      const response = await call(hook, () =>
        client.request(`GET ${deliveriesPath(hook)}`, {
          per_page: 100,
          ...(cursor === undefined ? {} : { cursor }),
        }),
      );
      return {
        attempts: (response.data as Attempt[]).map(toAttempt),
        next: nextCursor(response.headers.link),
        budget: budgetOf(response.headers),
      };
    },
    async redeliver(hook, attemptId): Promise<RateBudget> {
      const client = await clientFor(hook);
      const response = await call(hook, () =>
        client.request(`POST ${deliveriesPath(hook)}/${attemptId}/attempts`),
      );
      return budgetOf(response.headers);
    },
  };
}

/** GitHub's answer, or a DeliveryLogError saying which hook and why in one line. */
async function call<T>(hook: HookRef, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    const code = typeof status === 'number' && status >= 100 && status < 600 ? status : undefined;
    const reason = (error as { message?: unknown }).message;
    // octokit reports a failed fetch as status 500 with the cause attached.
    const network = code === 500 && (error as { cause?: unknown }).cause !== undefined;
    throw new DeliveryLogError(
      `${hookName(hook)}: ${network ? 'GitHub API unreachable' : `GitHub answered ${code ?? 'nothing'}`}: ${String(reason)}`,
      network ? undefined : code,
      { cause: error },
    );
  }
}

function toAttempt(item: Attempt): Attempt {
  return {
    id: item.id,
    guid: item.guid,
    delivered_at: item.delivered_at,
    redelivery: item.redelivery,
    status_code: item.status_code,
    status: item.status,
    event: item.event,
    action: item.action ?? null,
    repository_id: item.repository_id ?? null,
  };
}

/** The `cursor` of the `rel="next"` link, if there is one. */
export function nextCursor(link: string | undefined): string | undefined {
  for (const part of (link ?? '').split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="next"/.exec(part);
    if (match) return new URL(match[1] as string).searchParams.get('cursor') ?? undefined;
  }
  return undefined;
}

function budgetOf(headers: Readonly<Record<string, unknown>>): RateBudget {
  const number = (name: string) => {
    const value = Number(headers[name]);
    return Number.isFinite(value) && headers[name] !== undefined ? value : undefined;
  };
  return { remaining: number('x-ratelimit-remaining'), limit: number('x-ratelimit-limit') };
}
