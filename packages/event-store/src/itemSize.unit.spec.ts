import { describe, expect, it } from 'vitest';
import { itemSize, itemSizeBound } from './itemSize.ts';

describe('itemSize', () => {
  it('counts names and values as DynamoDB does', () => {
    expect(itemSize({ pk: { S: 'abc' } })).toBe(5);
    expect(itemSize({ name: { S: 'é' } })).toBe(6);
    expect(itemSize({ n: { N: '12345' } })).toBe(1 + 4);
    expect(itemSize({ m: { M: { a: { S: 'xy' } } } })).toBe(1 + 3 + 3 + 1);
    expect(itemSize({ l: { L: [{ S: 'ab' }, { BOOL: true }] } })).toBe(1 + 3 + 3 + 2);
  });

  it('bounds the size from above cheaply, multi-byte text included', () => {
    for (const item of [
      { pk: { S: 'abc' } },
      { name: { S: 'é😀' }, n: { N: '12345' } },
      { x: { S: '中'.repeat(1000) } },
    ]) {
      expect(itemSizeBound(item)).toBeGreaterThanOrEqual(itemSize(item));
    }
  });
});
