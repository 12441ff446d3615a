/**
 * The version of the privacy rules this code judges by, written into every record it judges
 * (`privacy_rules`). Bump it whenever a change can turn a verdict from public to private (a new
 * never-public event, a deeper check): records judged by another version are judged again from
 * their payload before they are published or replayed (recheckRecorded), so a fix reaches what is
 * already waiting (the relay's backlog after an upgrade, old hours replayed).
 *
 * 1: every record before the field existed (formats 1 and 2).
 * 2: the whole payload judged (every repository named must be public), the event model from GitHub's
 *    webhook description, the written never-public rule, teams without `privacy` restricted.
 */
export const PRIVACY_RULES_VERSION = 2;

/** The rules version of a record that does not say (written before `privacy_rules` existed). */
export const UNVERSIONED_PRIVACY_RULES = 1;
