import { lambdaMonitoring } from '../src/powertools';

/** What Powertools writes: one EMF record per line on stdout. */
function captureStdout(run: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines.push(chunk.toString());
    return true;
  }) as typeof process.stdout.write;
  try {
    run();
  } finally {
    process.stdout.write = write;
  }
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the metrics on Powertools (CloudWatch EMF)', () => {
  it('sends a count with unit Count and a gauge with unit Seconds, in the GithubWebhooks namespace', () => {
    const monitoring = lambdaMonitoring('archive-compactor');
    const records = captureStdout(() => {
      monitoring.metrics.count('HoursCompacted', 2);
      monitoring.metrics.gauge('OldestRawAgeSeconds', 600);
      monitoring.publish();
    });
    expect(records).toHaveLength(1);
    const record = records[0] as { _aws: { CloudWatchMetrics: unknown[] } } & Record<string, unknown>;
    expect(record._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'GithubWebhooks',
        Dimensions: [['service']],
        Metrics: [
          { Name: 'HoursCompacted', Unit: 'Count' },
          { Name: 'OldestRawAgeSeconds', Unit: 'Seconds' },
        ],
      },
    ]);
    expect(record).toMatchObject({
      service: 'archive-compactor',
      HoursCompacted: 2,
      OldestRawAgeSeconds: 600,
    });
  });
});
