import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** DynamoDB's limit on one item, and on the sum of the items of one transaction. */
export const ITEM_LIMIT_BYTES = 400 * 1024;
export const TRANSACTION_LIMIT_BYTES = 4 * 1024 * 1024;
export const TRANSACTION_LIMIT_ITEMS = 100;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

const valueSize = (value: AttributeValue): number => {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.replace(/^-|\.|e.*$/gi, '').length / 2) + 1;
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L !== undefined) return 3 + value.L.reduce((sum, item) => sum + 1 + valueSize(item), 0);
  if (value.M !== undefined) return 3 + itemSize(value.M) + Object.keys(value.M).length;
  if (value.SS !== undefined) return value.SS.reduce((sum, item) => sum + utf8(item), 0);
  throw new Error('unsupported attribute type');
};

/** The size DynamoDB counts for an item: attribute names plus values, as its documentation defines. */
export const itemSize = (item: Record<string, AttributeValue>): number =>
  Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);

/**
 * A cheap upper bound of {@link itemSize} (a UTF-16 code unit is at most 3 UTF-8 bytes): the
 * exact count is needed only when the bound passes a limit.
 */
export const itemSizeBound = (item: Record<string, AttributeValue>): number => {
  let bound = 0;
  for (const name in item) {
    const value = item[name] as AttributeValue;
    bound += 3 * name.length + (value.S !== undefined ? 3 * value.S.length : valueSize(value));
  }
  return bound;
};
