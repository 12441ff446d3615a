import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { ObjectInfo } from './object-store';
import type { S3Location } from './s3-location';

/** Every object whose key starts with `prefix`, page by page (ListObjectsV2, `pageSize` keys each), keys without the store's prefix. */
export async function* listObjects(
  at: S3Location,
  prefix: string,
  pageSize: number,
): AsyncIterable<ObjectInfo> {
  let token: string | undefined;
  do {
    const page = await at.client.send(
      new ListObjectsV2Command({
        Bucket: at.bucket,
        Prefix: at.prefix + prefix,
        MaxKeys: pageSize,
        ...(token === undefined ? {} : { ContinuationToken: token }),
      }),
    );
    for (const object of page.Contents ?? []) {
      if (object.Key === undefined) continue;
      yield {
        key: object.Key.slice(at.prefix.length),
        size: object.Size ?? 0,
        lastModified: object.LastModified ?? new Date(0),
      };
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}
