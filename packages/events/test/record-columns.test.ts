import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatRecordLine, RECORD_COLUMNS } from '../src';

const FORMAT_DOC = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'archive-format.md'), 'utf8');

/** The field names of docs/archive-format.md's record table, in order. */
function documentedFields(): string[] {
  const section = FORMAT_DOC.slice(FORMAT_DOC.indexOf('## The record format'));
  const table = section.slice(
    section.indexOf('| field | meaning |'),
    section.indexOf('\n\n', section.indexOf('| field |')),
  );
  return [...table.matchAll(/^\| `([a-z_0-9]+)` \|/gm)].map((m) => m[1] as string);
}

describe('RECORD_COLUMNS', () => {
  it('are the fields of a written record, in the order they are written', () => {
    const line = formatRecordLine(
      {
        deliveryId: 'g-1',
        event: 'push',
        receivedAt: new Date('2026-11-28T15:06:18.123Z'),
        hookId: '1',
        target: { type: 'organization', id: '42' },
        public: true,
        privacy: 'allowlisted',
        repository: 'o/r',
        action: null,
      },
      { payloadText: '{"ref":"refs/heads/main"}' },
    );
    expect(Object.keys(JSON.parse(line))).toEqual(RECORD_COLUMNS.map((c) => c.name));
  });

  it('are the fields docs/archive-format.md documents (payload_ref is not a column: compacted records hold payloads inline)', () => {
    expect(documentedFields()).toEqual([...RECORD_COLUMNS.map((c) => c.name), 'payload_ref']);
  });
});
