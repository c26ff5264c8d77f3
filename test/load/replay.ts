import {
  type AttributeValue,
  BatchGetItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  type Update,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

// The raw ceiling's side of `pnpm load`: what one API request asked of DynamoDB, recorded in the
// server, sent again by hand. Reads go as they were recorded (they read the run's real data);
// writes go to twin tables of the same definition (streams on) under keys of their own, so each
// succeeds as the original did instead of failing its condition on a replay.

type Item = Record<string, AttributeValue>;
// biome-ignore lint/suspicious/noExplicitAny: a recorded input is any DynamoDB command's input
export type RecordedCall = { readonly command: string; readonly input: any };

/** One request's calls, in the order the API made them. */
export type CallSequence = readonly RecordedCall[];

/** Where a write goes instead, and a key no one else writes. */
export interface Twin {
  readonly tables: ReadonlyMap<string, string>;
  next(): string;
}

const twinTable = (twin: Twin, table: string) => {
  const name = twin.tables.get(table);
  if (!name) throw new Error(`no twin for table ${table}`);
  return name;
};

const freshKey = (key: Item, suffix: string): Item => ({ ...key, pk: { S: `${key.pk?.S}#${suffix}` } });

// A condition is kept in kind — every write still evaluates one — but made true for a fresh key.
const onFreshKey = { ConditionExpression: 'attribute_not_exists(pk)' } as const;

const twinPut = (twin: Twin, put: { TableName: string; Item: Item }, suffix: string) => ({
  TableName: twinTable(twin, put.TableName),
  Item: freshKey(put.Item, suffix),
  ...onFreshKey,
});

// An update keeps its expression (its names and values with it), on a fresh key, unconditioned.
const twinUpdate = (twin: Twin, update: Update, suffix: string): Update => {
  const { ConditionExpression: _dropped, ...rest } = update;
  return { ...rest, TableName: twinTable(twin, update.TableName as string), Key: freshKey(update.Key ?? {}, suffix) };
};

const twinTransactItem = (twin: Twin, item: TransactWriteItem, suffix: string): TransactWriteItem => {
  if (item.Put) return { Put: twinPut(twin, item.Put as never, suffix) };
  if (item.ConditionCheck) {
    const check = item.ConditionCheck;
    return {
      ConditionCheck: {
        TableName: twinTable(twin, check.TableName as string),
        Key: freshKey(check.Key ?? {}, suffix),
        ...onFreshKey,
      },
    };
  }
  if (item.Update) return { Update: twinUpdate(twin, item.Update, suffix) };
  throw new Error(`cannot replay a transaction item ${Object.keys(item).join(',')}`);
};

/** The command that sends a recorded call again: reads as they were, writes to the twin tables. */
export const replayCommand = (twin: Twin, call: RecordedCall) => {
  const suffix = twin.next();
  switch (call.command) {
    case 'GetItemCommand':
      return new GetItemCommand(call.input);
    case 'QueryCommand':
      return new QueryCommand(call.input);
    case 'BatchGetItemCommand':
      return new BatchGetItemCommand(call.input);
    case 'PutItemCommand':
      return new PutItemCommand(twinPut(twin, call.input, suffix));
    case 'UpdateItemCommand':
      return new UpdateItemCommand(twinUpdate(twin, call.input, suffix) as never);
    case 'TransactWriteItemsCommand':
      return new TransactWriteItemsCommand({
        TransactItems: (call.input.TransactItems as TransactWriteItem[]).map((item, i) =>
          twinTransactItem(twin, item, `${suffix}.${i}`),
        ),
      });
    default:
      throw new Error(`the load test cannot replay ${call.command}: teach replay.ts how`);
  }
};

/** Sends one request's calls in order, as fast as DynamoDB Local answers. */
export const replay = async (client: DynamoDBClient, twin: Twin, calls: CallSequence): Promise<void> => {
  // biome-ignore lint/suspicious/noExplicitAny: each command is sent as the client's own
  for (const call of calls) await client.send(replayCommand(twin, call) as any);
};

/** How many calls of each command a sequence makes, for the report. */
export const callCounts = (calls: CallSequence): string =>
  Object.entries(
    calls.reduce<Record<string, number>>((n, c) => {
      const name = c.command.replace(/Command$/, '');
      n[name] = (n[name] ?? 0) + 1;
      return n;
    }, {}),
  )
    .map(([name, n]) => `${name} ${n}`)
    .join(' + ');
