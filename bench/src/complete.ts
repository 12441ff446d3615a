import { benchPayloads, connectionsFor, instructionsPayload, republishPayloads } from './payloads';
import { type Row, rowKey } from './table';

export type Stage =
  | 'ingestion'
  | 'privacy'
  | 'republish'
  | 'compaction'
  | 'query'
  | 'cold-start'
  | 'instructions';

/** Every stage, in the order a run takes them. */
export const STAGES: readonly Stage[] = [
  'ingestion',
  'privacy',
  'republish',
  'compaction',
  'query',
  'cold-start',
  'instructions',
];

/** The (stage, case) rows a run of these stages must produce, from the same case lists the stages use. */
export function expectedRows(
  stages: ReadonlySet<Stage>,
  coldStartServices: readonly string[],
  querySizesMb: readonly number[] = [],
): string[] {
  const rows: string[] = [];
  if (stages.has('ingestion'))
    for (const payload of benchPayloads())
      for (const connections of connectionsFor(payload))
        for (const stage of ['ingestion, private', 'ingestion, public (relay live)'])
          rows.push(rowKey(stage, `${payload.name}, ${connections} conn`));
  if (stages.has('privacy'))
    for (const payload of benchPayloads()) rows.push(rowKey('privacy check', payload.name));
  if (stages.has('republish'))
    for (const payload of republishPayloads()) rows.push(rowKey('relay → RabbitMQ', payload.name));
  if (stages.has('compaction')) rows.push(rowKey('compaction', 'raw hour'));
  if (stages.has('query')) for (const mb of querySizesMb) rows.push(rowKey('query', `${mb} MB`));
  if (stages.has('cold-start'))
    for (const service of coldStartServices) rows.push(rowKey('cold start', service));
  if (stages.has('instructions')) rows.push(rowKey('instructions', instructionsPayload().name));
  return rows;
}

/** Every expected row that is missing, by name; an empty list when the run is complete. */
export function missingRows(expected: readonly string[], rows: readonly Row[]): string[] {
  const have = new Set(rows.map((row) => row.key));
  return expected.filter((key) => !have.has(key));
}
