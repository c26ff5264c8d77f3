import { type AttributeValue, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'vitest';

// What the fault tests read back, with a clean client, to judge what the faults left behind:
// the events as stored, and a tenant's views as comparable rows.

type Item = Record<string, AttributeValue>;

/** Every item of a table (strongly consistent). */
export const scanAll = async (client: DynamoDBClient, table: string): Promise<Item[]> => {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: table, ConsistentRead: true, ...(start && { ExclusiveStartKey: start }) }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

/** An event item as the checks need it. */
export interface StoredEvent {
  /** `{tenant}#{type}#{id}` */
  readonly pk: string;
  readonly tenantId: string;
  readonly streamType: string;
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly idempotencyKey: string | undefined;
}

/** Every event item of the events table (snapshots, guards and data keys left out). */
export const storedEvents = async (client: DynamoDBClient, eventsTable: string): Promise<StoredEvent[]> =>
  (await scanAll(client, eventsTable))
    .filter((item) => item.kind?.S === 'event')
    .map((item) => {
      const pk = item.pk?.S as string;
      const [tenantId, streamType, streamId] = pk.split('#') as [string, string, string];
      const meta = JSON.parse(item.meta?.S as string) as { idempotencyKey?: string };
      return {
        pk,
        tenantId,
        streamType,
        streamId,
        version: Number(item.sk?.N),
        type: item.type?.S as string,
        idempotencyKey: meta.idempotencyKey,
      };
    });

/** Each stream's last version; fails unless every stream's versions run 1, 2, … with no gap or repeat. */
export const expectContiguous = (events: readonly StoredEvent[]): Map<string, number> => {
  const versions = new Map<string, number[]>();
  for (const e of events) versions.set(e.pk, [...(versions.get(e.pk) ?? []), e.version]);
  const last = new Map<string, number>();
  for (const [pk, list] of versions) {
    const sorted = [...list].sort((a, b) => a - b);
    expect([pk, sorted]).toEqual([pk, sorted.map((_, i) => i + 1)]);
    last.set(pk, sorted.length);
  }
  return last;
};

/** How many of `events` each key maps to: `key(e)` skipped when undefined. */
export const countBy = <T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
};

/**
 * A tenant's views of one generation as sorted rows: keys with the generation written `g#`, so
 * two generations compare, and counters at 0 left out (a counter that went up and back down is
 * as good as one never written: how batches split decides which one a table has), and so are
 * items left with nothing but their key.
 */
export const tenantViews = async (
  client: DynamoDBClient,
  viewsTable: string,
  tenantId: string,
  generation: number,
): Promise<Item[]> => {
  const prefix = `${tenantId}#g${generation}#`;
  const strip = (v: AttributeValue): AttributeValue =>
    v.S === undefined ? v : { S: v.S.replace(prefix, `${tenantId}#g#`) };
  const zero = (v: AttributeValue) => v.N !== undefined && Number(v.N) === 0;
  return (await scanAll(client, viewsTable))
    .filter((item) => item.pk?.S?.startsWith(prefix))
    .map((item) => Object.fromEntries(Object.entries(item).flatMap(([k, v]) => (zero(v) ? [] : [[k, strip(v)]]))))
    .filter((item) => Object.keys(item).length > 2)
    .sort((a, b) => `${a.pk?.S}\n${a.sk?.S}`.localeCompare(`${b.pk?.S}\n${b.sk?.S}`));
};
