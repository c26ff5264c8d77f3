import { describe, expect, it } from 'vitest';
import {
  handledShards,
  positionLost,
  prunableShards,
  readableShards,
  type ShardInfo,
  type StoredShard,
} from './shards.ts';

const ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/events/stream/2026-01-01T00:00:00.000';
const shard = (shardId: string, parentShardId?: string, closed = false): ShardInfo => ({
  shardId,
  closed,
  ...(parentShardId && { parentShardId }),
});
const stored = (...positions: StoredShard[]) => new Map(positions.map((position) => [position.shardId, position]));
const ids = (shards: readonly ShardInfo[]) => shards.map((s) => s.shardId);

describe('readableShards', () => {
  // a rollover: a → b → c; a split: b → (c, d)
  const stream = [shard('a', undefined, true), shard('b', 'a', true), shard('c', 'b'), shard('d', 'b')];

  it('reads a parent before its children', () => {
    expect(ids(readableShards(stream, new Set()))).toEqual(['a']);
    expect(ids(readableShards(stream, new Set(['a'])))).toEqual(['b']);
  });

  it('reads both children of a split once their parent is done', () => {
    expect(ids(readableShards(stream, new Set(['a', 'b'])))).toEqual(['c', 'd']);
  });

  it('reads a shard whose parent was trimmed away as a root', () => {
    expect(ids(readableShards([shard('c', 'gone'), shard('e', 'c')], new Set()))).toEqual(['c']);
  });
});

describe('handledShards', () => {
  const stream = [shard('a', undefined, true), shard('b', 'a', true), shard('c', 'b')];

  it('counts the ancestors of a shard with progress as handled', () => {
    const handled = handledShards(stream, stored({ shardId: 'c', streamArn: ARN, sequenceNumber: '9', done: false }));
    expect([...handled].sort()).toEqual(['a', 'b']);
  });

  it('counts shards stored as done, and nothing for a mere marker', () => {
    expect([...handledShards(stream, stored({ shardId: 'a', streamArn: ARN, done: true }))]).toEqual(['a']);
    expect([...handledShards(stream, stored({ shardId: 'c', streamArn: ARN, done: false }))]).toEqual([]);
  });
});

describe('positionLost', () => {
  const stream = [shard('b', 'a', true), shard('c', 'b')];

  it('is not lost without any stored position (a fresh start)', () => {
    expect(positionLost(new Map(), ARN, stream)).toBe(false);
  });

  it('is lost when an unfinished stored shard is not in the stream', () => {
    expect(positionLost(stored({ shardId: 'x', streamArn: ARN, sequenceNumber: '1', done: false }), ARN, stream)).toBe(
      true,
    );
  });

  it('is lost when the positions belong to another stream', () => {
    expect(positionLost(stored({ shardId: 'c', streamArn: `${ARN}x`, done: false }), ARN, stream)).toBe(true);
  });

  it('is not lost when only finished shards have left', () => {
    const positions = stored(
      { shardId: 'a', streamArn: ARN, done: true },
      { shardId: 'c', streamArn: ARN, sequenceNumber: '5', done: false },
    );
    expect(positionLost(positions, ARN, stream)).toBe(false);
    expect(prunableShards(positions, stream)).toEqual(['a']);
  });
});
