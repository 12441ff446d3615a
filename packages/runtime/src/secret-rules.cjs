// The webhook secrets' rules, once for the code (secrets.ts re-exports them with their types) and
// for the deploy-time check (packages/serverless-configuration's check-webhook-secrets plugin, which
// Serverless loads as CommonJS): hence CommonJS.
'use strict';

/** Shorter than this, a webhook secret is refused: it can be guessed (an empty one signs anything). */
const MIN_SECRET_LENGTH = 8;
/** Shorter than this, a webhook secret is accepted with a warning. */
const RECOMMENDED_SECRET_LENGTH = 16;

/** One per line, or comma-separated on a single line; trimmed, blank entries dropped. */
function splitSecretList(value) {
  return value
    .split(value.includes('\n') ? '\n' : ',')
    .map((secret) => secret.trim())
    .filter((secret) => secret !== '');
}

/** Sorts a secret list into what may be used and what is refused or weak; it never says a secret. */
function checkSecrets(secrets) {
  const usable = [];
  const refused = [];
  const weak = [];
  for (const [index, secret] of secrets.entries()) {
    const entry = { index, length: secret.length };
    if (secret.length < MIN_SECRET_LENGTH) {
      refused.push(entry);
      continue;
    }
    usable.push(secret);
    if (secret.length < RECOMMENDED_SECRET_LENGTH) weak.push(entry);
  }
  return { usable, refused, weak };
}

/** One line about refused entries, for errors and logs. */
const describeRefused = (source, refused) =>
  `${source}: ${refused.map((e) => `entry ${e.index + 1} has ${e.length} characters`).join(', ')}; a webhook secret needs at least ${MIN_SECRET_LENGTH}`;

/** One line about a weak entry. */
const describeWeak = (entry) =>
  `entry ${entry.index + 1} has ${entry.length} characters; ${RECOMMENDED_SECRET_LENGTH} or more is recommended`;

module.exports = {
  MIN_SECRET_LENGTH,
  RECOMMENDED_SECRET_LENGTH,
  splitSecretList,
  checkSecrets,
  describeRefused,
  describeWeak,
};
