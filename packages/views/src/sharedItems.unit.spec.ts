import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { update, type ViewKey } from './changes.ts';
import { SharedItems } from './sharedItems.ts';

const key = (i: number): ViewKey => ({ pk: `ten_x#g2#CohortDaily#coh_${i % 7}`, sk: `day#2025-01-${10 + (i % 13)}` });

/** A pseudo-random run of updates: counters up and down, owned attributes set and replaced. */
const updates = (n: number) => {
  let seed = 42;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed;
  };
  return Array.from({ length: n }, (_, i) => {
    const r = next();
    return update(key(r), {
      add: { [`n_${r % 5}`]: (r % 3) - 1, [`a_usr_${r % 11}`]: 1 },
      ...(r % 4 === 0 && { set: { [`pd_int_${i % 9}`]: [{ dueAt: `2025-01-${10 + (r % 9)}` }] } }),
    });
  });
};

const drain = async (shared: SharedItems) => {
  const out = [];
  for await (const x of shared.all()) out.push(x);
  return out.sort((a, b) => `${a.key.pk}|${a.key.sk}`.localeCompare(`${b.key.pk}|${b.key.sk}`));
};

const spillDirs = () => readdirSync(tmpdir()).filter((d) => d.startsWith('views-replay-'));

describe('shared items of a replay', () => {
  it('spilled to files beyond their limit, sum to what memory alone sums', async () => {
    const before = spillDirs();
    const inMemory = new SharedItems(Number.POSITIVE_INFINITY);
    const spilling = new SharedItems(40);
    for (const change of updates(2_000)) {
      inMemory.apply(change);
      spilling.apply(change);
    }
    expect(inMemory.spilled).toBe(0);
    expect(spilling.spilled).toBeGreaterThan(10);
    const expected = await drain(inMemory);
    expect(expected.length).toBeGreaterThan(50);
    // zero counters are left out, in both
    expect(expected.some(({ item }) => Object.values(item).includes(0))).toBe(false);
    expect(await drain(spilling)).toEqual(expected);
    // the temporary files are gone
    expect(spillDirs()).toEqual(before);
  });

  it('removes its files even when the reader stops early', async () => {
    const before = spillDirs();
    const spilling = new SharedItems(10);
    for (const change of updates(200)) spilling.apply(change);
    for await (const _ of spilling.all()) break;
    expect(spillDirs()).toEqual(before);
  });
});
