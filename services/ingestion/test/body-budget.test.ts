import { BodyBudget } from '../src/adapters/body-budget';
import { BodyBytes, OWN_BUFFER_AFTER_BYTES } from '../src/adapters/body-bytes';

const KIB = 1024;

describe('the body budget (memory that bodies take, not lengths they declare)', () => {
  it('holds what arrives and lets go of it when the request is done, once', () => {
    const budget = new BodyBudget(100);
    const share = budget.open(() => undefined);
    expect(share.take(40, 40)).toBe(true);
    expect(budget.held).toBe(40);
    share.keep();
    share.release();
    share.release();
    expect(budget.held).toBe(0);
  });

  it('ends, for room, the body with the most memory not yet arrived, then the one holding most, never a kept one', () => {
    const budget = new BodyBudget(100);
    const ended: string[] = [];
    const kept = budget.open(() => ended.push('kept'));
    const big = budget.open(() => ended.push('big'));
    const buffered = budget.open(() => ended.push('buffered'));
    const small = budget.open(() => ended.push('small'));
    const tiny = budget.open(() => ended.push('tiny'));
    expect(kept.take(30, 30)).toBe(true);
    kept.keep();
    expect(big.take(25, 25)).toBe(true);
    expect(buffered.take(40, 10)).toBe(true); // a buffer made for a body barely arrived
    expect(small.take(5, 5)).toBe(true); // 100
    expect(tiny.take(1, 1)).toBe(true); // 101: the buffer barely filled goes first
    expect(ended).toEqual(['buffered']);
    expect(buffered.take(1, 1)).toBe(false);
    expect(small.take(31, 31)).toBe(true); // 92
    expect(tiny.take(9, 9)).toBe(true); // 101: then the one holding the most
    expect(ended).toEqual(['buffered', 'small']);
    expect(tiny.take(80, 80)).toBe(false); // it holds the most now: itself
    expect(ended).toEqual(['buffered', 'small', 'tiny']);
    expect(budget.held).toBe(55);
  });
});

describe('a body’s bytes', () => {
  it('hands a body read in one chunk on as it is, at its own size', () => {
    const bytes = new BodyBytes(3_000);
    const chunk = Buffer.alloc(3_000, 1);
    expect(bytes.cost(chunk.length)).toBe(3_000);
    bytes.add(chunk);
    expect(bytes.whole()).toBe(chunk);
  });

  it('gives a body that has sent enough a buffer of its declared length, paid for at once', () => {
    const declared = 1024 * KIB;
    const bytes = new BodyBytes(declared);
    const first = Buffer.alloc(OWN_BUFFER_AFTER_BYTES / 2, 1);
    expect(bytes.cost(first.length)).toBe(first.length);
    bytes.add(first);
    const second = Buffer.alloc(OWN_BUFFER_AFTER_BYTES / 2, 2);
    // The buffer and the chunks copied into it, less what is already held.
    expect(bytes.cost(second.length)).toBe(2 * declared - first.length);
    bytes.add(second);
    let sent = OWN_BUFFER_AFTER_BYTES;
    while (sent < declared) {
      const chunk = Buffer.alloc(Math.min(64 * KIB, declared - sent), 3);
      expect(bytes.cost(chunk.length)).toBe(0);
      bytes.add(chunk);
      sent += chunk.length;
    }
    const whole = bytes.whole();
    expect(whole.length).toBe(declared);
    expect([whole[0], whole[first.length], whole[declared - 1]]).toEqual([1, 2, 3]);
  });

  it('never makes a buffer for a body without a declared length, nor on a header alone', () => {
    expect(new BodyBytes(undefined).cost(1024 * KIB)).toBe(1024 * KIB);
    expect(new BodyBytes(25 * 1024 * KIB).cost(10)).toBe(10);
  });
});
