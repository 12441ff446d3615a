import { type FirehoseClient, PutRecordCommand } from '@aws-sdk/client-firehose';
import type { ArchiveSink, CallOptions } from '../ports';

/** Writes each delivery's NDJSON line to a Firehose stream that flushes to S3 `raw/`. */
export class FirehoseArchive implements ArchiveSink {
  constructor(
    private readonly client: FirehoseClient,
    private readonly streamName: string,
  ) {}

  async append(line: string | Buffer, options: CallOptions = {}): Promise<void> {
    const data = typeof line === 'string' ? Buffer.from(line) : line;
    if (data.at(-1) !== 0x0a) throw new TypeError('archive lines must end with a newline');
    const command = new PutRecordCommand({ DeliveryStreamName: this.streamName, Record: { Data: data } });
    await this.client.send(command, options.signal ? { abortSignal: options.signal } : {});
  }
}
