import {
  type AttributeValue,
  BatchGetItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type QueryCommandInput,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { convertToAttr, marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Change, ViewKey } from './changes.ts';

// The views table, spoken in changes and plain objects: the one place that knows DynamoDB's
// expression syntax for views.

export type Row = Record<string, unknown>;

const keyOf = (key: ViewKey) => ({ pk: { S: key.pk }, sk: { S: key.sk } });

/** A change as one item of a `TransactWriteItems` (optionally guarded by a condition). */
export const transactItem = (
  table: string,
  change: Change,
  condition?: { expression: string; names: Record<string, string>; values: Record<string, AttributeValue> },
): TransactWriteItem => {
  if (change.op === 'put') {
    return {
      Put: {
        TableName: table,
        Item: { ...marshall(change.item, { removeUndefinedValues: true }), ...keyOf(change.key) },
      },
    };
  }
  if (change.op === 'delete') return { Delete: { TableName: table, Key: keyOf(change.key) } };
  const names: Record<string, string> = { ...condition?.names };
  const values: Record<string, AttributeValue> = { ...condition?.values };
  let i = 0;
  const name = (n: string) => {
    const placeholder = `#a${i++}`;
    names[placeholder] = n;
    return placeholder;
  };
  const value = (v: unknown) => {
    const placeholder = `:a${i++}`;
    values[placeholder] = convertToAttr(v, { removeUndefinedValues: true });
    return placeholder;
  };
  const clauses: string[] = [];
  const sets = Object.entries(change.set).map(([n, v]) => `${name(n)} = ${value(v)}`);
  if (sets.length > 0) clauses.push(`SET ${sets.join(', ')}`);
  if (change.remove.length > 0) clauses.push(`REMOVE ${change.remove.map(name).join(', ')}`);
  const adds = Object.entries(change.add).map(([n, v]) => `${name(n)} ${value(v)}`);
  if (adds.length > 0) clauses.push(`ADD ${adds.join(', ')}`);
  return {
    Update: {
      TableName: table,
      Key: keyOf(change.key),
      UpdateExpression: clauses.join(' '),
      ExpressionAttributeNames: names,
      ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: values }),
      ...(condition && { ConditionExpression: condition.expression }),
    },
  };
};

/** How many attribute names a change touches: DynamoDB bounds an expression's size. */
export const attributeCount = (change: Change): number =>
  change.op === 'update' ? Object.keys(change.set).length + change.remove.length + Object.keys(change.add).length : 0;

export interface QueryRange {
  readonly from?: string;
  readonly to?: string;
  readonly index?: 'gsi1';
  readonly consistent?: boolean;
  readonly projection?: readonly string[];
  /** Only the last `n` items of the range (the highest sort keys), highest first. */
  readonly last?: number;
}

/** What reading views needs: the table, or views replayed in memory (time travel). */
export interface ViewSource {
  get(key: ViewKey): Promise<Row | undefined>;
  getMany(
    keys: readonly ViewKey[],
    options?: { consistent?: boolean; projection?: readonly string[] },
  ): Promise<(Row | undefined)[]>;
  query(pk: string, range?: QueryRange): Promise<Row[]>;
}

/** Reads of the views table. */
export class ViewTable implements ViewSource {
  constructor(
    readonly client: DynamoDBClient,
    readonly table: string,
  ) {}

  async get(key: ViewKey, consistent = false): Promise<Row | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: keyOf(key), ConsistentRead: consistent }),
    );
    return Item ? unmarshall(Item) : undefined;
  }

  /** Many items by key, 100 a request, in the order asked (undefined where there is none). */
  async getMany(
    keys: readonly ViewKey[],
    options: { consistent?: boolean; projection?: readonly string[] } = {},
  ): Promise<(Row | undefined)[]> {
    // Keys always come back, so rows can be matched to what was asked.
    const names = options.projection ? ['pk', 'sk', ...options.projection] : undefined;
    const projection = names && {
      ProjectionExpression: names.map((_, i) => `#p${i}`).join(', '),
      ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#p${i}`, n])),
    };
    const found = new Map<string, Row>();
    for (let i = 0; i < keys.length; i += 100) {
      let pending: Record<string, AttributeValue>[] = keys.slice(i, i + 100).map(keyOf);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 20 * 2 ** attempt)));
        const out = await this.client.send(
          new BatchGetItemCommand({
            RequestItems: {
              [this.table]: { Keys: pending, ...(options.consistent && { ConsistentRead: true }), ...projection },
            },
          }),
        );
        for (const item of out.Responses?.[this.table] ?? []) {
          const row = unmarshall(item);
          found.set(`${row.pk}\n${row.sk}`, row);
        }
        pending = out.UnprocessedKeys?.[this.table]?.Keys ?? [];
      }
    }
    return keys.map((key) => found.get(`${key.pk}\n${key.sk}`));
  }

  /** Every item of a partition (optionally a sort-key range), following pages; or its last `n`. */
  async query(pk: string, range: QueryRange = {}): Promise<Row[]> {
    const pkName = range.index ? 'gsi1pk' : 'pk';
    const skName = range.index ? 'gsi1sk' : 'sk';
    const values: Record<string, AttributeValue> = { ':pk': { S: pk } };
    let condition = '#pk = :pk';
    if (range.from !== undefined && range.to !== undefined) {
      condition += ' AND #sk BETWEEN :from AND :to';
      values[':from'] = { S: range.from };
      values[':to'] = { S: range.to };
    } else if (range.from !== undefined) {
      condition += ' AND #sk >= :from';
      values[':from'] = { S: range.from };
    } else if (range.to !== undefined) {
      condition += ' AND #sk <= :to';
      values[':to'] = { S: range.to };
    }
    const names: Record<string, string> = { '#pk': pkName };
    if (condition.includes('#sk')) names['#sk'] = skName;
    const projection = range.projection?.map((p, i) => {
      names[`#p${i}`] = p;
      return `#p${i}`;
    });
    const input: QueryCommandInput = {
      TableName: this.table,
      KeyConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ...(range.index && { IndexName: range.index }),
      ...(range.consistent && { ConsistentRead: true }),
      ...(projection && { ProjectionExpression: projection.join(', ') }),
      ...(range.last !== undefined && { ScanIndexForward: false, Limit: range.last }),
    };
    const rows: Row[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(new QueryCommand({ ...input, ...(start && { ExclusiveStartKey: start }) }));
      for (const item of page.Items ?? []) rows.push(unmarshall(item));
      start = page.LastEvaluatedKey;
    } while (start && (range.last === undefined || rows.length < range.last));
    return rows;
  }
}
