import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PreconditionFailedError } from './errors';
import type { PutOptions, WriteCondition } from './object-store';
import { isAlreadyThere, isMissing } from './s3-error-mapping';
import { abortable, putParams, type S3Location } from './s3-location';

export interface ConditionalPut {
  readonly key: string;
  readonly body: Uint8Array;
  readonly condition: WriteCondition;
  readonly options: Omit<PutOptions, 'ifAbsent'>;
}

/**
 * One PutObject with `If-None-Match: *` or `If-Match: <etag>`. S3 answers 412 when the condition
 * does not hold, 409 ConditionalRequestConflict when another write of the key raced this one, and
 * (If-Match) 404 NoSuchKey when there is no object: each means this write did not happen.
 */
export async function putObjectIf(
  at: S3Location,
  { key, body, condition, options }: ConditionalPut,
): Promise<string> {
  const header = 'ifNoneMatch' in condition ? 'If-None-Match' : 'If-Match';
  try {
    const output = await at.client.send(
      new PutObjectCommand({
        ...putParams(at, key, options),
        Body: body,
        ...('ifNoneMatch' in condition ? { IfNoneMatch: '*' } : { IfMatch: condition.ifMatch }),
      }),
      abortable(options.signal),
    );
    if (output.ETag === undefined) throw new Error(`S3 PutObject ${key} returned no ETag`);
    return output.ETag;
  } catch (error) {
    if (isAlreadyThere(error) || (header === 'If-Match' && isMissing(error)))
      throw new PreconditionFailedError(key, header, { cause: error });
    throw error;
  }
}
