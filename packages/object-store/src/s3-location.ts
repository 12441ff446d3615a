import type { S3Client } from '@aws-sdk/client-s3';
import type { PutOptions } from './object-store';

/** Where an S3 store's objects are: its client, its bucket, and the prefix (empty or ending in `/`) before every key. */
export interface S3Location {
  readonly client: S3Client;
  readonly bucket: string;
  readonly prefix: string;
}

/** A PutObject's (or an upload's) Bucket, Key and the headers the options ask for. */
export const putParams = (at: S3Location, key: string, options: Omit<PutOptions, 'signal'>) => ({
  Bucket: at.bucket,
  Key: at.prefix + key,
  ...(options.contentType === undefined ? {} : { ContentType: options.contentType }),
  ...(options.contentEncoding === undefined ? {} : { ContentEncoding: options.contentEncoding }),
});

/** The SDK's per-request options for an optional signal. */
export const abortable = (signal: AbortSignal | undefined) =>
  signal === undefined ? {} : { abortSignal: signal };
