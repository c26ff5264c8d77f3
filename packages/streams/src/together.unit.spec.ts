import { describe, expect, it } from 'vitest';
import { together } from './together.ts';
import type { EventRecord, StreamConsumer } from './types.ts';

const record = (n: number): EventRecord => ({ sequenceNumber: String(n), item: {} });
const consumer = (name: string, failing: string[]): StreamConsumer & { seen: string[] } => {
  const seen: string[] = [];
  const consume = async (rs: readonly EventRecord[]) => {
    seen.push(...rs.map((r) => r.sequenceNumber));
    return { failed: failing };
  };
  return { name, seen, consume };
};

describe('together', () => {
  it('gives each consumer the whole batch, and fails what any of them failed, once', async () => {
    const a = consumer('deadlines', ['2']);
    const b = consumer('publisher', ['2', '3']);
    const result = await together('reactor', [a, b]).consume([record(1), record(2), record(3)]);
    expect(a.seen).toEqual(['1', '2', '3']);
    expect(b.seen).toEqual(['1', '2', '3']);
    expect([...result.failed].sort()).toEqual(['2', '3']);
  });
});
