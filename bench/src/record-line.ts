import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const CLOSE = Buffer.from('}\n');

/** The parts of a parsed payload (b‴) reads: its repository's name and visibility. */
interface PayloadRepository {
  readonly repository?: {
    readonly full_name?: unknown;
    readonly private?: unknown;
    readonly visibility?: unknown;
  };
}

/**
 * (b‴)'s archive record: what an archive that deduplicates and verifies must hold per delivery and
 * nothing more, none of the product's code used: the delivery's GUID, event and hook from the
 * headers, when it arrived, whether its repository is public, its name, and the payload's SHA-256,
 * then the payload's bytes as received, one line. Returned as its parts (head, payload, close), so
 * the payload is not copied until the one write.
 */
export function recordLineOf(
  headers: IncomingHttpHeaders,
  body: Buffer,
  payload: PayloadRepository,
  receivedAt: Date,
): Buffer[] {
  const repository = payload.repository;
  const isPublic = repository?.private === false && repository.visibility !== 'internal';
  const head = {
    delivery_id: headers['x-github-delivery'],
    event: headers['x-github-event'],
    received_at: receivedAt.toISOString(),
    hook_id: headers['x-github-hook-id'] ?? null,
    public: isPublic,
    repository: typeof repository?.full_name === 'string' ? repository.full_name : null,
    payload_sha256: createHash('sha256').update(body).digest('hex'),
  };
  const text = JSON.stringify(head);
  return [Buffer.from(`${text.slice(0, -1)},"payload":`), body, CLOSE];
}
