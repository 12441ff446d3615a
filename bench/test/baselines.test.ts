import { BatchConfirmPublisher, type ConfirmChannelLike, MAX_BATCH } from '../src/batch-confirm-publisher';
import { type AppendHandle, SyncedLog } from '../src/synced-log';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A handle whose datasync the test releases, recording every call in order. */
function fakeHandle() {
  const calls: string[] = [];
  const syncs: (() => void)[] = [];
  const handle: AppendHandle = {
    write: async (data) => calls.push(`write ${data.toString()}`),
    datasync: () =>
      new Promise<void>((resolve) => {
        calls.push('datasync');
        syncs.push(resolve);
      }),
  };
  return { handle, calls, syncs };
}

describe('SyncedLog, the durable baselines’ (b′, b″) file', () => {
  it('answers an append only after the fdatasync that covers it', async () => {
    const { handle, calls, syncs } = fakeHandle();
    const log = new SyncedLog(handle);
    let done = false;
    const first = log.append(Buffer.from('a')).then(() => {
      done = true;
    });
    await tick();
    expect(calls).toEqual(['write a', 'datasync']);
    expect(done).toBe(false);
    syncs.shift()?.();
    await first;
    expect(done).toBe(true);
  });

  it('group-commits what arrives during a sync: written and synced together, answered after that sync', async () => {
    const { handle, calls, syncs } = fakeHandle();
    const log = new SyncedLog(handle);
    const answered: string[] = [];
    void log.append(Buffer.from('a')).then(() => answered.push('a'));
    await tick();
    void log.append(Buffer.from('b')).then(() => answered.push('b'));
    void log.append(Buffer.from('c')).then(() => answered.push('c'));
    syncs.shift()?.();
    await tick();
    await tick();
    expect(answered).toEqual(['a']);
    expect(calls).toEqual(['write a', 'datasync', 'write bc', 'datasync']);
    syncs.shift()?.();
    await tick();
    expect(answered).toEqual(['a', 'b', 'c']);
  });
});

describe('BatchConfirmPublisher, (b″)’s publishing', () => {
  function fakeChannel() {
    const published: string[] = [];
    const confirms: (() => void)[] = [];
    const channel: ConfirmChannelLike = {
      publish: (_exchange, routingKey) => published.push(routingKey) > 0,
      waitForConfirms: () => new Promise<void>((resolve) => confirms.push(resolve)),
    };
    return { channel, published, confirms };
  }

  it('waits for a batch’s confirms before sending the next, batches of at most 512', async () => {
    const { channel, published, confirms } = fakeChannel();
    const publisher = new BatchConfirmPublisher(channel, 'x');
    publisher.enqueue('k0', Buffer.from('{}'));
    for (let i = 1; i <= 600; i++) publisher.enqueue(`k${i}`, Buffer.from('{}'));
    await tick();
    // The first record went alone (nothing else was waiting); the rest wait for its confirm.
    expect(published).toEqual(['k0']);
    confirms.shift()?.();
    await tick();
    expect(published).toHaveLength(1 + MAX_BATCH);
    expect(publisher.published).toBe(1);
    confirms.shift()?.();
    await tick();
    expect(published).toHaveLength(601);
    confirms.shift()?.();
    await tick();
    expect(publisher.published).toBe(601);
    expect(publisher.batches).toBe(3);
  });
});
