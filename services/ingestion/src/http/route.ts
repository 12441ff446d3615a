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

const WEBHOOK: Route = { kind: 'webhook' };

/** Where a request goes, from its method and path alone: GitHub POSTs to `/webhook` (a trailing slash too). */
export function route(method: string, path: string): Route {
  const query = path.indexOf('?');
  const bare = query === -1 ? path : path.slice(0, query);
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
  return WEBHOOK;
}
