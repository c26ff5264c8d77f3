// What a projection asks of the views table, as data: puts of items a stream owns whole,
// deletes, and updates of shared items (counters added to, attributes a stream owns set or
// removed). Pure: the projector turns these into DynamoDB requests.

/** A view item's key in the `views` table. */
export interface ViewKey {
  readonly pk: string;
  readonly sk: string;
}

/** What a view attribute may hold: views keep plain JSON-like values. */
export type ViewValue = string | number | boolean | null | readonly ViewValue[] | { readonly [k: string]: ViewValue };
export type ViewAttributes = Readonly<Record<string, ViewValue>>;

export type Change =
  /** The whole item, owned by one source stream. */
  | { readonly op: 'put'; readonly key: ViewKey; readonly item: ViewAttributes }
  | { readonly op: 'delete'; readonly key: ViewKey }
  /** A shared item: numbers added to, attributes set or removed (each owned by one source stream). */
  | {
      readonly op: 'update';
      readonly key: ViewKey;
      readonly add: Readonly<Record<string, number>>;
      readonly set: ViewAttributes;
      readonly remove: readonly string[];
    };

/** A change to a shared item. */
export type Update = Extract<Change, { op: 'update' }>;

export const keyId = (key: ViewKey): string => `${key.pk}\n${key.sk}`;

export const put = (key: ViewKey, item: ViewAttributes): Change => ({ op: 'put', key, item });
export const del = (key: ViewKey): Change => ({ op: 'delete', key });
export const update = (
  key: ViewKey,
  parts: { add?: Record<string, number>; set?: ViewAttributes; remove?: readonly string[] },
): Update => ({ op: 'update', key, add: parts.add ?? {}, set: parts.set ?? {}, remove: parts.remove ?? [] });

const applyUpdate = (item: ViewAttributes, u: Update): ViewAttributes => {
  const next: Record<string, ViewValue> = { ...item };
  for (const name of u.remove) delete next[name];
  Object.assign(next, u.set);
  for (const [name, n] of Object.entries(u.add)) {
    const before = next[name];
    next[name] = (typeof before === 'number' ? before : 0) + n;
  }
  return next;
};

const mergeUpdates = (a: Update, b: Update): Update => {
  const add: Record<string, number> = { ...a.add };
  for (const [name, n] of Object.entries(b.add)) add[name] = (add[name] ?? 0) + n;
  const set = { ...Object.fromEntries(Object.entries(a.set).filter(([name]) => !b.remove.includes(name))), ...b.set };
  const remove = [...new Set([...a.remove.filter((name) => !(name in b.set)), ...b.remove])];
  return { op: 'update', key: a.key, add, set, remove };
};

/** Two changes to one item as one: later puts and deletes win, updates fold into what they follow. */
const merge = (earlier: Change, later: Change): Change => {
  if (later.op !== 'update') return later;
  if (earlier.op === 'put') return put(earlier.key, applyUpdate(earlier.item, later));
  // after a delete, an update starts from nothing
  if (earlier.op === 'delete') return put(later.key, applyUpdate({}, later));
  return mergeUpdates(earlier, later);
};

const isEmpty = (c: Change) =>
  c.op === 'update' &&
  Object.values(c.add).every((n) => n === 0) &&
  Object.keys(c.set).length === 0 &&
  c.remove.length === 0;

/** One change per item, in the order items were first touched: what a batch writes. */
export const coalesce = (changes: Iterable<Change>): Change[] => {
  const byKey = new Map<string, Change>();
  for (const change of changes) {
    const id = keyId(change.key);
    const before = byKey.get(id);
    byKey.set(id, before ? merge(before, change) : change);
  }
  const out: Change[] = [];
  for (const change of byKey.values()) {
    if (isEmpty(change)) continue;
    if (change.op === 'update') {
      const add = Object.fromEntries(Object.entries(change.add).filter(([, n]) => n !== 0));
      out.push({ ...change, add });
    } else out.push(change);
  }
  return out;
};

/**
 * What a stream contributes to the views, as a whole: the items it owns, the attributes it
 * owns on shared items, and what it adds to shared counters. Projecting an event is the
 * difference between the contribution before and after it, so a correction (a voided entry)
 * or a late fact (a reply that lifts a reply rate) is just another difference.
 */
export interface Contribution {
  readonly items: ReadonlyMap<string, { readonly key: ViewKey; readonly item: ViewAttributes }>;
  readonly owned: ReadonlyMap<string, { readonly key: ViewKey; readonly attributes: ViewAttributes }>;
  readonly counters: ReadonlyMap<string, { readonly key: ViewKey; readonly counts: Readonly<Record<string, number>> }>;
}

/** Builds a contribution; adding to the same counter twice sums. */
export class ContributionBuilder {
  private readonly items = new Map<string, { key: ViewKey; item: ViewAttributes }>();
  private readonly owned = new Map<string, { key: ViewKey; attributes: Record<string, ViewValue> }>();
  private readonly counters = new Map<string, { key: ViewKey; counts: Record<string, number> }>();

  item(key: ViewKey, item: ViewAttributes): this {
    this.items.set(keyId(key), { key, item });
    return this;
  }

  own(key: ViewKey, name: string, value: ViewValue): this {
    const id = keyId(key);
    const entry = this.owned.get(id) ?? { key, attributes: {} };
    entry.attributes[name] = value;
    this.owned.set(id, entry);
    return this;
  }

  count(key: ViewKey, name: string, n = 1): this {
    if (n === 0) return this;
    const id = keyId(key);
    const entry = this.counters.get(id) ?? { key, counts: {} };
    entry.counts[name] = (entry.counts[name] ?? 0) + n;
    this.counters.set(id, entry);
    return this;
  }

  build(): Contribution {
    return { items: this.items, owned: this.owned, counters: this.counters };
  }
}

export const EMPTY_CONTRIBUTION: Contribution = new ContributionBuilder().build();

const same = (a: ViewValue | undefined, b: ViewValue | undefined) => JSON.stringify(a) === JSON.stringify(b);

/** The changes that turn `before` into `after`. */
export const diff = (before: Contribution, after: Contribution): Change[] => {
  const changes: Change[] = [];
  for (const [id, { key, item }] of after.items) {
    if (!same(before.items.get(id)?.item, item)) changes.push(put(key, item));
  }
  for (const [id, { key }] of before.items) if (!after.items.has(id)) changes.push(del(key));

  const ownedIds = new Set([...before.owned.keys(), ...after.owned.keys()]);
  for (const id of ownedIds) {
    const old = before.owned.get(id)?.attributes ?? {};
    const now = after.owned.get(id)?.attributes ?? {};
    const key = (after.owned.get(id) ?? before.owned.get(id))?.key as ViewKey;
    const set = Object.fromEntries(Object.entries(now).filter(([name, value]) => !same(old[name], value)));
    const remove = Object.keys(old).filter((name) => !(name in now));
    if (Object.keys(set).length > 0 || remove.length > 0) changes.push(update(key, { set, remove }));
  }

  const counterIds = new Set([...before.counters.keys(), ...after.counters.keys()]);
  for (const id of counterIds) {
    const old = before.counters.get(id)?.counts ?? {};
    const now = after.counters.get(id)?.counts ?? {};
    const key = (after.counters.get(id) ?? before.counters.get(id))?.key as ViewKey;
    const add: Record<string, number> = {};
    for (const name of new Set([...Object.keys(old), ...Object.keys(now)])) {
      const delta = (now[name] ?? 0) - (old[name] ?? 0);
      if (delta !== 0) add[name] = delta;
    }
    if (Object.keys(add).length > 0) changes.push(update(key, { add }));
  }
  return changes;
};
