import { PAYLOAD_KEY, type RawHeaders } from '@github-webhooks/events';
import type { ArchiveSink, CallOptions, RequestHandler } from '@github-webhooks/ingestion';
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
  readonly payload: string | undefined;
}

/**
 * Taps what serve already does, for the dashboard: the archive sink sees each record (its head
 * holds the verdict: public, privacy), the handler each request and its answer. Only the record's
 * head is parsed; the payload is kept as text when small.
 */
export function recording(log: RequestLog) {
  const archived = new Map<string, Archived>();
  const sink = (inner: ArchiveSink): ArchiveSink => ({
    async append(line: string | Buffer, options?: CallOptions) {
      await inner.append(line, options);
      const at = line.indexOf(PAYLOAD_KEY);
      if (at === -1) return;
      const head = JSON.parse(
        `${typeof line === 'string' ? line.slice(0, at) : line.toString('utf8', 0, at)}}`,
      ) as RecordHead;
      const size = typeof line === 'string' ? Buffer.byteLength(line) : line.length;
      const rest =
        size > KEPT_PAYLOAD_BYTES
          ? undefined
          : typeof line === 'string'
            ? line.slice(at + PAYLOAD_KEY.length)
            : line.toString('utf8', at + PAYLOAD_KEY.length);
      // The payload is the record's last field: what follows its key, without the closing brace.
      const payload = rest?.trimEnd().slice(0, -1);
      archived.set(`${head.delivery_id}/${head.hook_id ?? ''}`, { head, payload });
    },
  });
  const note = (headers: RawHeaders, status: number, body: string, bytes: number) => {
    const header = (name: string) => {
      const value = Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
      return Array.isArray(value) ? value[0] : value;
    };
    const guid = header('x-github-delivery');
    const hook = header('x-github-hook-id');
    const key = `${guid}/${hook ?? ''}`;
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
      Object.fromEntries(
        Object.entries(headers).map(([k, v]) => [
          k.toLowerCase(),
          Array.isArray(v) ? v.join(', ') : String(v),
        ]),
      ),
      record?.payload,
    );
  };
  const handler = (inner: RequestHandler): RequestHandler => {
    const handle = async (request: Parameters<RequestHandler>[0]) => {
      const response = await inner(request);
      const body = request.body;
      note(
        request.headers,
        response.status,
        response.body,
        body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
      );
      return response;
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
