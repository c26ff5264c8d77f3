import type { EventRecord, StreamConsumer } from './types.ts';

/**
 * Several consumers on one stream reader (AWS throttles a third reader of a shard: DESIGN.md
 * §2): each gets every batch, and a record any of them could not handle is failed for all, so
 * the runtime delivers it (and what follows in its shard) again to each. They must be
 * idempotent, as every stream consumer is.
 */
export const together = (name: string, consumers: readonly StreamConsumer[]): StreamConsumer => ({
  name,
  async consume(records: readonly EventRecord[]) {
    const results = await Promise.all(consumers.map((c) => c.consume(records)));
    return { failed: [...new Set(results.flatMap((r) => r.failed))] };
  },
});
