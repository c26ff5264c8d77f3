import type { AttributeValue as SdkValue } from '@aws-sdk/client-dynamodb';
import type { AttributeValue as LambdaValue } from 'aws-lambda';

/** An item as Lambda's stream event carries it (binary values base64-encoded). */
export type LambdaItem = Record<string, LambdaValue>;
/** An item as the SDK reads and writes it (binary values as bytes). */
export type SdkItem = Record<string, SdkValue>;

const fromBase64 = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'base64'));
const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/**
 * Lambda's JSON attribute value into the SDK's: consumers read items with the same code whether
 * they came from a stream event or from a `Query`. Lambda sends binary as base64 text.
 */
export const toSdkValue = (value: LambdaValue): SdkValue => {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.M !== undefined) return { M: toSdkItem(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toSdkValue) };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.B !== undefined) return { B: fromBase64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(fromBase64) };
  throw new Error(`unsupported attribute value: ${JSON.stringify(value)}`);
};

/** A whole item from Lambda's shape into the SDK's. */
export const toSdkItem = (item: LambdaItem): SdkItem =>
  Object.fromEntries(Object.entries(item).map(([name, value]) => [name, toSdkValue(value)]));

/**
 * The SDK's attribute value into Lambda's: the local runner reads records with the SDK and must
 * hand the handler exactly what Lambda would (binary as base64 text).
 */
export const toLambdaValue = (value: SdkValue): LambdaValue => {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.M !== undefined) return { M: toLambdaItem(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.B !== undefined) return { B: toBase64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(toBase64) };
  throw new Error(`unsupported attribute value: ${JSON.stringify(value)}`);
};

/** A whole item from the SDK's shape into Lambda's. */
export const toLambdaItem = (item: SdkItem): LambdaItem =>
  Object.fromEntries(Object.entries(item).map(([name, value]) => [name, toLambdaValue(value)]));
