import { JsonLogger } from '../src';

describe('JsonLogger', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, write: (line: string) => lines.push(line) };
  };
  const clock = () => new Date('2026-11-28T10:00:00.000Z');

  it('writes one record per line: level, timestamp, service, message, then the fields', () => {
    const out = capture();
    const logger = new JsonLogger('archive-compactor', { out, clock });
    logger.info('hour compacted', { hour: '2026-11-28T10', records: 5 });
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]?.endsWith('\n')).toBe(true);
    expect(JSON.parse(out.lines[0] ?? '')).toEqual({
      level: 'INFO',
      timestamp: '2026-11-28T10:00:00.000Z',
      service: 'archive-compactor',
      message: 'hour compacted',
      hour: '2026-11-28T10',
      records: 5,
    });
  });

  it('sends warnings and errors to the error stream when given one, and drops what is below the level', () => {
    const out = capture();
    const errors = capture();
    const logger = new JsonLogger('github-webhooks-compact', { out, errors, minLevel: 'info', clock });
    logger.debug('not shown');
    logger.info('shown');
    logger.warn('quarantined unusable lines', { quarantined: 2 });
    logger.error('failed');
    expect(out.lines.map((l) => JSON.parse(l).message)).toEqual(['shown']);
    expect(errors.lines.map((l) => JSON.parse(l))).toMatchObject([
      { level: 'WARN', quarantined: 2 },
      { level: 'ERROR', message: 'failed' },
    ]);
  });

  it('keeps a child logger’s fields on every record, the record’s own fields winning', () => {
    const out = capture();
    const logger = new JsonLogger('s', { out, clock }).child({ component: 'relay', delivery_id: 'a' });
    logger.info('published', { delivery_id: 'b', event: 'push' });
    expect(JSON.parse(out.lines[0] ?? '')).toMatchObject({
      component: 'relay',
      delivery_id: 'b',
      event: 'push',
    });
  });
});
