import type { RequestDetail, RequestEntry } from './request-log';

/** Never kept, never shown, to anyone: with the payload they let one check guesses of the secret. */
export const SIGNATURE_HEADERS: ReadonlySet<string> = new Set(['x-hub-signature', 'x-hub-signature-256']);

export const withoutSignatures = (headers: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !SIGNATURE_HEADERS.has(name.toLowerCase())));

/**
 * What the page shows of a private delivery without the token's session: that it is private, why
 * (the rule), its time, status and size, and its GUID (random, GitHub's; it names nothing and finds
 * the record in the archive). Not its event, action, repository, hook nor headers.
 */
export interface WithheldEntry {
  readonly seq: number;
  readonly at: string;
  readonly status: number;
  readonly error: string | undefined;
  readonly bytes: number;
  readonly delivery_id: string | undefined;
  readonly public: false | undefined;
  readonly privacy: string | null | undefined;
  readonly withheld: true;
}

/**
 * Withheld unless the session is there or the delivery is known public. An accepted delivery with
 * no verdict counts as private (when in doubt, private); a refused one (≥ 400, never archived) has
 * no repository nor action to hide, and its headers help find a wrong secret.
 */
export const isWithheld = (entry: RequestEntry, authorized: boolean): boolean =>
  !authorized && entry.public !== true && !(entry.public === undefined && entry.status >= 400);

export function entryView(entry: RequestEntry, authorized: boolean): RequestEntry | WithheldEntry {
  if (!isWithheld(entry, authorized)) return entry;
  return {
    seq: entry.seq,
    at: entry.at,
    status: entry.status,
    error: entry.error,
    bytes: entry.bytes,
    delivery_id: entry.delivery_id,
    public: entry.public === false ? false : undefined,
    privacy: entry.privacy,
    withheld: true,
  };
}

/** Why a payload is not shown: `private_token_required`, `private_no_token_configured`. */
export type PayloadHidden = 'private_token_required' | 'private_no_token_configured';

/** `GET /requests/N`: the headers without signatures; a withheld delivery's neither headers nor payload. */
export function detailView(detail: RequestDetail, authorized: boolean, tokenConfigured: boolean) {
  const mayShowPayload = detail.entry.public === true || authorized;
  const payloadHidden: PayloadHidden | undefined = mayShowPayload
    ? undefined
    : tokenConfigured
      ? 'private_token_required'
      : 'private_no_token_configured';
  const withheld = isWithheld(detail.entry, authorized);
  return {
    entry: entryView(detail.entry, authorized),
    headers: withheld ? undefined : withoutSignatures(detail.headers),
    payload: mayShowPayload ? detail.payload : undefined,
    payload_hidden: payloadHidden,
  };
}
