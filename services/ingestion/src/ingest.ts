import {
  type Classification,
  classify,
  type Delivery,
  type DeliveryError,
  type DeliveryErrorCode,
  type DeliveryRequest,
  GITHUB_MAX_PAYLOAD_BYTES,
  type HttpRequest,
  isDeliveryError,
  normalizeHeaders,
  PayloadTooLargeError,
  type PrivacyPolicy,
  type RawHeaders,
  type ReceivedDelivery,
  readDeliveryHeaders,
  readDeliveryRequest,
} from '@github-webhooks/events';
import { describeError } from '@github-webhooks/runtime';
import { budgetedVerifyAndParse, type OffThreadDigestLimits } from './digest-budget';
import { type Drift, type DriftObserver, driftOf, reportDrift } from './drift';
import { type Outgoing, prepareOutgoing, type SizeLimits } from './outgoing';
import type {
  ArchiveSink,
  CallOptions,
  Clock,
  IngestionMetric,
  IngestionMetrics,
  Logger,
  PayloadStore,
  SecretsSource,
  Topics,
} from './ports';

export interface IngestDeps {
  readonly archive: ArchiveSink;
  readonly topics: Topics;
  readonly payloads: PayloadStore;
  readonly secrets: SecretsSource;
  readonly policy: PrivacyPolicy;
  readonly logger: Logger;
  readonly metrics: IngestionMetrics;
  readonly clock: Clock;
  readonly limits: SizeLimits;
  /** Everything downstream must be done by then (GitHub gives up after 10 s). */
  readonly deadlineMs: number;
  readonly maxBodyBytes?: number;
  readonly allowSha1?: boolean;
  /** Default true. False only for a local stack run with --insecure-no-signature. */
  readonly requireSignature?: boolean;
  /**
   * Bodies whose digests are computed on libuv's thread pool while the event loop serves other
   * requests (serve). Unset: always on the event loop, as the Lambda wants (one request at a time on
   * a fraction of a vCPU, where handing the bytes over only adds a copy).
   */
  readonly offThreadDigests?: OffThreadDigestLimits;
  /** Told of each drift (driftOf) besides its metric and log record: serve's page. */
  readonly drift?: DriftObserver;
}

export interface IngestResponse {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface Ingest {
  /** A webhook request in, the answer for GitHub out, with every write done before a 2xx. */
  (request: HttpRequest): Promise<IngestResponse>;
  /**
   * The refusals the headers and the declared length already decide (415, 400, 413), logged and
   * counted as any other; undefined when the body is to be read. Lets a server refuse before it
   * reads a body, so a refused upload costs nothing.
   */
  precheck(headers: RawHeaders, contentLength: number | undefined): IngestResponse | undefined;
}

/** The use case. */
export function createIngest(deps: IngestDeps): Ingest {
  const maxBytes = deps.maxBodyBytes ?? GITHUB_MAX_PAYLOAD_BYTES;
  const verifyAndParse = budgetedVerifyAndParse(deps.offThreadDigests);
  const precheck = (headers: RawHeaders, contentLength: number | undefined): IngestResponse | undefined => {
    try {
      readDeliveryHeaders(headers, { requireSignature: deps.requireSignature ?? true });
      if (contentLength !== undefined && contentLength > maxBytes)
        throw new PayloadTooLargeError(contentLength, maxBytes);
      return undefined;
    } catch (error) {
      if (!isDeliveryError(error)) throw error;
      return reject(error, { headers, body: undefined }, deps);
    }
  };
  const ingest = async (request: HttpRequest): Promise<IngestResponse> => {
    // Checks that need no secret come first, so a bad request gets its own status even while SSM is down.
    let deliveryRequest: DeliveryRequest;
    try {
      deliveryRequest = readDeliveryRequest(request, {
        maxBytes,
        requireSignature: deps.requireSignature ?? true,
      });
    } catch (error) {
      if (!isDeliveryError(error)) throw error;
      return reject(error, request, deps);
    }
    let secrets: readonly string[];
    try {
      secrets = await deps.secrets();
      if (secrets.length === 0 && (deps.requireSignature ?? true))
        throw new Error('no webhook secret configured');
    } catch (error) {
      deps.logger.error('webhook secrets unavailable', {
        ...requestFields(request),
        error: describeError(error),
      });
      deps.metrics.count('SecretsUnavailable');
      return { status: 503, body: { error: 'secrets_unavailable', message: 'try again later' } };
    }
    let received: ReceivedDelivery;
    try {
      received = await verifyAndParse(deliveryRequest, { secrets, allowSha1: deps.allowSha1 ?? false });
    } catch (error) {
      if (!isDeliveryError(error)) throw error;
      return reject(error, request, deps);
    }
    return accept(received.delivery, received.secretIndex, deps);
  };
  return Object.assign(ingest, { precheck });
}

/** What the headers say about a request, for log lines about it before (or without) a parsed delivery. */
function requestFields(request: HttpRequest) {
  const headers = normalizeHeaders(request.headers);
  return {
    delivery_id: headers.get('x-github-delivery'),
    event: headers.get('x-github-event'),
    hook_id: headers.get('x-github-hook-id'),
  };
}

/** One metric per reason a delivery is turned away, named as the dashboard shows them. */
const REJECTED: Readonly<Record<DeliveryErrorCode, IngestionMetric>> = {
  unsupported_media_type: 'RejectedUnsupportedMediaType',
  invalid_header: 'RejectedInvalidHeader',
  payload_too_large: 'RejectedPayloadTooLarge',
  invalid_signature: 'RejectedInvalidSignature',
  malformed_payload: 'RejectedMalformedPayload',
};

function reject(error: DeliveryError, request: HttpRequest, deps: IngestDeps): IngestResponse {
  // The body of a rejected delivery is never stored or logged; the hook id says who sent it.
  deps.logger.warn('delivery rejected', {
    ...requestFields(request),
    status: error.status,
    reason: error.code,
    detail: error.message,
  });
  deps.metrics.count(REJECTED[error.code]);
  return { status: error.status, body: { error: error.code, message: error.message } };
}

/**
 * Everything that needs the delivery is worked out here, at once; `store` then waits for the writes
 * holding only what it needs after them (a few strings, the record's bytes). So the parsed payload
 * and the body are garbage before the archive's sync rather than kept through it (an async function
 * keeps its arguments until it returns), which spared the young generation's collections copying
 * them and the old generation filling with them.
 */
function accept(
  delivery: Delivery,
  secretIndex: number | undefined,
  deps: IngestDeps,
): Promise<IngestResponse> {
  const fields = { delivery_id: delivery.id, event: delivery.event, hook_id: delivery.hookId };
  const classification = classify(delivery.event, delivery.payload, deps.policy);
  const outgoing = prepareOutgoing(delivery, classification, deps.clock.now(), deps.limits);
  deps.metrics.count('Received');
  if (secretIndex !== undefined && secretIndex > 0) {
    deps.logger.warn('delivery signed with a previous secret', { ...fields, secret_index: secretIndex });
  }
  return store(
    outgoing,
    {
      fields,
      classification,
      // Reported once stored, as the verdicts are counted: a failed write is redelivered and would count twice.
      drift: driftOf(delivery, classification),
      bytes: delivery.rawBody.byteLength,
      status: delivery.event === 'ping' ? 200 : 202,
    },
    deps,
  );
}

/** What is told of a delivery once it is stored. */
interface Accepted {
  readonly fields: { delivery_id: string; event: string; hook_id: string | undefined };
  readonly classification: Classification;
  readonly drift: Drift | undefined;
  readonly bytes: number;
  readonly status: 200 | 202;
}

async function store(outgoing: Outgoing, accepted: Accepted, deps: IngestDeps): Promise<IngestResponse> {
  const { fields, classification } = accepted;
  const written = { payload: false, archive: false, all: false, public: false };
  try {
    await writeAll(outgoing, classification.public, written, deps);
  } catch (error) {
    deps.logger.error('delivery not fully written; GitHub will see a failure and can redeliver', {
      ...fields,
      written,
      error: describeError(error),
    });
    deps.metrics.count('DownstreamFailed');
    return { status: 503, body: { error: 'downstream_failure', message: 'delivery not stored; redeliver' } };
  }
  deps.metrics.count(classification.public ? 'AcceptedPublic' : 'AcceptedPrivate');
  deps.logger.info('delivery accepted', {
    ...fields,
    public: classification.public,
    privacy: classification.reason,
    ...(classification.detail === undefined ? {} : { privacy_detail: classification.detail }),
    by_reference: outgoing.payloadObject !== undefined,
    bytes: accepted.bytes,
  });
  if (accepted.drift !== undefined) reportDrift(accepted.drift, deps);
  return {
    status: accepted.status,
    body: { ok: true, delivery_id: fields.delivery_id, public: classification.public },
  };
}

async function writeAll(
  outgoing: Outgoing,
  isPublic: boolean,
  written: Record<'payload' | 'archive' | 'all' | 'public', boolean>,
  deps: IngestDeps,
): Promise<void> {
  const now = () => deps.clock.now().getTime();
  const options = new RequestDeadline(now() + deps.deadlineMs, now);
  if (outgoing.payloadObject) {
    const { ref, body } = outgoing.payloadObject;
    await deps.payloads.write(ref.key, body, {
      deadline: options.deadline,
      signal: options.signal,
      contentType: 'application/json',
      contentEncoding: 'gzip',
      ifAbsent: true,
    });
    written.payload = true;
    deps.metrics.count('StoredByReference');
  }
  // The archive first: it is the record of truth, and nothing is published that it does not hold.
  await deps.archive.append(outgoing.archiveLine, options);
  written.archive = true;
  deps.metrics.count('Archived');
  const publishAll = deps.topics.publish('all', outgoing.message, options).then(() => {
    written.all = true;
    deps.metrics.count('PublishedAll');
  });
  const publishPublic = isPublic
    ? deps.topics.publish('public', outgoing.publicMessage, options).then(() => {
        written.public = true;
        deps.metrics.count('PublishedPublic');
      })
    : undefined;
  const results = await Promise.allSettled([publishAll, publishPublic]);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
}

/**
 * One deadline for every write of a request, on the injected clock. Its AbortSignal (a timer) is
 * made only when a port asks for it, with what is left of the time: the local stack's ports never do.
 * A class rather than a literal with a getter, which would give each request its own hidden class
 * (see LazyMessage in outgoing.ts).
 */
class RequestDeadline implements CallOptions {
  private made: AbortSignal | undefined;

  constructor(
    readonly deadline: number,
    private readonly now: () => number,
  ) {}

  get signal(): AbortSignal {
    this.made ??= AbortSignal.timeout(Math.max(0, this.deadline - this.now()));
    return this.made;
  }
}
