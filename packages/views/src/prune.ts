import { type AttributeValue, BatchWriteItemCommand, ScanCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { servingOf, viewKeys } from './keys.ts';
import type { ViewTable } from './viewTable.ts';

// Once reads have switched to a rebuilt generation, the generations before it are garbage: this
// deletes their items. A generation's items live in many partitions (per student, per cohort),
// and a rebuild may come with new key shapes, so they are found by a scan of the table for the
// tenant's generation prefix (keys only), not by guessing partitions. Rebuilds are rare; the scan
// is the price of never leaving an item behind.

export interface PruneResult {
  /** The generations items were deleted from. */
  readonly generations: readonly number[];
  readonly deleted: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Deletes every item of the tenant's generations other than the serving one and one being built.
 * Safe to run again: a live projector whose cache still named an old generation may have
 * written to it after the switch, and a second run removes that too.
 */
export const pruneGenerations = async (options: {
  readonly views: ViewTable;
  readonly tenantId: string;
  /** Parallel scan segments. */
  readonly segments?: number;
  readonly onProgress?: (deleted: number) => void;
}): Promise<PruneResult> => {
  const { views, tenantId } = options;
  const gens = await views.get(viewKeys.generations(tenantId), true);
  const keep = new Set([servingOf(gens), ...(typeof gens?.building === 'number' ? [gens.building] : [])]);
  // Tenant ids are fixed-format, so `{tenant}#g` never prefixes another tenant's keys.
  const prefix = `${tenantId}#g`;
  const generations = new Set<number>();
  let deleted = 0;

  const remove = async (requests: WriteRequest[]) => {
    let pending = requests;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 20) throw new Error(`DynamoDB left ${pending.length} deletes unprocessed 20 times`);
      if (attempt > 0) await sleep(Math.min(1_000, 20 * 2 ** attempt));
      const out = await views.client.send(new BatchWriteItemCommand({ RequestItems: { [views.table]: pending } }));
      pending = out.UnprocessedItems?.[views.table] ?? [];
    }
    deleted += requests.length;
    options.onProgress?.(deleted);
  };

  const segments = options.segments ?? 4;
  const scanSegment = async (segment: number) => {
    let start: Record<string, AttributeValue> | undefined;
    let batch: WriteRequest[] = [];
    do {
      const page = await views.client.send(
        new ScanCommand({
          TableName: views.table,
          Segment: segment,
          TotalSegments: segments,
          ProjectionExpression: 'pk, sk',
          FilterExpression: 'begins_with(pk, :prefix)',
          ExpressionAttributeValues: { ':prefix': { S: prefix } },
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) {
        const generation = Number(/^[^#]+#g(\d+)#/.exec(item.pk?.S ?? '')?.[1]);
        if (!Number.isInteger(generation) || keep.has(generation)) continue;
        generations.add(generation);
        batch.push({ DeleteRequest: { Key: { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue } } });
        if (batch.length === 25) {
          await remove(batch);
          batch = [];
        }
      }
      start = page.LastEvaluatedKey;
    } while (start);
    if (batch.length > 0) await remove(batch);
  };
  await Promise.all(Array.from({ length: segments }, (_, s) => scanSegment(s)));
  return { generations: [...generations].sort((a, b) => a - b), deleted };
};
