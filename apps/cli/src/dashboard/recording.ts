import { headTextOf, payloadTextOf, type RawHeaders } from '@github-webhooks/events';
import type { ArchiveSink, CallOptions, RequestHandler } from '@github-webhooks/ingestion';
import { withoutSignatures } from './private-view';
import { KEPT_PAYLOAD_BYTES, type RequestLog } from './request-log';

interface RecordHead {
  readonly delivery_id: string;
  readonly event: string;
  readonly action?: string | null;
  readonly repository?: string | null;
  readonly hook_id?: string | null;
  readonly public: boolean;
  readonly privacy?: string | null;
}

interface Archived {
  readonly head: RecordHead;
  readonly payload: (() => string | undefined) | undefined;
}

/**
 * Taps what serve already does, for the dashboard: the archive sink sees each record (its head
 * holds the verdict: public, privacy), the handler each request and its answer. Only the record's
 * head is parsed; a small record is kept to slice its payload out when the delivery is opened.
 */
export function recording(log: RequestLog) {
  const archived = new Map<string, Archived>();
  const sink = (inner: ArchiveSink): ArchiveSink => ({
    async append(line: string | Buffer, options?: CallOptions) {
      await inner.append(line, options);
      const headText = headTextOf(line);
      if (headText === undefined) return;
      const head = JSON.parse(headText) as RecordHead;
      const size = typeof line === 'string' ? Buffer.byteLength(line) : line.length;
      // Kept, not copied: the payload is sliced out only if someone opens the delivery.
      const payload =
        size > KEPT_PAYLOAD_BYTES
          ? undefined
          : () => payloadTextOf(typeof line === 'string' ? line : line.toString('utf8'));
      archived.set(`${head.delivery_id}/${head.hook_id ?? ''}`, { head, payload });
    },
  });
  const headerOf = (headers: RawHeaders, name: string) => {
    const value = Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
    return Array.isArray(value) ? value[0] : value;
  };
  const keyOf = (headers: RawHeaders) =>
    `${headerOf(headers, 'x-github-delivery')}/${headerOf(headers, 'x-github-hook-id') ?? ''}`;
  const forget = (headers: RawHeaders) => archived.delete(keyOf(headers));
  const note = (headers: RawHeaders, status: number, body: string, bytes: number) => {
    const header = (name: string) => headerOf(headers, name);
    const guid = header('x-github-delivery');
    const hook = header('x-github-hook-id');
    const key = keyOf(headers);
    const record = archived.get(key);
    archived.delete(key);
    let error: string | undefined;
    if (status >= 400) {
      try {
        error = (JSON.parse(body) as { error?: string }).error;
      } catch {
        error = undefined;
      }
    }
    log.add(
      {
        at: new Date().toISOString(),
        status,
        error,
        bytes,
        delivery_id: guid,
        event: record?.head.event ?? header('x-github-event'),
        action: record?.head.action,
        repository: record?.head.repository,
        hook_id: record?.head.hook_id ?? hook,
        public: record?.head.public,
        privacy: record?.head.privacy,
      },
      // Signatures are not kept: the page never shows them, to anyone.
      withoutSignatures(
        Object.fromEntries(
          Object.entries(headers).map(([k, v]) => [
            k.toLowerCase(),
            Array.isArray(v) ? v.join(', ') : String(v),
          ]),
        ),
      ),
      record?.payload,
    );
  };
  const handler = (inner: RequestHandler): RequestHandler => {
    const handle = async (request: Parameters<RequestHandler>[0]) => {
      let response: Awaited<ReturnType<RequestHandler>> | undefined;
      try {
        response = await inner(request);
        return response;
      } finally {
        const body = request.body;
        const bytes =
          body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
        // A handler that threw answered nothing to list; what its record left is dropped all the same.
        if (response === undefined) forget(request.headers);
        else note(request.headers, response.status, response.body, bytes);
      }
    };
    const precheck: RequestHandler['precheck'] = (head) => {
      const refused = inner.precheck(head);
      if (refused !== undefined) note(head.headers, refused.status, refused.body, head.contentLength ?? 0);
      return refused;
    };
    return Object.assign(handle, { precheck });
  };
  return { sink, handler };
}
