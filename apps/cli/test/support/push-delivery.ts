import { type Agent, request } from 'node:http';
import { exampleOf, type SignedRequest, signedRequest } from '@github-webhooks/fixtures';

/** A push of a public repository, and the same push made private. */
export const publicPush = exampleOf(
  'push',
  (e) => (e.payload.repository as { private?: boolean }).private === false,
).payload;
export const privatePush = {
  ...publicPush,
  repository: { ...(publicPush.repository as object), private: true, visibility: 'private' },
};

/** Sends one signed request to serve's webhook on `port`; true when answered 202, false when it failed in any way. */
export function sendSigned(agent: Agent, port: number, signed: SignedRequest): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/webhook', method: 'POST', headers: signed.headers, agent },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 202));
        res.on('error', () => resolve(false));
      },
    );
    req.on('error', () => resolve(false));
    req.end(signed.body);
  });
}

/** One signed push; resolves with its GUID when answered 202, undefined when it failed in any way. */
export async function deliverPush(
  agent: Agent,
  port: number,
  payload: unknown = publicPush,
): Promise<string | undefined> {
  const signed = signedRequest({ event: 'push', payload });
  return (await sendSigned(agent, port, signed)) ? signed.id : undefined;
}
