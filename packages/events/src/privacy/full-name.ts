/** A repository's `owner/name` as GitHub allows it: the only form routed to Pulse. */
export const FULL_NAME = /^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/;
