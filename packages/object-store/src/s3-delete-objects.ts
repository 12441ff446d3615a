import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { S3DeleteError } from './errors';
import type { S3Location } from './s3-location';

/** DeleteObjects accepts at most 1000 keys per request. */
const DELETE_BATCH = 1000;

/** Deletes the objects, 1000 keys a request; a missing object is not an error, any other failure is. */
export async function deleteObjects(at: S3Location, keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += DELETE_BATCH) {
    const batch = keys.slice(i, i + DELETE_BATCH);
    const output = await at.client.send(
      new DeleteObjectsCommand({
        Bucket: at.bucket,
        Delete: { Objects: batch.map((key) => ({ Key: at.prefix + key })), Quiet: true },
      }),
    );
    const failed = (output.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
    if (failed.length > 0) {
      const first = failed[0];
      throw new S3DeleteError(
        `S3 could not delete ${failed.length} of ${batch.length} objects, first ${first?.Key}: ${first?.Code} ${first?.Message}`,
      );
    }
  }
}
