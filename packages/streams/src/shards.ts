/** A shard as `DescribeStream` lists it. */
export interface ShardInfo {
  readonly shardId: string;
  readonly parentShardId?: string;
  /** A closed shard takes no more records (it has an ending sequence number). */
  readonly closed: boolean;
}

/** What is stored for one shard: how far it was handled, and whether it was read to its end. */
export interface StoredShard {
  readonly shardId: string;
  readonly streamArn: string;
  readonly sequenceNumber?: string;
  readonly done: boolean;
}

/**
 * The shards that may be read now, parents first: those not done whose parent is done or no
 * longer listed (trimmed away after 24 hours). A child is read only after its parent is finished,
 * which is what keeps every item's records in order across a shard split or rollover.
 */
export const readableShards = (shards: readonly ShardInfo[], done: ReadonlySet<string>): ShardInfo[] => {
  const listed = new Set(shards.map((shard) => shard.shardId));
  return shards.filter(
    (shard) =>
      !done.has(shard.shardId) &&
      (shard.parentShardId === undefined || !listed.has(shard.parentShardId) || done.has(shard.parentShardId)),
  );
};

/**
 * The shards already handled according to the stored positions: those stored as done, and every
 * ancestor of a shard with progress stored (a runner only reads a child after its parent, so such
 * a parent was finished even when its own item was pruned).
 */
export const handledShards = (shards: readonly ShardInfo[], stored: ReadonlyMap<string, StoredShard>): Set<string> => {
  const parentOf = new Map(shards.map((shard) => [shard.shardId, shard.parentShardId]));
  const handled = new Set<string>();
  for (const position of stored.values()) {
    if (position.done) handled.add(position.shardId);
    // a marker (no progress yet) says nothing about its parents
    if (!position.done && position.sequenceNumber === undefined) continue;
    for (let parent = parentOf.get(position.shardId); parent !== undefined; parent = parentOf.get(parent)) {
      handled.add(parent);
    }
  }
  return handled;
};

/**
 * Whether the stored position can no longer be followed: positions exist, but they belong to
 * another stream (the table was recreated, or DynamoDB Local restarted in memory), or a shard not
 * finished has left the stream (its records were trimmed while nobody read them). No stored
 * position at all is a fresh start, not a lost one.
 */
export const positionLost = (
  stored: ReadonlyMap<string, StoredShard>,
  streamArn: string,
  shards: readonly ShardInfo[],
): boolean => {
  const listed = new Set(shards.map((shard) => shard.shardId));
  return [...stored.values()].some(
    (position) => position.streamArn !== streamArn || (!position.done && !listed.has(position.shardId)),
  );
};

/** Stored shards that are finished and gone from the stream: their items only take space. */
export const prunableShards = (stored: ReadonlyMap<string, StoredShard>, shards: readonly ShardInfo[]): string[] => {
  const listed = new Set(shards.map((shard) => shard.shardId));
  return [...stored.values()]
    .filter((position) => position.done && !listed.has(position.shardId))
    .map((position) => position.shardId);
};
