import { DEFAULT_PUBLIC_EVENTS, NEVER_PUBLIC_EVENTS } from './default-allowlist';
import { hasKnownShape } from './event-shape';

export interface PrivacyPolicy {
  readonly publicEvents: ReadonlySet<string>;
}

export class PolicyConfigError extends Error {
  override readonly name = 'PolicyConfigError';
}

const EVENT_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * Builds a policy from an allowlist (default: the original system's). Refuses names that are not
 * event names, events that are never public, and events whose payload shape is unknown (they could
 * never pass the shape check), so a typo or a dangerous entry fails at start.
 */
export function createPrivacyPolicy(publicEvents: Iterable<string> = DEFAULT_PUBLIC_EVENTS): PrivacyPolicy {
  const events = new Set<string>();
  for (const raw of publicEvents) {
    const event = raw.trim();
    if (!EVENT_NAME.test(event)) throw new PolicyConfigError(`not an event name: ${JSON.stringify(raw)}`);
    if (NEVER_PUBLIC_EVENTS.has(event)) {
      throw new PolicyConfigError(`${event} events are never public and cannot be allowlisted`);
    }
    if (!hasKnownShape(event)) {
      throw new PolicyConfigError(
        `${event} has no known payload shape (GitHub's published schemas): it could never be public`,
      );
    }
    events.add(event);
  }
  return { publicEvents: events };
}

/** Parses a comma-separated list such as the PUBLIC_EVENTS setting; empty means the default. */
export function parsePublicEvents(list: string | undefined): PrivacyPolicy {
  const names = (list ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  return createPrivacyPolicy(names.length === 0 ? DEFAULT_PUBLIC_EVENTS : names);
}
