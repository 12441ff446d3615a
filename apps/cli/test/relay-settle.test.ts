import { formatRecordLine } from '@github-webhooks/events';
import type { Outcome } from '@github-webhooks/pulse-republisher';
import type { HeadAttempts } from '../src/relay/attempts';
import type { LogLine } from '../src/relay/raw-log';
import { settleBatch, takeBatch } from '../src/relay/settle';

const KEY = 'raw/2026/11/28/15/local-20261128T150000000Z-1-0.ndjson';

/** How the republisher answered a record: none (not sent, or private), or one of these. */
type Answer = 'published' | 'refused' | 'bad' | 'outage' | 'nack' | 'none';

/** A record of the batch: its id, whether it says private, and the republisher's answer. */
type Row = readonly [id: string, answer: Answer, isPrivate?: boolean];

const lineOf = (id: string, isPrivate: boolean, end: number): LogLine => ({
  bytes: Buffer.from(
    formatRecordLine(
      { deliveryId: id, event: 'push', receivedAt: new Date('2026-11-28T15:00:00.000Z'), public: !isPrivate },
      { payloadText: '{}' },
    ).trimEnd(),
  ),
  end,
});

/** Record i of a batch ends at (i + 1) × 100, and the batch starts at 0. */
function batch(rows: readonly Row[]) {
  const lines = rows.map(([id, , isPrivate = false], i) => lineOf(id, isPrivate, (i + 1) * 100));
  const outcomes = rows.flatMap(([id, answer], i): Outcome[] => {
    const messageId = `${KEY}:${(i + 1) * 100}`;
    const failed = (
      reason: 'refused_private' | 'bad_message' | 'publish_failed',
      outage = false,
    ): Outcome[] => [
      { messageId, status: 'failed', reason, brokerUnavailable: outage, deliveryId: id, event: 'push' },
    ];
    if (answer === 'published')
      return [{ messageId, status: 'published', deliveryId: id, event: 'push', routingKeys: [] }];
    if (answer === 'refused') return failed('refused_private');
    if (answer === 'bad') return failed('bad_message');
    if (answer === 'outage') return failed('publish_failed', true);
    if (answer === 'nack') return failed('publish_failed');
    return [];
  });
  return { lines, outcomes };
}

const settle = (rows: readonly Row[], attempts: HeadAttempts = undefined, maxAttempts = 3) =>
  settleBatch({ key: KEY, from: 0, ...batch(rows), attempts, maxAttempts });

const idOf = (line: LogLine | undefined) =>
  line === undefined ? undefined : (JSON.parse(line.bytes.toString()) as { delivery_id: string }).delivery_id;

/** The head `a` (message id of the batch's first record) with `tries` so far. */
const triesOfFirst = (tries: number): HeadAttempts => ({ id: `${KEY}:100`, tries });

describe('settleBatch', () => {
  it.each<
    [
      string,
      readonly Row[],
      HeadAttempts,
      {
        offset: number;
        published: number;
        confirmed: number;
        deadLetters: string[];
        retry: string | undefined;
        attempts: HeadAttempts;
        lastError: string | undefined;
      },
    ]
  >([
    [
      'all published: settled to the end, the head tries reset',
      [
        ['a', 'published'],
        ['b', 'published'],
      ],
      triesOfFirst(2),
      {
        offset: 200,
        published: 2,
        confirmed: 2,
        deadLetters: [],
        retry: undefined,
        attempts: undefined,
        lastError: undefined,
      },
    ],
    [
      'private records and records not sent are passed, not counted',
      [
        ['a', 'published'],
        ['p', 'none', true],
        ['n', 'none'],
        ['b', 'published'],
      ],
      undefined,
      {
        offset: 400,
        published: 2,
        confirmed: 2,
        deadLetters: [],
        retry: undefined,
        attempts: undefined,
        lastError: undefined,
      },
    ],
    [
      'a record marked private is passed whatever the republisher said of it',
      [['p', 'nack', true]],
      undefined,
      {
        offset: 100,
        published: 0,
        confirmed: 0,
        deadLetters: [],
        retry: undefined,
        attempts: undefined,
        lastError: undefined,
      },
    ],
    [
      'refused as private: settled, never published; the head tries stay',
      [['r', 'refused']],
      triesOfFirst(1),
      {
        offset: 100,
        published: 0,
        confirmed: 1,
        deadLetters: [],
        retry: undefined,
        attempts: triesOfFirst(1),
        lastError: undefined,
      },
    ],
    [
      'a permanent failure is dead-lettered at once, and the rest goes on',
      [
        ['x', 'bad'],
        ['a', 'published'],
      ],
      triesOfFirst(2),
      {
        offset: 200,
        published: 1,
        confirmed: 2,
        deadLetters: ['bad_message'],
        retry: undefined,
        attempts: undefined,
        lastError: undefined,
      },
    ],
    [
      'a failure with the broker reachable at the head: a try counted, retried from it',
      [
        ['a', 'nack'],
        ['b', 'published'],
      ],
      undefined,
      {
        offset: 0,
        published: 0,
        confirmed: 0,
        deadLetters: [],
        retry: 'a',
        attempts: triesOfFirst(1),
        lastError: 'publish_failed',
      },
    ],
    [
      'an outage is no try: retried, never counted',
      [['a', 'outage']],
      triesOfFirst(2),
      {
        offset: 0,
        published: 0,
        confirmed: 0,
        deadLetters: [],
        retry: 'a',
        attempts: triesOfFirst(2),
        lastError: 'publish_failed',
      },
    ],
    [
      'a failure behind a settled record is no try of the head: settled up to it',
      [
        ['a', 'published'],
        ['b', 'nack'],
        ['c', 'published'],
      ],
      undefined,
      {
        offset: 100,
        published: 1,
        confirmed: 1,
        deadLetters: [],
        retry: 'b',
        attempts: { id: `${KEY}:200`, tries: 0 },
        lastError: 'publish_failed',
      },
    ],
    [
      'the head that had its tries is dead-lettered, and the rest goes on',
      [
        ['a', 'nack'],
        ['b', 'published'],
      ],
      triesOfFirst(2),
      {
        offset: 200,
        published: 1,
        confirmed: 2,
        deadLetters: ['publish_failed 3 times with the broker reachable'],
        retry: undefined,
        attempts: undefined,
        lastError: 'publish_failed',
      },
    ],
    [
      'tries of another record do not count for the head',
      [['a', 'nack']],
      { id: 'raw/other:100', tries: 2 },
      {
        offset: 0,
        published: 0,
        confirmed: 0,
        deadLetters: [],
        retry: 'a',
        attempts: triesOfFirst(1),
        lastError: 'publish_failed',
      },
    ],
    [
      'an empty batch settles nothing',
      [],
      triesOfFirst(1),
      {
        offset: 0,
        published: 0,
        confirmed: 0,
        deadLetters: [],
        retry: undefined,
        attempts: triesOfFirst(1),
        lastError: undefined,
      },
    ],
  ])('%s', (_name, rows, attempts, expected) => {
    const settled = settle(rows, attempts);
    expect({
      ...settled,
      deadLetters: settled.deadLetters.map((d) => d.reason),
      retry: idOf(settled.retry),
    }).toEqual(expected);
  });

  it('tells each dead letter its record, delivery and event', () => {
    const { deadLetters } = settle([['x', 'bad']]);
    expect(deadLetters).toEqual([
      { line: lineOf('x', false, 100), reason: 'bad_message', deliveryId: 'x', event: 'push' },
    ]);
  });

  it('starts from the position given when the batch began before it', () => {
    const { lines, outcomes } = batch([['a', 'nack']]);
    expect(
      settleBatch({ key: KEY, from: 50, lines, outcomes, attempts: undefined, maxAttempts: 3 }).offset,
    ).toBe(50);
  });
});

describe('takeBatch', () => {
  it.each<[string, readonly Row[], number, number, number]>([
    [
      'up to the size in public records',
      [
        ['a', 'none'],
        ['b', 'none'],
        ['c', 'none'],
      ],
      2,
      2,
      2,
    ],
    [
      'private ones ride along, uncounted',
      [
        ['a', 'none'],
        ['p', 'none', true],
        ['b', 'none'],
        ['q', 'none', true],
      ],
      2,
      4,
      2,
    ],
    [
      'the private ones after the last public one that fits are taken too',
      [
        ['a', 'none'],
        ['p', 'none', true],
        ['b', 'none'],
      ],
      1,
      2,
      1,
    ],
    ['all of a short chunk', [['a', 'none']], 5, 1, 1],
  ])('%s', (_name, rows, size, taken, publics) => {
    const batchOf = takeBatch(batch(rows).lines, size);
    expect([batchOf.lines.length, batchOf.public.length]).toEqual([taken, publics]);
  });
});
