import { type DecidedEvent, ERASED, PLATFORM, parseTenantId, type Scope } from '@app/core';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { atPointer, copyAlong, type EventCatalog, type Pointer } from './catalog.ts';
import { open, seal } from './crypto.ts';
import { EventTooLargeError, InvalidEventError, MissingSubjectError } from './errors.ts';
import { ITEM_LIMIT_BYTES, itemSize, itemSizeBound } from './itemSize.ts';
import { logPartition, logSortKey, parseStreamId, type StreamRef, streamType } from './keys.ts';
import type { EventMeta, RecordedEvent } from './types.ts';

// How an event becomes a DynamoDB item and back: no I/O here, the store brings the keys.

export type Item = Record<string, AttributeValue>;

/** What a sealed field is bound to: its subject and its place, so it cannot be moved unnoticed. */
const fieldAad = (subject: string, pk: string, version: string, pointer: Pointer) =>
  `${subject}|${pk}|${version}|${pointer.join('.')}`;

/** Replaces a sealed field with a getter that opens it on first read (and then keeps the value). */
const unsealOnRead = (root: Record<string, unknown>, pointer: Pointer, key: Buffer, aad: string) => {
  let parent = root as Record<string | number, unknown>;
  for (const part of pointer.slice(0, -1)) parent = parent[part] as Record<string | number, unknown>;
  const field = pointer[pointer.length - 1] as string | number;
  const sealed = parent[field];
  const settle = (value: unknown) =>
    Object.defineProperty(parent, field, { value, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(parent, field, {
    enumerable: true,
    configurable: true,
    get: () => {
      const value = JSON.parse(open(key, sealed as string, aad));
      settle(value);
      return value;
    },
    set: settle,
  });
};

/** An event validated for writing. */
export type Checked = ReturnType<EventCatalog['forWrite']> & { occurredAtMs: number };

/** A copy of `data` with each personal field sealed under `key`, bound to its place. */
const sealFields = (
  data: Record<string, unknown>,
  personal: readonly Pointer[],
  key: Buffer,
  aad: (p: Pointer) => string,
) => {
  const copy = copyAlong(data, personal);
  for (const pointer of personal) atPointer(copy, pointer, (value) => seal(key, JSON.stringify(value), aad(pointer)));
  return copy;
};

/** The instant in ms when `value` is an ISO 8601 instant, else 0 (no event predates 1970). */
export const isoInstantMs = (value: string): number => (/^\d{4}-\d\d-\d\dT/.test(value) && Date.parse(value)) || 0;

/** The scope leads every key; parsing it back keeps what the log yields typed. */
export const streamOf = (pk: string): StreamRef => {
  const [scope, type, id] = pk.split('#') as [string, string, string];
  return { scope: scope === PLATFORM ? PLATFORM : parseTenantId(scope), type: streamType(type), id: parseStreamId(id) };
};

/** Validates events for writing: payloads against their schemas, times, and the personal fields present. */
export const checkEvents = (catalog: EventCatalog, events: readonly DecidedEvent[]): Checked[] =>
  events.map((event) => {
    const occurredAtMs = typeof event.occurredAt === 'string' ? isoInstantMs(event.occurredAt) : 0;
    if (!occurredAtMs) {
      const problem = `occurredAt: ${JSON.stringify(event.occurredAt)} is not an ISO instant`;
      throw new InvalidEventError(event.type, [problem], 'write');
    }
    const checked = catalog.forWrite(event.type, event.data);
    if (checked.personal.length > 0 && !event.subject) throw new MissingSubjectError(event.type);
    return { ...checked, occurredAtMs };
  });

/** An event into its item: personal fields sealed, log keys set, the size checked before sending. */
export const encodeEvent = (e: {
  pk: string;
  scope: Scope;
  event: RecordedEvent;
  checked: Checked;
  key: Buffer | undefined;
  recordedAt: string;
}): Item => {
  const { pk, scope, event, key, recordedAt } = e;
  const { data, schemaVersion, personal } = e.checked;
  const sk = String(event.version);
  const stored = key ? sealFields(data, personal, key, (p) => fieldAad(event.subject as string, pk, sk, p)) : data;
  const item: Item = {
    pk: { S: pk },
    sk: { N: sk },
    kind: { S: 'event' },
    type: { S: event.type },
    schemaVersion: { N: String(schemaVersion) },
    data: { S: JSON.stringify(stored) },
    meta: { S: JSON.stringify(event.meta) },
    gsi1pk: { S: logPartition(scope, recordedAt) },
    gsi1sk: { S: logSortKey(recordedAt, pk, event.version) },
    ...(event.subject && { subject: { S: event.subject } }),
    ...(personal.length > 0 && { enc: { S: JSON.stringify(personal) } }),
  };
  if (itemSizeBound(item) > ITEM_LIMIT_BYTES) {
    const bytes = itemSize(item);
    if (bytes > ITEM_LIMIT_BYTES) throw new EventTooLargeError(event.type, bytes, ITEM_LIMIT_BYTES);
  }
  return item;
};

/** An item back into an event: upcast, validated, its personal fields opened on first read (or marked erased). */
export const decodeEvent = (
  catalog: EventCatalog,
  item: Item,
  stream: StreamRef,
  keys: ReadonlyMap<string, Buffer | undefined>,
): RecordedEvent => {
  const type = item.type?.S as string;
  const schemaVersion = Number(item.schemaVersion?.N);
  let data = JSON.parse(item.data?.S as string) as Record<string, unknown>;
  const meta = JSON.parse(item.meta?.S as string) as EventMeta;
  const subject = item.subject?.S;
  const sealed = item.enc?.S && subject ? (JSON.parse(item.enc.S) as Pointer[]) : [];
  const aadOf = (pointer: Pointer) => fieldAad(subject as string, item.pk?.S as string, item.sk?.N as string, pointer);
  const key = sealed.length > 0 ? keys.get(subject as string) : undefined;
  const erased = key ? [] : sealed;
  for (const pointer of erased) atPointer(data, pointer, () => ERASED);
  // Fields of the current schema version stay sealed until read: folding a stream rarely
  // needs a message's text. Upcasters may need every field, so older versions open at once.
  const lazy = key && catalog.isCurrent(type, schemaVersion) ? sealed : [];
  if (key && lazy.length === 0)
    for (const pointer of sealed) {
      atPointer(data, pointer, (value) => JSON.parse(open(key, value as string, aadOf(pointer))));
    }
  data = catalog.forRead(type, schemaVersion, data, [...erased, ...lazy]);
  // A schema may freeze what it parses (zod's `.readonly()`): the sealed fields' containers are copied first.
  if (lazy.length > 0) data = copyAlong(data, lazy);
  for (const pointer of lazy) unsealOnRead(data, pointer, key as Buffer, aadOf(pointer));
  return {
    type,
    data,
    occurredAt: meta.occurredAt,
    ...(subject && { subject }),
    version: Number(item.sk?.N),
    stream,
    meta,
    ...(erased.length > 0 && { erased: erased.map((pointer) => pointer.join('.')) }),
  };
};
