import { Backoff } from '../src/relay/backoff';
import { CursorSaver, type PrunedFile } from '../src/relay/cursor-saver';
import { type Pass, RelayLoop } from '../src/relay/relay-loop';
import { type Timers, Waker } from '../src/relay/waker';

/** Timers and a clock a test moves by hand. */
function manualTime() {
  let now = 0;
  let ids = 0;
  const due = new Map<number, { at: number; callback: () => void }>();
  const timers: Timers = {
    setTimeout: (callback, ms) => {
      due.set(++ids, { at: now + ms, callback });
      return ids;
    },
    clearTimeout: (id) => void due.delete(id as number),
  };
  return {
    timers,
    clock: () => now,
    /** Timers set and not yet fired nor cleared, by delay from now. */
    pending: () => [...due.values()].map((t) => t.at - now),
    advance(ms: number) {
      now += ms;
      for (const [id, timer] of [...due]) {
        if (timer.at <= now) {
          due.delete(id);
          timer.callback();
        }
      }
    },
  };
}

/** Lets every promise that can settle now settle. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

/** Whether the promise has resolved by now. */
async function isDone(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await settled();
  return done;
}

describe('Waker', () => {
  it('sleeps until its time passes', async () => {
    const time = manualTime();
    const waker = new Waker(() => true, time.timers);
    const sleep = waker.sleep(100);
    expect(time.pending()).toEqual([100]);
    time.advance(99);
    expect(await isDone(sleep)).toBe(false);
    time.advance(1);
    expect(await isDone(sleep)).toBe(true);
  });

  it('wakes at once when roused, and clears its timer', async () => {
    const time = manualTime();
    const waker = new Waker(() => true, time.timers);
    const sleep = waker.sleep(30_000);
    waker.rouse();
    expect(await isDone(sleep)).toBe(true);
    expect(time.pending()).toEqual([]);
  });

  it('sleeps with no timer at all for ever, until roused', async () => {
    const time = manualTime();
    const waker = new Waker(() => true, time.timers);
    const sleep = waker.sleep(Number.POSITIVE_INFINITY);
    expect(time.pending()).toEqual([]);
    time.advance(1e9);
    expect(await isDone(sleep)).toBe(false);
    waker.rouse();
    expect(await isDone(sleep)).toBe(true);
  });

  it('keeps a rouse that came while awake for the next sleep only', async () => {
    const time = manualTime();
    const waker = new Waker(() => true, time.timers);
    waker.rouse();
    waker.rouse();
    expect(await isDone(waker.sleep(Number.POSITIVE_INFINITY))).toBe(true);
    const second = waker.sleep(Number.POSITIVE_INFINITY);
    expect(await isDone(second)).toBe(false);
    waker.rouse();
    await second;
  });

  it('does not sleep while inactive', async () => {
    const time = manualTime();
    const waker = new Waker(() => false, time.timers);
    expect(await isDone(waker.sleep(Number.POSITIVE_INFINITY))).toBe(true);
    expect(await isDone(waker.sleep(100))).toBe(true);
    expect(time.pending()).toEqual([]);
  });
});

describe('Backoff', () => {
  it('waits from the minimum, doubling to the maximum, since the first failure; none after a success', () => {
    const time = manualTime();
    const backoff = new Backoff({ minMs: 500, maxMs: 3_000, clock: time.clock });
    expect([backoff.retrying, backoff.stuckSince]).toEqual([false, undefined]);
    time.advance(10);
    const waits = [1, 2, 3, 4, 5].map(() => {
      time.advance(1);
      return backoff.failed();
    });
    expect(waits).toEqual([500, 1_000, 2_000, 3_000, 3_000]);
    expect([backoff.retrying, backoff.stuckSince]).toEqual([true, 11]);
    backoff.succeeded();
    expect([backoff.retrying, backoff.stuckSince]).toEqual([false, undefined]);
    expect(backoff.failed()).toBe(500);
  });
});

describe('RelayLoop', () => {
  /** A loop over scripted passes; each pass waits for the test to let it through. */
  function scripted(...passes: Pass[]) {
    const time = manualTime();
    const ran: Pass[] = [];
    const loop = new RelayLoop(
      async () => {
        const pass = passes.shift() ?? 'idle';
        ran.push(pass);
        return pass;
      },
      { minRetryMs: 500, maxRetryMs: 30_000, clock: time.clock, timers: time.timers },
    );
    return { time, ran, loop };
  }

  it('runs passes back to back while they go through, and sleeps when idle until something arrives', async () => {
    const { time, ran, loop } = scripted(true, true, 'idle', true);
    loop.start();
    loop.start();
    await settled();
    expect(ran).toEqual([true, true, 'idle']);
    expect(time.pending()).toEqual([]);
    loop.arrived();
    await settled();
    expect(ran).toEqual([true, true, 'idle', true, 'idle']);
    await loop.stop();
  });

  it('backs off after a failed pass, doubling, and is not woken by arrivals meanwhile', async () => {
    const { time, ran, loop } = scripted(false, false, true);
    loop.start();
    await settled();
    expect(time.pending()).toEqual([500]);
    expect([loop.retrying, loop.stuckSince]).toEqual([true, 0]);
    loop.arrived();
    await settled();
    expect(ran).toEqual([false]);
    time.advance(500);
    await settled();
    expect(time.pending()).toEqual([1_000]);
    time.advance(1_000);
    await settled();
    expect(ran).toEqual([false, false, true, 'idle']);
    expect([loop.retrying, loop.stuckSince]).toEqual([false, undefined]);
    await loop.stop();
  });

  it('stops from any sleep at once', async () => {
    const { time, loop } = scripted(false);
    loop.start();
    await settled();
    expect(time.pending()).toEqual([500]);
    await loop.stop();
    expect(time.pending()).toEqual([]);
  });

  it('cuts a sleep within a pass short when something arrives', async () => {
    const time = manualTime();
    const ran: string[] = [];
    const loop: RelayLoop = new RelayLoop(
      async () => {
        if (ran.length > 0) return 'idle';
        ran.push('waiting');
        await loop.sleep(100);
        ran.push('woken');
        return true;
      },
      { minRetryMs: 500, maxRetryMs: 30_000, clock: time.clock, timers: time.timers },
    );
    loop.start();
    await settled();
    expect(time.pending()).toEqual([100]);
    loop.arrived();
    await settled();
    expect(ran).toEqual(['waiting', 'woken']);
    expect(time.pending()).toEqual([]);
    await loop.stop();
  });
});

describe('CursorSaver', () => {
  function saver(options: { pruneEvery?: number; pruned?: PrunedFile[] } = {}) {
    const time = manualTime();
    const saves: number[] = [];
    const prunes: (readonly PrunedFile[])[] = [];
    let failNext = false;
    const cursor = {
      save: async () => {
        if (failNext) {
          failNext = false;
          throw new Error('ENOSPC');
        }
        saves.push(time.clock());
      },
      prune: async () => options.pruned ?? [],
    };
    const failNextSave = () => {
      failNext = true;
    };
    const subject = new CursorSaver(cursor, {
      clock: time.clock,
      onPrune: (pruned) => prunes.push(pruned),
      ...(options.pruneEvery === undefined ? {} : { pruneEvery: options.pruneEvery }),
    });
    return { time, saves, prunes, saver: subject, failNextSave };
  }

  it('saves nothing that did not move, unless forced', async () => {
    const { saves, saver: s } = saver();
    await s.save(false);
    expect(saves).toEqual([]);
    await s.save(true);
    expect(saves).toEqual([0]);
  });

  it('saves progress over confirmed records at once', async () => {
    const { time, saves, saver: s } = saver();
    await s.save(true);
    time.advance(10);
    s.moved(false);
    s.moved(true);
    await s.save(false);
    expect(saves).toEqual([0, 10]);
  });

  it('saves progress over passed records only at most every 5 s', async () => {
    const { time, saves, saver: s } = saver();
    await s.save(true);
    s.moved(false);
    time.advance(4_999);
    await s.save(false);
    expect(saves).toEqual([0]);
    time.advance(1);
    await s.save(false);
    expect(saves).toEqual([0, 5_000]);
    await s.save(false);
    expect(saves).toEqual([0, 5_000]);
  });

  it('keeps what a failed save did not write for the next', async () => {
    const { saves, saver: s, failNextSave } = saver();
    s.moved(true);
    failNextSave();
    await expect(s.save(true)).rejects.toThrow('ENOSPC');
    await s.save(false);
    expect(saves).toEqual([0]);
  });

  it('prunes the cursor before every so many saves, and tells what went', async () => {
    const gone = [{ key: 'raw/a', position: { offset: 3, done: false } }];
    const { saves, prunes, saver: s } = saver({ pruneEvery: 3, pruned: gone });
    for (let i = 0; i < 7; i++) await s.save(true);
    expect(saves).toHaveLength(7);
    expect(prunes).toEqual([gone, gone]);
  });
});
