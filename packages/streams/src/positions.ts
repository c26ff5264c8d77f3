import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { StoredShard } from './shards.ts';

/** The sort key of the item holding the catch-up mark, beside the per-shard items. */
const LAST = '_last';

/** What a consumer's runner has stored: a position per shard and the catch-up mark. */
export interface StoredPositions {
  readonly shards: ReadonlyMap<string, StoredShard>;
  /** The latest `recordedAt` among the events delivered successfully (or the start's floor). */
  readonly lastRecordedAt: string | undefined;
}

const toStoredShard = (item: Record<string, AttributeValue>): StoredShard => ({
  shardId: item.sk?.S ?? '',
  streamArn: item.streamArn?.S ?? '',
  done: item.done?.BOOL === true,
  ...(item.sequenceNumber?.S !== undefined && { sequenceNumber: item.sequenceNumber.S }),
});

/**
 * The local runner's positions, kept in the views table under `_local#StreamPosition#{consumer}`
 * (one item per shard, sort key the shard id, and `_last`): they outlive the process, as a Lambda
 * event source mapping's do, so a restarted runner neither replays nor skips.
 */
export class PositionStore {
  private readonly pk: string;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    consumerName: string,
  ) {
    this.pk = `_local#StreamPosition#${consumerName}`;
  }

  /** Everything stored for the consumer (strongly consistent: it decides where reading resumes). */
  async load(): Promise<StoredPositions> {
    const shards = new Map<string, StoredShard>();
    let lastRecordedAt: string | undefined;
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: this.pk } },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (item.sk?.S === LAST) lastRecordedAt = item.recordedAt?.S;
        else shards.set(item.sk?.S ?? '', toStoredShard(item));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return { shards, lastRecordedAt };
  }

  /** Records how far a shard was handled (the last record handled, and whether that was its end). */
  async saveShard(position: StoredShard): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: {
          pk: { S: this.pk },
          sk: { S: position.shardId },
          streamArn: { S: position.streamArn },
          done: { BOOL: position.done },
          updatedAt: { S: new Date().toISOString() },
          ...(position.sequenceNumber !== undefined && { sequenceNumber: { S: position.sequenceNumber } }),
        },
      }),
    );
  }

  /**
   * Notes a shard the runner has begun to follow, unless it is noted already: should the shard
   * leave the stream before it is finished, the missing item's absence would hide the loss.
   */
  async saveMarker(shardId: string, streamArn: string): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: { pk: { S: this.pk }, sk: { S: shardId }, streamArn: { S: streamArn }, done: { BOOL: false } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Moves the catch-up mark forward, never back (batches of several shards may finish out of order). */
  async advanceLast(recordedAt: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: { S: this.pk }, sk: { S: LAST } },
          UpdateExpression: 'SET recordedAt = :at',
          ConditionExpression: 'attribute_not_exists(recordedAt) OR recordedAt < :at',
          ExpressionAttributeValues: { ':at': { S: recordedAt } },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Sets the catch-up mark unless one exists: a fresh start's floor, so a later loss has somewhere to start. */
  async ensureLast(recordedAt: string): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: { pk: { S: this.pk }, sk: { S: LAST }, recordedAt: { S: recordedAt } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Drops shard items: those of a lost position after catching up, or finished shards trimmed away. */
  async forgetShards(shardIds: readonly string[]): Promise<void> {
    for (const shardId of shardIds) {
      await this.client.send(
        new DeleteItemCommand({ TableName: this.table, Key: { pk: { S: this.pk }, sk: { S: shardId } } }),
      );
    }
  }
}
