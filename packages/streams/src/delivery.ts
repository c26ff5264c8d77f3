import type { DynamoDBRecord } from 'aws-lambda';
import type { StreamLogger } from './logger.ts';
import { sequenceNumberOf } from './records.ts';
import type { StreamBatchHandler } from './types.ts';

/** Why a record was given up on, when the handler answered instead of throwing. */
export class StreamRecordFailedError extends Error {
  readonly code = 'STREAM_RECORD_FAILED';
  constructor(
    readonly sequenceNumber: string,
    readonly attempts: number,
  ) {
    super(`stream record ${sequenceNumber} was reported failed ${attempts} times`);
    this.name = 'StreamRecordFailedError';
  }
}

/** Called with the records a batch got past: all of them handled, `delivered` the ones that succeeded. */
export type Commit = (handled: readonly DynamoDBRecord[], delivered: readonly DynamoDBRecord[]) => Promise<void>;

export interface DeliveryOptions {
  readonly handler: StreamBatchHandler;
  readonly consumerName: string;
  readonly batchSize: number;
  readonly maxAttempts: number;
  /** The first retry's delay; it doubles up to `retryMaxMs`. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly logger: StreamLogger;
  readonly onGiveUp?: (record: DynamoDBRecord, error: unknown) => void | Promise<void>;
  /** Waits between retries; answers false when the runner is stopping (the wait is cut short). */
  readonly pause: (ms: number) => Promise<boolean>;
  readonly stopping: () => boolean;
}

interface Outcome {
  /** The index of the first record to deliver again, if any. */
  readonly failedAt: number | undefined;
  readonly error?: unknown;
}

/**
 * Lambda's delivery of a shard's records, for the local runner: in order, in batches; on a
 * partial failure everything before the lowest failed record is committed and delivery resumes
 * at that record after a backoff; a record failing `maxAttempts` times is given up on (logged,
 * `onGiveUp`, then skipped) as a Lambda on-failure destination would take it.
 */
export class Delivery {
  /** Attempts per sequence number; kept across restarts of the read loop, cleared once a record is past. */
  private readonly attempts = new Map<string, number>();

  constructor(private readonly options: DeliveryOptions) {}

  /** Delivers the records; false when the runner stopped first (what was committed stays committed). */
  async deliver(records: readonly DynamoDBRecord[], commit: Commit): Promise<boolean> {
    let queue = records;
    while (queue.length > 0) {
      const batch = queue.slice(0, this.options.batchSize);
      const { failedAt, error } = await this.invoke(batch);
      if (failedAt === undefined) {
        await this.pass(batch, batch, commit);
        queue = queue.slice(batch.length);
      } else {
        const skip = await this.afterFailure(batch, failedAt, error, commit);
        queue = queue.slice(skip ? failedAt + 1 : failedAt);
        if (!skip && !(await this.options.pause(this.backoff(batch[failedAt])))) return false;
      }
      if (queue.length > 0 && this.options.stopping()) return false;
    }
    return true;
  }

  /** One handler call; a handler that throws (ours never does) counts as failing the whole batch. */
  private async invoke(batch: readonly DynamoDBRecord[]): Promise<Outcome> {
    try {
      const response = await this.options.handler({ Records: [...batch] });
      const failures = response?.batchItemFailures ?? [];
      if (failures.length === 0) return { failedAt: undefined };
      const ids = batch.map(sequenceNumberOf);
      const indexes = failures.map((failure) => ids.indexOf(failure.itemIdentifier));
      if (indexes.includes(-1)) {
        // Lambda treats a failure it cannot place as the whole batch failing
        this.options.logger.warn('stream handler named a record not in its batch: the whole batch is retried', {
          consumer: this.options.consumerName,
          failures,
        });
        return { failedAt: 0 };
      }
      return { failedAt: Math.min(...indexes) };
    } catch (error) {
      this.options.logger.error('stream handler threw: the whole batch is retried', {
        consumer: this.options.consumerName,
        error,
      });
      return { failedAt: 0, error };
    }
  }

  /** Commits the records before the failed one; answers whether the failed one is given up on. */
  private async afterFailure(
    batch: readonly DynamoDBRecord[],
    failedAt: number,
    thrown: unknown,
    commit: Commit,
  ): Promise<boolean> {
    const failed = batch[failedAt] as DynamoDBRecord;
    const sequenceNumber = sequenceNumberOf(failed);
    const attempts = (this.attempts.get(sequenceNumber) ?? 0) + 1;
    const before = batch.slice(0, failedAt);
    if (attempts < this.options.maxAttempts) {
      this.attempts.set(sequenceNumber, attempts);
      if (before.length > 0) await this.pass(before, before, commit);
      this.options.logger.warn('stream record failed: delivering it again after a backoff', {
        consumer: this.options.consumerName,
        sequenceNumber,
        attempts,
      });
      return false;
    }
    const error = thrown ?? new StreamRecordFailedError(sequenceNumber, attempts);
    this.options.logger.error(`GAVE UP on stream record ${sequenceNumber} after ${attempts} attempts: it is skipped`, {
      consumer: this.options.consumerName,
      sequenceNumber,
      record: failed,
      error,
    });
    try {
      await this.options.onGiveUp?.(failed, error);
    } catch (callbackError) {
      this.options.logger.error('onGiveUp threw', { consumer: this.options.consumerName, error: callbackError });
    }
    await this.pass([...before, failed], before, commit);
    return true;
  }

  private async pass(handled: readonly DynamoDBRecord[], delivered: readonly DynamoDBRecord[], commit: Commit) {
    await commit(handled, delivered);
    for (const record of handled) this.attempts.delete(sequenceNumberOf(record));
  }

  private backoff(record: DynamoDBRecord | undefined): number {
    const attempts = record ? (this.attempts.get(sequenceNumberOf(record)) ?? 1) : 1;
    return Math.min(this.options.retryBaseMs * 2 ** (attempts - 1), this.options.retryMaxMs);
  }
}
