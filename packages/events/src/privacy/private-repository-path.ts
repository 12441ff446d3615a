import type { WebhookPayload } from '../delivery/types';

/** A field's place in the payload, as a chain up to the root, joined only when it is reported. */
interface Place {
  readonly up: Place | undefined;
  readonly key: string;
}

/**
 * Where, anywhere in a payload, an object that says what it is visible to (a repository: it carries
 * `private` or `visibility`) does not say it is public: `private: false` and, when present,
 * `visibility: "public"`. A delivery about a public repository can name a private one in any field
 * (an issue transferred to it, `changes.new_repository`; a fork's parent; a template), and the whole
 * delivery is then private. Returns the first such field's path (`changes.new_repository`,
 * `pull_request.requested_reviewers[]`), or undefined when every such object is public.
 *
 * An explicit stack, not recursion: payloads may be deep, and this runs on every public candidate.
 */
export function privateRepositoryPath(payload: WebhookPayload): string | undefined {
  const stack: [unknown, Place | undefined][] = [[payload, undefined]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [node, place] = top;
    if (Array.isArray(node)) {
      const item: Place = { up: place, key: '[]' };
      for (const value of node) if (value !== null && typeof value === 'object') stack.push([value, item]);
      continue;
    }
    const object = node as Readonly<Record<string, unknown>>;
    if (
      (Object.hasOwn(object, 'private') || Object.hasOwn(object, 'visibility')) &&
      !(object.private === false && (object.visibility === undefined || object.visibility === 'public'))
    )
      return pathOf(place);
    for (const key in object) {
      const value = object[key];
      if (value !== null && typeof value === 'object') stack.push([value, { up: place, key }]);
    }
  }
  return undefined;
}

function pathOf(place: Place | undefined): string {
  const keys: string[] = [];
  for (let at = place; at !== undefined; at = at.up) keys.push(at.key);
  let path = '';
  for (const key of keys.reverse()) path += key === '[]' ? key : `${path ? '.' : ''}${key}`;
  return path || '(payload)';
}
