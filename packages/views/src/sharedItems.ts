import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { keyId, type Update, type ViewAttributes, type ViewKey, type ViewValue } from './changes.ts';

// The shared items of a replay (cohort-day buckets, per-student counters), summed in memory as
// streams are replayed. They grow with students, cohorts and days, not with events; still, a
// tenant of many students over years would not fit. So beyond a limit the items held are
// written to a temporary file sorted by key and memory starts again empty; at the end the
// files are merged key by key (an external aggregation), reading one line of each at a time.

type Entry = { key: ViewKey; item: Record<string, ViewValue> };
type Line = [id: string, key: ViewKey, item: Record<string, ViewValue>];

const withoutZeros = ({ key, item }: Entry): { key: ViewKey; item: ViewAttributes } => ({
  key,
  item: Object.fromEntries(Object.entries(item).filter(([, v]) => v !== 0)),
});

/** Numbers added, other values set: what two partial sums of one shared item make together. */
const mergeInto = (into: Record<string, ViewValue>, item: Record<string, ViewValue>) => {
  for (const [name, value] of Object.entries(item)) {
    const before = into[name];
    into[name] = typeof value === 'number' && typeof before === 'number' ? before + value : value;
  }
};

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class SharedItems {
  private items = new Map<string, Entry>();
  /** Items and attributes held: what memory grows with. */
  private held = 0;
  private readonly spills: string[] = [];
  private dir: string | undefined;

  /** `limit`: how many items and attributes to hold before spilling to a file. */
  constructor(private readonly limit = 25_000) {}

  get spilled(): number {
    return this.spills.length;
  }

  /**
   * Counters added, owned attributes set. A stream's changes come coalesced, and each owned
   * attribute has one owner, so a removal never needs an earlier, spilled value.
   */
  apply(change: Update): void {
    const id = keyId(change.key);
    let entry = this.items.get(id);
    if (!entry) {
      entry = { key: change.key, item: {} };
      this.items.set(id, entry);
      this.held++;
    }
    const item = entry.item;
    for (const name of change.remove) delete item[name];
    for (const [name, value] of Object.entries(change.set)) {
      if (!(name in item)) this.held++;
      item[name] = value;
    }
    for (const [name, n] of Object.entries(change.add)) {
      const before = item[name];
      if (before === undefined) this.held++;
      item[name] = (typeof before === 'number' ? before : 0) + n;
    }
    if (this.held > this.limit) this.spill();
  }

  private spill(): void {
    this.dir ??= mkdtempSync(join(tmpdir(), 'views-replay-'));
    const file = join(this.dir, `${this.spills.length}.jsonl`);
    const ids = [...this.items.keys()].sort(compare);
    // Written a few hundred lines at a time: the file is never one string in memory.
    const fd = openSync(file, 'w');
    try {
      for (let i = 0; i < ids.length; i += 500) {
        const lines = ids.slice(i, i + 500).map((id) => {
          const { key, item } = this.items.get(id) as Entry;
          return `${JSON.stringify([id, key, item] satisfies Line)}\n`;
        });
        writeSync(fd, lines.join(''));
      }
    } finally {
      closeSync(fd);
    }
    this.spills.push(file);
    this.items = new Map();
    this.held = 0;
  }

  /** Every shared item once, its partial sums merged, zero counters left out; temporary files removed after. */
  async *all(): AsyncGenerator<{ key: ViewKey; item: ViewAttributes }> {
    const inputs: ReturnType<typeof createReadStream>[] = [];
    try {
      if (this.spills.length === 0) {
        for (const entry of this.items.values()) yield withoutZeros(entry);
        return;
      }
      this.spill();
      const readers = this.spills.map((file) => {
        const input = createReadStream(file);
        inputs.push(input);
        return createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })[Symbol.asyncIterator]();
      });
      const next = async (i: number): Promise<Line | undefined> => {
        const { value, done } = await (readers[i] as AsyncIterator<string>).next();
        return done ? undefined : (JSON.parse(value) as Line);
      };
      const heads = await Promise.all(readers.map((_, i) => next(i)));
      for (;;) {
        let smallest: string | undefined;
        for (const head of heads) if (head && (smallest === undefined || head[0] < smallest)) smallest = head[0];
        if (smallest === undefined) return;
        let merged: Entry | undefined;
        for (const [i, head] of heads.entries()) {
          if (head?.[0] !== smallest) continue;
          if (merged) mergeInto(merged.item, head[2]);
          else merged = { key: head[1], item: head[2] };
          heads[i] = await next(i);
        }
        yield withoutZeros(merged as Entry);
      }
    } finally {
      for (const input of inputs) input.destroy();
      if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
