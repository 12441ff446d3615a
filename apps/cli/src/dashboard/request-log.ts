/** What the dashboard lists per request: GitHub's Recent Deliveries, and the refusals. */
export interface RequestEntry {
  readonly seq: number;
  readonly at: string;
  readonly status: number;
  /** The refusal's code (`invalid_signature`, …), for an answer ≥ 400. */
  readonly error: string | undefined;
  readonly bytes: number;
  readonly delivery_id: string | undefined;
  readonly event: string | undefined;
  readonly action: string | null | undefined;
  readonly repository: string | null | undefined;
  readonly hook_id: string | null | undefined;
  /** Set once archived: the verdict ingestion wrote in the record. */
  readonly public: boolean | undefined;
  readonly privacy: string | null | undefined;
}

export interface RequestDetail {
  readonly entry: RequestEntry;
  readonly headers: Readonly<Record<string, string>>;
  /** The payload's JSON text as archived, when it was small enough to keep in memory. */
  readonly payload: string | undefined;
}

export const KEPT_REQUESTS = 500;
/** Payloads larger than this are not kept in memory (the archive has them). */
export const KEPT_PAYLOAD_BYTES = 64 * 1024;

/** The last 500 requests, in memory only (lost on restart); listeners hear of each new one. */
export class RequestLog {
  private readonly items: {
    readonly entry: RequestEntry;
    readonly headers: Readonly<Record<string, string>>;
    readonly payload: (() => string | undefined) | undefined;
  }[] = [];
  private readonly listeners = new Set<() => void>();
  private seq = 0;
  private readonly rejected = new Map<string, number>();

  /** `payload` gives the archived payload's text when asked (only small records are kept). */
  add(
    fields: Omit<RequestEntry, 'seq'>,
    headers: Readonly<Record<string, string>>,
    payload: (() => string | undefined) | undefined,
  ): void {
    const entry = { seq: ++this.seq, ...fields };
    this.items.push({ entry, headers, payload });
    if (this.items.length > KEPT_REQUESTS) this.items.shift();
    if (fields.status >= 400) {
      const reason = fields.error ?? `http_${fields.status}`;
      this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
    }
    for (const listener of this.listeners) listener();
  }

  /** Newest first. */
  entries(): RequestEntry[] {
    return this.items.map((i) => i.entry).reverse();
  }

  detail(seq: number): RequestDetail | undefined {
    const item = this.items.find((i) => i.entry.seq === seq);
    return item === undefined
      ? undefined
      : { entry: item.entry, headers: item.headers, payload: item.payload?.() };
  }

  /** Refusals since start, by reason (not only those still listed). */
  rejectedByReason(): Record<string, number> {
    return Object.fromEntries(this.rejected);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
