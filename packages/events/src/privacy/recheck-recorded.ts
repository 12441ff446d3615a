import type { RecordHead } from '../archive/record';
import type { Classification } from './classify';
import { NEVER_PUBLIC_EVENTS } from './default-allowlist';
import { FULL_NAME } from './full-name';
import type { PrivacyPolicy } from './policy';
import { PRIVACY_RULES_VERSION, UNVERSIONED_PRIVACY_RULES } from './rules-version';

/**
 * The privacy re-check of a record from the fields ingestion wrote, without the payload: the
 * record must say public with the `allowlisted` verdict (which ingestion gives only after every
 * payload check), name a routable repository, and its event must be public under today's policy
 * (an event taken off the allowlist since is refused). Undefined when the stored verdict cannot be
 * trusted, so the payload must be classified: a record of format 1 holds no verdict, and one judged
 * by other privacy rules than this code's (PRIVACY_RULES_VERSION) may be public only by rules that
 * have since been fixed. A record judged private stays private whatever the rules.
 */
export function recheckRecorded(head: RecordHead, policy: PrivacyPolicy): Classification | undefined {
  if (head.format_version === undefined || head.privacy === undefined) return undefined;
  if (head.public === true && (head.privacy_rules ?? UNVERSIONED_PRIVACY_RULES) !== PRIVACY_RULES_VERSION)
    return undefined;
  if (NEVER_PUBLIC_EVENTS.has(head.event)) return { public: false, reason: 'never_public_event' };
  if (head.public !== true || head.privacy !== 'allowlisted')
    return { public: false, reason: 'recorded_private' };
  if (typeof head.repository !== 'string' || !FULL_NAME.test(head.repository))
    return { public: false, reason: 'unroutable_repository' };
  if (!policy.publicEvents.has(head.event)) return { public: false, reason: 'not_allowlisted' };
  return { public: true, reason: 'allowlisted' };
}
