// A Serverless plugin for the stacks that take an allowlist (PUBLIC_EVENTS): packaging fails when
// the resolved allowlist names an event that is never public (a security alert, a deploy key, a
// team...), so such a stack is never built, let alone deployed; the functions would refuse it at
// cold start anyway. The verdicts live in one place, @github-webhooks/events' event-verdicts.json,
// which the TypeScript policy (`serve`, the Lambdas) reads too.
const VERDICTS = require(require.resolve('@github-webhooks/events/src/privacy/event-verdicts.json'));

/** The rule's first sentence: what makes an event never public. */
const RULE = VERDICTS.rule.split(/(?<=\.)\s/)[0];

/** The allowlist as parsePublicEvents reads it: comma-separated, trimmed, empties dropped. */
const namesOf = (list) =>
  list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');

class CheckPublicEvents {
  constructor(serverless, _options, { log } = {}) {
    this.serverless = serverless;
    this.log = log;
    this.neverPublic = VERDICTS.never_public;
    this.hooks = {
      // `package`, and `deploy`, which packages first: before package:cleanup, which empties the
      // service's .serverless/, so a refused stack leaves the last package as it was.
      'before:package:cleanup': () => this.check(),
      // `deploy --package DIR` skips packaging; `deploy function` updates a function's environment.
      'before:deploy:deploy': () => this.check(),
      'before:deploy:function:initialize': () => this.check(),
    };
  }

  /** Where the stack sets PUBLIC_EVENTS (the provider, each function), as resolved. */
  settings() {
    const service = this.serverless.service;
    const found = [['provider.environment', service.provider?.environment?.PUBLIC_EVENTS]];
    for (const [name, fn] of Object.entries(service.functions ?? {})) {
      found.push([`functions.${name}.environment`, fn?.environment?.PUBLIC_EVENTS]);
    }
    return found.filter(([, value]) => value !== undefined && value !== null);
  }

  check() {
    const problems = [];
    for (const [where, value] of this.settings()) {
      if (typeof value !== 'string') {
        throw new this.serverless.classes.Error(
          `PUBLIC_EVENTS in ${where} must be a comma-separated list of events, resolved at packaging (got ${JSON.stringify(value)})`,
          'PUBLIC_EVENTS_NOT_A_LIST',
        );
      }
      const named = [...new Set(namesOf(value))]
        .filter((event) => Object.hasOwn(this.neverPublic, event))
        .map((event) => `${event} (${this.neverPublic[event]})`);
      if (named.length > 0) problems.push(`${named.join(', ')} in ${where}`);
    }
    if (problems.length > 0) {
      throw new this.serverless.classes.Error(
        `PUBLIC_EVENTS names ${problems.join('; ')}: never public, cannot be allowlisted. ${RULE}`,
        'PUBLIC_EVENTS_NEVER_PUBLIC',
      );
    }
    this.log?.info?.('PUBLIC_EVENTS names no never-public event');
  }
}

module.exports = CheckPublicEvents;
