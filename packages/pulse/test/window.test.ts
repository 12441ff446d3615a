import { Window } from '../src';

describe('Window', () => {
  it('lets `size` holders in at once and the rest in arrival order', async () => {
    const window = new Window(2);
    const entered: number[] = [];
    const holders = [1, 2, 3, 4, 5].map((n) => window.acquire().then(() => entered.push(n)));
    await Promise.resolve();
    await Promise.resolve();
    expect(entered).toEqual([1, 2]);
    expect(window.inUse).toBe(2);
    window.release();
    await holders[2];
    expect(entered).toEqual([1, 2, 3]);
    window.release();
    window.release();
    await Promise.all(holders);
    expect(entered).toEqual([1, 2, 3, 4, 5]);
    expect(window.inUse).toBe(2);
    window.release();
    window.release();
    expect(window.inUse).toBe(0);
  });

  it('keeps a long queue of waiters in order', async () => {
    const window = new Window(3);
    const entered: number[] = [];
    const holders = Array.from({ length: 5000 }, (_, n) => window.acquire().then(() => entered.push(n)));
    await Promise.resolve();
    expect(window.queued).toBe(4997);
    for (let n = 0; n < 5000; n++) window.release();
    await Promise.all(holders);
    expect(entered).toEqual(Array.from({ length: 5000 }, (_, n) => n));
    expect(window.queued).toBe(0);
    // 5000 acquired, 5000 released.
    expect(window.inUse).toBe(0);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a size of %p', (size) => {
    expect(() => new Window(size)).toThrow(RangeError);
  });
});
