import { S3Client } from '@aws-sdk/client-s3';
import { FsObjectStore } from './fs-object-store';
import type { ObjectStore } from './object-store';
import { uploadInParts } from './s3-multipart-upload';
import { S3ObjectStore } from './s3-object-store';

export interface OpenObjectStoreOptions {
  /** The client for `s3://` locations; default: a client with the SDK's default configuration. */
  readonly s3Client?: S3Client;
}

/**
 * The store a location names: `s3://bucket` or `s3://bucket/prefix` is an S3ObjectStore, anything
 * else (a path, or a `file://` URL) an FsObjectStore rooted there.
 */
export function openObjectStore(location: string, options: OpenObjectStoreOptions = {}): ObjectStore {
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(location);
  if (s3) {
    const [, bucket = '', prefix = ''] = s3;
    return new S3ObjectStore({
      client: options.s3Client ?? new S3Client({}),
      bucket,
      prefix,
      uploadInParts,
    });
  }
  if (location.startsWith('s3:')) throw new InvalidLocationError(`no bucket in ${location}`);
  if (location === '') throw new InvalidLocationError('empty store location');
  return new FsObjectStore(location.startsWith('file://') ? new URL(location).pathname : location);
}

export class InvalidLocationError extends Error {
  override readonly name = 'InvalidLocationError';
}
