import type { IncomingMessage } from 'node:http';
import type { BodyBudget } from './body-budget';
import { BodyBytes } from './body-bytes';
import { type SlowBodyRule, watchBodyPace } from './slow-body';

/** How reading a request's body ended. */
export type BodyRead =
  /** `release` gives its bytes back to the budget once the handler is done with them. */
  | { readonly kind: 'complete'; readonly body: Buffer; readonly release: () => void }
  /** `limit` bytes read; the rest is never read. */
  | { readonly kind: 'too_large'; readonly body: Buffer; readonly release: () => void }
  /** Arrived slower than the rule allows; its bytes are already released. */
  | { readonly kind: 'too_slow'; readonly receivedBytes: number; readonly elapsedMs: number }
  /** Ended to make room in the budget (it held the most); its bytes are already released. */
  | { readonly kind: 'busy'; readonly receivedBytes: number }
  /** The client went away (or node's request timeout ended it); nothing to answer. */
  | { readonly kind: 'aborted' };

export interface ReadBodyOptions {
  /** Reads at most this many bytes; past it stops reading (the caller answers and closes). */
  readonly limit: number;
  /** The declared Content-Length (at most `limit`), if any. */
  readonly declared: number | undefined;
  readonly budget: BodyBudget;
  readonly slowBody: SlowBodyRule;
}

/**
 * Reads a body chunk by chunk, holding each chunk's bytes against the budget as it arrives and
 * watching the pace it arrives at. Listeners, not `for await`: leaving an async iterator early
 * would destroy the socket unanswered. An ended read pauses the request; the caller answers and
 * closes the connection, so what is still coming is never read.
 */
export function readBody(req: IncomingMessage, options: ReadBodyOptions): Promise<BodyRead> {
  return new Promise((resolve) => {
    const started = performance.now();
    const bytes = new BodyBytes(options.declared);
    let settled = false;
    const finish = (read: BodyRead) => {
      if (settled) return;
      settled = true;
      req.off('data', onData).off('end', onEnd).off('error', onGone).off('close', onGone);
      watch.stop();
      if (read.kind !== 'complete' && read.kind !== 'aborted') req.pause();
      if (read.kind === 'complete' || read.kind === 'too_large') share.keep();
      else {
        share.release();
        bytes.drop();
      }
      resolve(read);
    };
    const share = options.budget.open(() => finish({ kind: 'busy', receivedBytes: bytes.size }));
    const watch = watchBodyPace(options.slowBody, () =>
      finish({ kind: 'too_slow', receivedBytes: bytes.size, elapsedMs: performance.now() - started }),
    );
    const onData = (chunk: Buffer) => {
      const part = chunk.subarray(0, options.limit - bytes.size);
      // False when this request was the one ended to make room: finish has run.
      if (!share.take(bytes.cost(part.length), part.length)) return;
      bytes.add(part);
      watch.read(part.length);
      if (bytes.size >= options.limit)
        finish({ kind: 'too_large', body: bytes.whole(), release: share.release });
    };
    const onEnd = () => finish({ kind: 'complete', body: bytes.whole(), release: share.release });
    // 'close' before 'end' is a request cut short: the client went away, or node ended it.
    const onGone = () => finish({ kind: 'aborted' });
    req.on('data', onData).on('end', onEnd).on('error', onGone).on('close', onGone);
  });
}
