import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COLD_START_SERVICES, constructedClients } from '../src/cold-start';

const handlerOf = (service: string) =>
  readFileSync(join(__dirname, '..', '..', 'services', service, 'src', 'handler.ts'), 'utf8');

describe('constructedClients', () => {
  // The cold start's baseline builds what each handler builds at load: a client added to or
  // dropped from a handler must show here, or the baseline would measure something else.
  // Typed by the measured functions: one missing here does not compile.
  const built: Record<(typeof COLD_START_SERVICES)[number], readonly string[]> = {
    ingestion: ['FirehoseClient', 'SNSClient', 'S3Client'],
    'pulse-republisher': ['DynamoDBClient', 'S3Client'],
    'archive-compactor': ['S3Client'],
    'delivery-reconciler': ['S3Client'],
  };
  it.each(COLD_START_SERVICES)('%s: builds the clients its handler builds', (service) => {
    expect(constructedClients(handlerOf(service))).toEqual(
      built[service].map((name) => expect.stringContaining(`).${name})({});`)),
    );
  });

  it('names the package each client is imported from, and skips a class it cannot place', () => {
    const source = [
      "import { S3Client } from '@aws-sdk/client-s3';",
      "import { Thing } from './thing';",
      'const a = new S3Client({});',
      'const b = new OtherClient({});',
    ].join('\n');
    expect(constructedClients(source)).toEqual(['new (require("@aws-sdk/client-s3").S3Client)({});']);
  });
});
