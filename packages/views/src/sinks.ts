import { BatchWriteItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { keyId, type ViewAttributes, type ViewKey } from './changes.ts';
import type { ViewSink } from './replay.ts';
import type { QueryRange, Row, ViewSource, ViewTable } from './viewTable.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes replayed views with `BatchWriteItem`, 25 items a request, flushing every `flushEvery` items. */
export class BatchWriteSink implements ViewSink {
  private buffer: WriteRequest[] = [];
  written = 0;

  constructor(
    private readonly views: ViewTable,
    private readonly flushEvery = 1_000,
    private readonly parallel = 4,
  ) {}

  async put(key: ViewKey, item: ViewAttributes): Promise<void> {
    this.buffer.push({
      PutRequest: {
        Item: { ...marshall(item, { removeUndefinedValues: true }), pk: { S: key.pk }, sk: { S: key.sk } },
      },
    });
    if (this.buffer.length >= this.flushEvery) await this.flush();
  }

  async finish(shared: AsyncIterable<{ key: ViewKey; item: ViewAttributes }>): Promise<void> {
    for await (const { key, item } of shared) await this.put(key, item);
    await this.flush();
  }

  async flush(): Promise<void> {
    const requests = this.buffer;
    this.buffer = [];
    const chunks: WriteRequest[][] = [];
    for (let i = 0; i < requests.length; i += 25) chunks.push(requests.slice(i, i + 25));
    for (let i = 0; i < chunks.length; i += this.parallel) {
      await Promise.all(chunks.slice(i, i + this.parallel).map((chunk) => this.write(chunk)));
    }
  }

  /** One request, and again for what DynamoDB left unprocessed, backing off. */
  private async write(chunk: WriteRequest[]): Promise<void> {
    let pending = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(1_000, 20 * 2 ** attempt));
      const out = await this.views.client.send(
        new BatchWriteItemCommand({ RequestItems: { [this.views.table]: pending } }),
      );
      this.written += pending.length - (out.UnprocessedItems?.[this.views.table]?.length ?? 0);
      pending = out.UnprocessedItems?.[this.views.table] ?? [];
      if (attempt > 20) throw new Error(`DynamoDB left ${pending.length} writes unprocessed 20 times`);
    }
  }
}

/** Views held in memory: what time travel replays into and reads from. */
export class MemoryViews implements ViewSink, ViewSource {
  private readonly items = new Map<string, Row>();

  /** `keep` picks the items worth holding (time travel needs only what analytics reads). */
  constructor(private readonly keep: (key: ViewKey) => boolean = () => true) {}

  async put(key: ViewKey, item: ViewAttributes): Promise<void> {
    if (this.keep(key)) this.items.set(keyId(key), { ...item, pk: key.pk, sk: key.sk });
  }

  async finish(shared: AsyncIterable<{ key: ViewKey; item: ViewAttributes }>): Promise<void> {
    for await (const { key, item } of shared) await this.put(key, item);
  }

  async get(key: ViewKey): Promise<Row | undefined> {
    return this.items.get(keyId(key));
  }

  async getMany(
    keys: readonly ViewKey[],
    options: { projection?: readonly string[] } = {},
  ): Promise<(Row | undefined)[]> {
    const keep = options.projection && new Set(['pk', 'sk', ...options.projection]);
    return keys.map((key) => {
      const row = this.items.get(keyId(key));
      return row && keep ? Object.fromEntries(Object.entries(row).filter(([name]) => keep.has(name))) : row;
    });
  }

  async query(pk: string, range: QueryRange = {}): Promise<Row[]> {
    const pkName = range.index ? 'gsi1pk' : 'pk';
    const skName = range.index ? 'gsi1sk' : 'sk';
    const rows = [...this.items.values()]
      .filter((row) => {
        const sk = String(row[skName]);
        return (
          row[pkName] === pk &&
          (range.from === undefined || sk >= range.from) &&
          (range.to === undefined || sk <= range.to)
        );
      })
      .sort((a, b) => {
        const [x, y] = [String(a[skName]), String(b[skName])];
        return x < y ? -1 : x > y ? 1 : 0;
      });
    return range.last === undefined ? rows : rows.reverse().slice(0, range.last);
  }
}
