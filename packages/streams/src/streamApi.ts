import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  type _Record as StreamsRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { toLambdaItem } from './attributes.ts';
import type { ShardInfo } from './shards.ts';

/** The table's current stream; a table recreated (or DynamoDB Local restarted in memory) has a new one. */
export const latestStreamArn = async (client: DynamoDBClient, table: string): Promise<string> => {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
  if (!Table?.LatestStreamArn) throw new Error(`table ${table} has no stream`);
  return Table.LatestStreamArn;
};

/** Every shard of the stream, following `DescribeStream`'s pages. */
export const describeShards = async (streams: DynamoDBStreamsClient, streamArn: string): Promise<ShardInfo[]> => {
  const shards: ShardInfo[] = [];
  let startShardId: string | undefined;
  do {
    const { StreamDescription } = await streams.send(
      new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: startShardId }),
    );
    for (const shard of StreamDescription?.Shards ?? []) {
      if (!shard.ShardId) continue;
      shards.push({
        shardId: shard.ShardId,
        closed: shard.SequenceNumberRange?.EndingSequenceNumber !== undefined,
        ...(shard.ParentShardId && { parentShardId: shard.ParentShardId }),
      });
    }
    startShardId = StreamDescription?.LastEvaluatedShardId;
  } while (startShardId);
  return shards;
};

/** The region an ARN names (`ddblocal` for DynamoDB Local). */
export const regionOf = (arn: string): string => arn.split(':')[3] || 'ddblocal';

/**
 * A record read with the SDK into the record Lambda would hand the function: the same fields,
 * `ApproximateCreationDateTime` in epoch seconds, binary values as base64 text.
 */
export const toLambdaRecord = (record: StreamsRecord, streamArn: string): DynamoDBRecord => {
  const data = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: record.eventSource ?? 'aws:dynamodb',
    awsRegion: record.awsRegion ?? regionOf(streamArn),
    eventSourceARN: streamArn,
    dynamodb: {
      ...(data.ApproximateCreationDateTime && {
        ApproximateCreationDateTime: Math.floor(data.ApproximateCreationDateTime.getTime() / 1000),
      }),
      Keys: toLambdaItem(data.Keys ?? {}),
      ...(data.NewImage && { NewImage: toLambdaItem(data.NewImage) }),
      ...(data.OldImage && { OldImage: toLambdaItem(data.OldImage) }),
      SequenceNumber: data.SequenceNumber,
      SizeBytes: data.SizeBytes,
      StreamViewType: data.StreamViewType,
    },
  };
};

/** The SDK's error name (exceptions are told apart by name: bundling can duplicate their classes). */
export const errorName = (error: unknown): string | undefined => (error instanceof Error ? error.name : undefined);
