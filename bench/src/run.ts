import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchIngestion } from './ingestion';
import { benchRepublish } from './republish';
import { runServer, type ServerKind } from './servers';

async function main(): Promise<void> {
  const [mode, arg] = process.argv.slice(2);
  if (mode === 'server') return runServer(arg as ServerKind);
  const stages = new Set((mode ?? 'ingestion').split(','));
  const results: Record<string, unknown> = {};
  if (stages.has('ingestion')) results.ingestion = await benchIngestion({ rounds: 3, seconds: 2 });
  if (stages.has('republish')) results.republish = await benchRepublish({ rounds: 3 });
  writeFileSync(join(__dirname, '..', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
