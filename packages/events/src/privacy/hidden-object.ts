import type { WebhookPayload } from '../delivery/types';

/** A field's place in the payload, as a chain up to the root, joined only when it is reported. */
interface Place {
  readonly up: Place | undefined;
  readonly key: string;
}

/** An object of the payload that not everyone may see, and where it is. */
export interface HiddenObject {
  /** A repository that is not public, or a team that is not visible (secret, or saying nothing). */
  readonly kind: 'repository' | 'team';
  /** `changes.new_repository`, `pull_request.requested_reviewers[]`; `(payload)` for the root. */
  readonly path: string;
}

/**
 * The first object anywhere in a payload that says who may see it and does not say everyone: a
 * repository (it carries `private` or `visibility`) must say `private: false` and, when present,
 * `visibility: "public"`; a team (it carries `privacy`) must say `open` or `closed` (visible).
 * A delivery about a public repository can name a private one in any field (an issue transferred
 * to it, `changes.new_repository`; a fork's parent; a template; a workflow run's head repository)
 * or a secret team (requested as reviewer, a parent team), and the whole delivery is then private.
 *
 * An explicit stack, not recursion: payloads may be deep, and this runs on every public candidate.
 */
export function findHiddenObject(payload: WebhookPayload): HiddenObject | undefined {
  // Almost every payload hides nothing: a first pass with no paths kept (no allocation per
  // object) answers that; only a payload that does hide something is walked again for the path.
  return containsHidden(payload) ? locateHidden(payload) : undefined;
}

function containsHidden(payload: WebhookPayload): boolean {
  const stack: unknown[] = [payload];
  while (stack.length > 0) {
    const node = stack.pop() as object;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const value: unknown = node[i];
        if (value !== null && typeof value === 'object') stack.push(value);
      }
      continue;
    }
    const object = node as Readonly<Record<string, unknown>>;
    // JSON has no undefined values: a key that is there is not undefined (a cheap check first).
    if (
      (object.private !== undefined || object.visibility !== undefined || object.privacy !== undefined) &&
      hiddenKind(object) !== undefined
    )
      return true;
    for (const key in object) {
      const value = object[key];
      if (value !== null && typeof value === 'object') stack.push(value);
    }
  }
  return false;
}

function locateHidden(payload: WebhookPayload): HiddenObject | undefined {
  const stack: [unknown, Place | undefined][] = [[payload, undefined]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [node, place] = top;
    if (Array.isArray(node)) {
      const item: Place = { up: place, key: '[]' };
      for (const value of node) if (value !== null && typeof value === 'object') stack.push([value, item]);
      continue;
    }
    const object = node as Readonly<Record<string, unknown>>;
    const kind = hiddenKind(object);
    if (kind !== undefined) return { kind, path: pathOf(place) };
    for (const key in object) {
      const value = object[key];
      if (value !== null && typeof value === 'object') stack.push([value, { up: place, key }]);
    }
  }
  return undefined;
}

function hiddenKind(object: Readonly<Record<string, unknown>>): HiddenObject['kind'] | undefined {
  if (
    (Object.hasOwn(object, 'private') || Object.hasOwn(object, 'visibility')) &&
    !(object.private === false && (object.visibility === undefined || object.visibility === 'public'))
  )
    return 'repository';
  if (Object.hasOwn(object, 'privacy') && !isVisibleTeamPrivacy(object.privacy)) return 'team';
  return undefined;
}

/** GitHub's two visible kinds of team; anything else (`secret`, nothing, another word) is restricted. */
export const isVisibleTeamPrivacy = (privacy: unknown): boolean => privacy === 'open' || privacy === 'closed';

function pathOf(place: Place | undefined): string {
  const keys: string[] = [];
  for (let at = place; at !== undefined; at = at.up) keys.push(at.key);
  let path = '';
  for (const key of keys.reverse()) path += key === '[]' ? key : `${path ? '.' : ''}${key}`;
  return path || '(payload)';
}
