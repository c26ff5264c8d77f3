import { AppError, PLATFORM } from '@app/core';
import type { RecordedEvent } from '@app/event-store';
import { type FieldKind, PUBLICATION, type PublicationTable } from './publicEvents.ts';

// The public, versioned shape of what happened (DESIGN.md §2, §8): a recorded domain event
// becomes an integration event, or nothing when its type is internal. Pure: the same event
// always maps to the same integration event, so a redelivery publishes an identical copy.

/** The EventBridge `source` of every integration event. */
export const INTEGRATION_SOURCE = 'informational-interviews';
/** The version of the detail shape: the `.v1` of every detail-type and `detail.specVersion`. */
export const SPEC_VERSION = 1;

/**
 * Streams owned by one student: their events carry the student (the events' data subject) and
 * the cohorts the student was enrolled in when each event was recorded.
 */
export const STUDENT_STREAMS: ReadonlySet<string> = new Set(['Interview', 'Contact']);

export type PublicValue = string | number | boolean | null | readonly string[];

/** The detail of an integration event: the envelope below, then the event type's public fields. */
export interface IntegrationDetail {
  readonly specVersion: typeof SPEC_VERSION;
  /** The domain event's id (a ULID): the same on every delivery of it, the key to deduplicate by. */
  readonly eventId: string;
  readonly tenantId: string;
  readonly streamType: string;
  readonly streamId: string;
  /** The event's place in its stream: 1-based and contiguous, internal events included. */
  readonly version: number;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly studentId?: string;
  readonly cohortIds?: readonly string[];
  readonly [field: string]: PublicValue | undefined;
}

export interface IntegrationEvent {
  readonly source: typeof INTEGRATION_SOURCE;
  /** `{StreamType}.{EventType}.v{SPEC_VERSION}`, e.g. `Interview.OutreachSent.v1`. */
  readonly detailType: string;
  readonly detail: IntegrationDetail;
}

/** The envelope's fields, in the order they are written. */
export const ENVELOPE_FIELDS = [
  'specVersion',
  'eventId',
  'tenantId',
  'streamType',
  'streamId',
  'version',
  'occurredAt',
  'recordedAt',
  'studentId',
  'cohortIds',
] as const;

export const detailTypeOf = (streamType: string, eventType: string): string =>
  `${streamType}.${eventType}.v${SPEC_VERSION}`;

/** An allow-listed value that is not of its declared kind: never published, since it might be text. */
export class IntegrationMappingError extends AppError<'INTEGRATION_MAPPING'> {
  constructor(eventType: string, field: string, problem: string) {
    // the value itself is never quoted: it may be exactly what must not leak
    super('INTEGRATION_MAPPING', `field ${field} of ${eventType} ${problem}`, { eventType, field });
  }
}

const ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const ENUM = /^[A-Z][A-Z0-9_]{0,63}$/;
const EVENT_TYPE = /^[A-Z][A-Za-z0-9]{0,63}$/;
const INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)$/;

const isString = (pattern: RegExp) => (value: unknown) => typeof value === 'string' && pattern.test(value);
const isTime = (value: unknown) => isString(INSTANT)(value) && Number.isFinite(Date.parse(value as string));
const listOf = (check: (value: unknown) => boolean) => (value: unknown) => Array.isArray(value) && value.every(check);

const CHECKS: Readonly<Record<FieldKind, (value: unknown) => boolean>> = {
  id: isString(ID),
  ids: listOf(isString(ID)),
  enum: isString(ENUM),
  enums: listOf(isString(ENUM)),
  time: isTime,
  times: listOf(isTime),
  integer: (value) => Number.isSafeInteger(value),
  number: (value) => typeof value === 'number' && Number.isFinite(value),
  boolean: (value) => typeof value === 'boolean',
  eventType: isString(EVENT_TYPE),
};

/** The value at a dot path of an event's data (undefined when absent). */
export const valueAt = (data: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (at, key) => (typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined),
      data,
    );

/**
 * A recorded domain event as an integration event: the envelope and the fields its type's
 * allow-list names, checked against their kinds. Null for an internal event type, an event type
 * with no publication decision, and the control plane's streams.
 */
export const toIntegrationEvent = (
  event: RecordedEvent,
  table: PublicationTable = PUBLICATION,
): IntegrationEvent | null => {
  const { scope, type: streamType, id: streamId } = event.stream;
  const publication = table[event.type];
  if (scope === PLATFORM || !publication?.publish) return null;
  const owned = STUDENT_STREAMS.has(streamType);
  const detail: Record<string, PublicValue> = {
    specVersion: SPEC_VERSION,
    eventId: event.meta.eventId,
    tenantId: scope,
    streamType,
    streamId,
    version: event.version,
    occurredAt: event.occurredAt,
    recordedAt: event.meta.recordedAt,
    ...(owned && event.subject !== undefined && { studentId: event.subject }),
    ...(owned && event.meta.cohorts && { cohortIds: [...event.meta.cohorts] }),
  };
  for (const [name, field] of Object.entries(publication.fields)) {
    if (name in detail) throw new IntegrationMappingError(event.type, name, 'would overwrite the envelope');
    const value = valueAt(event.data, field.from);
    if (value === undefined) continue;
    if (value !== null && !CHECKS[field.kind](value)) {
      throw new IntegrationMappingError(event.type, name, `is not of kind ${field.kind}`);
    }
    detail[name] = Array.isArray(value) ? [...(value as string[])] : (value as PublicValue);
  }
  return {
    source: INTEGRATION_SOURCE,
    detailType: detailTypeOf(streamType, event.type),
    detail: detail as unknown as IntegrationDetail,
  };
};
