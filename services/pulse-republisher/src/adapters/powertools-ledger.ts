/**
 * The Lambda's publish ledger: Powertools' idempotency utility on DynamoDB (`makeIdempotent` with
 * `DynamoDBPersistenceLayer`), keyed on the delivery's identity. Imported by the composition root
 * (handler.ts) only, so the local stack never loads Powertools or the DynamoDB client.
 *
 * One item per delivery (partition key `id` = `pulse#` + sha256 of the delivery key): a conditional
 * PutItem writes it INPROGRESS before the publish (failing when a live item exists: the delivery was
 * published, or is being published now), an UpdateItem makes it COMPLETED after the broker's
 * confirms, a DeleteItem removes it when the publish failed. `expiration` (DynamoDB's TTL) is the
 * window; `in_progress_expiration` is when the invocation would time out, so an invocation that dies
 * mid-publish does not hold the delivery for the whole window.
 */

import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describeError, type Logger, type Metrics, OnePerKey } from '@github-webhooks/runtime';
import type { Context } from 'aws-lambda';
import { PublishFailedError } from '../errors';
import type { PublishLedger, RepublisherMetric } from '../ports';

export interface PowertoolsLedgerOptions {
  /** The table (partition key `id`, a string; TTL on `expiration`). */
  readonly tableName: string;
  /** How long a published delivery is remembered (the items' `expiration`). */
  readonly windowSeconds: number;
  readonly client: DynamoDBClient;
  readonly logger: Logger;
  readonly metrics: Metrics<RepublisherMetric>;
}

/**
 * The part of every item's `id` before the hash: fixed, so renaming the function (Powertools'
 * default prefix) does not forget what was published.
 */
export const LEDGER_KEY_PREFIX = 'pulse';

type Progress = { state: 'not-run' | 'publishing' | 'published' | 'failed'; error?: unknown };

export class PowertoolsPublishLedger implements PublishLedger {
  private readonly config: IdempotencyConfig;
  private readonly publishOnce: (
    delivery: { readonly key: string },
    publish: () => Promise<void>,
  ) => Promise<void>;
  /** Deliveries being published by this container: a second message of one waits for the first. */
  private readonly serial = new OnePerKey<'published' | 'duplicate'>();

  constructor(private readonly options: PowertoolsLedgerOptions) {
    this.config = new IdempotencyConfig({
      eventKeyJmesPath: 'key',
      throwOnNoIdempotencyKey: true,
      expiresAfterSeconds: options.windowSeconds,
      hashFunction: 'sha256',
    });
    const persistenceStore = new DynamoDBPersistenceLayer({
      tableName: options.tableName,
      awsSdkV3Client: options.client,
    });
    this.publishOnce = makeIdempotent(
      async (_delivery: { readonly key: string }, publish: () => Promise<void>): Promise<void> => {
        await publish();
      },
      { persistenceStore, config: this.config, keyPrefix: LEDGER_KEY_PREFIX, dataIndexArgument: 0 },
    );
  }

  /**
   * The invocation's context, before its messages: an INPROGRESS item expires when the invocation
   * would time out (`getRemainingTimeInMillis`), and a later receive may then publish.
   */
  registerLambdaContext(context: Pick<Context, 'getRemainingTimeInMillis'>): void {
    this.config.registerLambdaContext(context as Context);
  }

  /**
   * The same delivery twice in one batch (SNS's or GitHub's duplicate) would find the first's
   * INPROGRESS item and fail: the second waits, then is a duplicate (or publishes if the first failed).
   */
  once(key: string, publish: () => Promise<void>): Promise<'published' | 'duplicate'> {
    return this.serial.run(key, () => this.attempt(key, publish));
  }

  private async attempt(key: string, publish: () => Promise<void>): Promise<'published' | 'duplicate'> {
    const progress: Progress = { state: 'not-run' };
    const tracked = async (): Promise<void> => {
      progress.state = 'publishing';
      try {
        await publish();
        progress.state = 'published';
      } catch (error) {
        progress.state = 'failed';
        progress.error = error;
        throw error;
      }
    };
    try {
      await this.publishOnce({ key }, tracked);
      // Powertools returned the stored result without running it: a COMPLETED item in the window.
      return progress.state === 'not-run' ? 'duplicate' : 'published';
    } catch (error) {
      return this.afterError(key, error, progress, publish);
    }
  }

  private async afterError(
    key: string,
    error: unknown,
    progress: Progress,
    publish: () => Promise<void>,
  ): Promise<'published' | 'duplicate'> {
    const { logger, metrics } = this.options;
    const fields = { delivery_key: key, error: describeError(error) };
    switch (progress.state) {
      case 'failed':
        // Not published: not remembered. If the INPROGRESS item could not be deleted either, it
        // lapses when this invocation would have timed out, before SQS hands the message over again.
        if (error !== progress.error) {
          metrics.count('LedgerUnavailable');
          logger.warn('publish ledger: could not forget a failed publish', fields);
        }
        throw progress.error;
      case 'published':
        // Published and confirmed, but not recorded as done: a redelivery after the INPROGRESS item
        // lapses publishes it again (the one repeat this ledger cannot rule out).
        metrics.count('LedgerUnavailable');
        logger.warn('publish ledger: published, but not recorded', fields);
        return 'published';
      case 'publishing':
        throw error; // unreachable: Powertools awaits the publish before anything else throws
      case 'not-run':
        break;
    }
    if (error instanceof IdempotencyAlreadyInProgressError) {
      // Another container is publishing this delivery now: this message is retried after the
      // queue's visibility timeout, by when it is a duplicate (or that publish failed or lapsed).
      throw new PublishFailedError([error]);
    }
    // The ledger cannot be read or written (throttled, unreachable, refused): publish all the same.
    // Pulse stays at least once; what the ledger saves consumers is a repeat, never a delivery.
    metrics.count('LedgerUnavailable');
    logger.error('publish ledger unavailable: publishing without it', fields);
    await publish();
    return 'published';
  }
}
