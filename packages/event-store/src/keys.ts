import { createHash } from 'node:crypto';
import { type Brand, crockford, InvalidIdError, type Scope, type TenantId } from '@app/core';
import { ulid } from './random.ts';

/** A stream's kind, PascalCase: `Interview`, `Cohort`. */
export type StreamType = Brand<string, 'StreamType'>;
/** A stream's id within its tenant and type: never contains `#`, so keys cannot be forged by an id. */
export type StreamId = Brand<string, 'StreamId'>;

/** A stream: always in one scope (a tenant, or the control plane). */
export interface StreamRef {
  readonly scope: Scope;
  readonly type: StreamType;
  readonly id: StreamId;
}

const STREAM_TYPE = /^[A-Z][A-Za-z0-9]{0,39}$/;
const STREAM_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const ID_PREFIX = /^[a-z]{2,5}_$/;

/** Validates a stream type name. */
export const streamType = (raw: string): StreamType => {
  if (!STREAM_TYPE.test(raw)) throw new InvalidIdError('stream type', raw);
  return raw as StreamType;
};

/** Validates an id that arrives from outside (a token's `sub`, a client's `int_…`). */
export const parseStreamId = (raw: unknown): StreamId => {
  if (typeof raw !== 'string' || !STREAM_ID.test(raw)) throw new InvalidIdError('stream id', raw);
  return raw as StreamId;
};

/** A stream reference, with its parts validated. */
export const streamRef = (scope: Scope, type: string, id: string): StreamRef => ({
  scope,
  type: streamType(type),
  id: parseStreamId(id),
});

/** A fresh id: `prefix` (e.g. `int_`) + a ULID. */
export const newId = (prefix: string): StreamId => {
  if (!ID_PREFIX.test(prefix)) throw new InvalidIdError('id prefix', prefix);
  return `${prefix}${ulid()}` as StreamId;
};

/** A fresh tenant id: `ten_` + a ULID (fixed length, so one tenant's keys never prefix another's). */
export const newTenantId = (): TenantId => `ten_${ulid()}` as TenantId;

/**
 * The id of the stream a creating command makes, derived from (tenant, user, command type,
 * idempotency key): its retry lands on the same stream and finds its own event there, and a
 * key reused by another user can never land on that user's stream (DESIGN.md §4).
 */
export const deriveStreamId = (
  prefix: string,
  parts: { scope: Scope; userId: string; commandType: string; idempotencyKey: string },
): StreamId => {
  if (!ID_PREFIX.test(prefix)) throw new InvalidIdError('id prefix', prefix);
  const digest = createHash('sha256')
    .update(JSON.stringify([parts.scope, parts.userId, parts.commandType, parts.idempotencyKey]))
    .digest();
  return `${prefix}${crockford(digest, 26)}` as StreamId;
};

/** The partition key of a stream's items: the scope leads, always. */
export const streamKey = (stream: StreamRef): string => `${stream.scope}#${stream.type}#${stream.id}`;

export const describeStream = (stream: StreamRef): string => `${stream.type}/${stream.id}`;

/** A uniqueness guard: `kind` names what is unique, `value` is the unique thing (an HMAC, an id). */
export interface Guard {
  readonly kind: StreamType;
  readonly value: string;
  /**
   * Kept under a partition shared with the other guards of this kind and partition (one item
   * each), so they can be listed in one query: a student's enrolments, one per cohort.
   */
  readonly partition?: StreamId;
}

export const guard = (kind: string, value: string): Guard => ({ kind: streamType(kind), value: parseStreamId(value) });

/** A student's enrolment in a cohort: a guard kept under the student (DESIGN.md §4). */
export const enrolmentGuard = (studentId: string, cohortId: string): Guard => ({
  kind: streamType('Enrolments'),
  value: parseStreamId(cohortId),
  partition: parseStreamId(studentId),
});

export const guardKey = (scope: Scope, g: Guard): string => `${scope}#Guard#${g.kind}#${g.value}`;

/**
 * Where a guard's item lives. A partitioned guard's sort key is a number the table's schema
 * asks for: 52 bits of a hash of its value, never 0 (a collision among one student's cohorts
 * would need billions of them).
 */
export const guardItemKey = (scope: Scope, g: Guard): { pk: string; sk: number } =>
  g.partition
    ? {
        pk: `${scope}#${g.kind}#${g.partition}`,
        sk: Number.parseInt(createHash('sha256').update(g.value).digest('hex').slice(0, 13), 16) + 1,
      }
    : { pk: guardKey(scope, g), sk: 0 };

/** Where a subject's wrapped data key is kept. */
export const dataKeyKey = (scope: Scope, subject: string): string => `${scope}#DataKey#${parseStreamId(subject)}`;

/** The tenant log's partition for a recorded instant: one a UTC day. */
export const logPartition = (scope: Scope, recordedAt: string): string => `${scope}#log#${recordedAt.slice(0, 10)}`;

/** The tenant log's sort key: recorded time, then stream, then version (zero-padded to sort as text). */
export const logSortKey = (recordedAt: string, pk: string, version: number): string =>
  `${recordedAt}#${pk}#${String(version).padStart(10, '0')}`;
