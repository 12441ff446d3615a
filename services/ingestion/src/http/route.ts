export const WEBHOOK_PATH = '/webhook';

export type Route =
  | { readonly kind: 'webhook' }
  | {
      readonly kind: 'refused';
      readonly status: 404 | 405;
      readonly error: 'not_found' | 'method_not_allowed';
      readonly message: string;
      readonly headers: Readonly<Record<string, string>>;
    };

/** Where a request goes, from its method and path alone: GitHub POSTs to `/webhook` (a trailing slash too). */
export function route(method: string, path: string): Route {
  const bare = path.split('?', 1)[0] ?? '';
  const normalized = bare.length > 1 && bare.endsWith('/') ? bare.slice(0, -1) : bare;
  if (normalized !== WEBHOOK_PATH) {
    return { kind: 'refused', status: 404, error: 'not_found', message: 'no such route', headers: {} };
  }
  if (method.toUpperCase() !== 'POST') {
    return {
      kind: 'refused',
      status: 405,
      error: 'method_not_allowed',
      message: 'use POST',
      headers: { allow: 'POST' },
    };
  }
  return { kind: 'webhook' };
}
