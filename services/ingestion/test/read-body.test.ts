import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { BodyBudget } from '../src/adapters/body-budget';
import { readBody } from '../src/adapters/read-body';
import type { SlowBodyRule } from '../src/adapters/slow-body';

const PATIENT: SlowBodyRule = { graceMs: 60_000, minBytesPerSecond: 1024, maxIdleMs: 60_000 };

function request(): PassThrough & IncomingMessage {
  return new PassThrough() as PassThrough & IncomingMessage;
}

describe('reading a body against the budget', () => {
  it('holds the bytes of a complete body until the handler is done with them', async () => {
    const budget = new BodyBudget(1024);
    const req = request();
    const reading = readBody(req, { limit: 1000, declared: 5, budget, slowBody: PATIENT });
    req.end('hello');
    const read = await reading;
    expect(read).toMatchObject({ kind: 'complete', body: Buffer.from('hello') });
    expect(budget.held).toBe(5);
    if (read.kind === 'complete') read.release();
    expect(budget.held).toBe(0);
  });

  it('gives back what a request that went away held', async () => {
    const budget = new BodyBudget(1024);
    const req = request();
    const reading = readBody(req, { limit: 1000, declared: 900, budget, slowBody: PATIENT });
    req.write(Buffer.alloc(300));
    await new Promise((r) => setImmediate(r));
    expect(budget.held).toBe(300);
    req.destroy();
    expect(await reading).toEqual({ kind: 'aborted' });
    expect(budget.held).toBe(0);
  });

  it('ends a body arriving too slowly and gives back what it held', async () => {
    const budget = new BodyBudget(1024);
    const req = request();
    const rule = { graceMs: 50, minBytesPerSecond: 1024, maxIdleMs: 50 };
    const reading = readBody(req, { limit: 1000, declared: 900, budget, slowBody: rule });
    req.write('x');
    const read = await reading;
    expect(read).toMatchObject({ kind: 'too_slow', receivedBytes: 1 });
    expect(budget.held).toBe(0);
    expect(req.isPaused()).toBe(true);
  });

  it('ends the body holding the most to make room for another, giving back what it held', async () => {
    const budget = new BodyBudget(1024);
    const big = request();
    const small = request();
    const bigReading = readBody(big, { limit: 1000, declared: 1000, budget, slowBody: PATIENT });
    const smallReading = readBody(small, { limit: 1000, declared: 200, budget, slowBody: PATIENT });
    big.write(Buffer.alloc(900));
    await new Promise((r) => setImmediate(r));
    small.end(Buffer.alloc(200));
    expect(await bigReading).toEqual({ kind: 'busy', receivedBytes: 900 });
    expect(await smallReading).toMatchObject({ kind: 'complete' });
    expect(budget.held).toBe(200);
  });
});
