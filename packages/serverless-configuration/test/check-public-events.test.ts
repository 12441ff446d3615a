import { ALLOWLISTABLE_EVENTS, NEVER_PUBLIC_CATEGORY, NEVER_PUBLIC_RULE } from '@github-webhooks/events';

// The plugin is CommonJS, as Serverless loads it.
const CheckPublicEvents = require('../plugins/check-public-events.cjs') as new (
  serverless: unknown,
  options: unknown,
  utils: unknown,
) => { hooks: Record<string, () => void> };

class ServerlessError extends Error {}
const serverless = (
  publicEvents: unknown,
  functions: Record<string, { environment?: Record<string, unknown> }> = {},
) => ({
  service: {
    provider: {
      region: 'eu-west-1',
      environment: { POWERTOOLS_SERVICE_NAME: 'x', PUBLIC_EVENTS: publicEvents },
    },
    functions,
  },
  classes: { Error: ServerlessError },
});
const packaging = (s: unknown) => () => new CheckPublicEvents(s, {}, {}).hooks['before:package:cleanup']?.();
const RULE = NEVER_PUBLIC_RULE.split('. ')[0];

describe('the check-public-events plugin', () => {
  it('fails packaging when PUBLIC_EVENTS names a never-public event, naming it, its category and the rule', () => {
    const failure = packaging(serverless('push,secret_scanning_alert'));
    expect(failure).toThrow(ServerlessError);
    expect(failure).toThrow(
      `PUBLIC_EVENTS names secret_scanning_alert (security) in provider.environment: never public, cannot be allowlisted. ${RULE}.`,
    );
  });

  it('passes the default (empty) allowlist and an allowlistable one', () => {
    for (const list of [
      '',
      ' , ',
      'push,issues',
      ' push , pull_request ,,release ',
      [...ALLOWLISTABLE_EVENTS].join(','),
    ]) {
      expect(packaging(serverless(list))).not.toThrow();
    }
    expect(packaging({ service: { provider: {} }, classes: { Error: ServerlessError } })).not.toThrow();
  });

  it('names every never-public event, in the provider’s environment and each function’s, once each', () => {
    const failure = packaging(
      serverless(' deploy_key, push,team ,deploy_key', {
        webhook: { environment: { PUBLIC_EVENTS: 'installation,issues' } },
        other: { environment: { NODE_OPTIONS: '--enable-source-maps' } },
        plain: {},
      }),
    );
    expect(failure).toThrow(
      'PUBLIC_EVENTS names deploy_key (credentials), team (access) in provider.environment; installation (installation) in functions.webhook.environment: never public',
    );
  });

  it('refuses every never-public event of event-verdicts.json, the list the TypeScript policy reads', () => {
    for (const [event, category] of Object.entries(NEVER_PUBLIC_CATEGORY)) {
      expect(packaging(serverless(`push,${event}`))).toThrow(`PUBLIC_EVENTS names ${event} (${category})`);
    }
  });

  it('refuses a PUBLIC_EVENTS it cannot read at packaging (not a string)', () => {
    expect(packaging(serverless({ Ref: 'PublicEvents' }))).toThrow(
      /PUBLIC_EVENTS in provider.environment must be/,
    );
  });

  it('runs on package, on deploy of a prebuilt package and on deploy function', () => {
    const plugin = new CheckPublicEvents(serverless('secret_scanning_alert'), {}, {});
    for (const hook of [
      'before:package:cleanup',
      'before:deploy:deploy',
      'before:deploy:function:initialize',
    ]) {
      expect(plugin.hooks[hook]).toThrow(/secret_scanning_alert \(security\)/);
    }
  });
});
