import { AppError } from '@app/core';

/** Another writer appended to the stream first; reload, re-decide and retry (or report). */
export class ConcurrencyError extends AppError<'CONCURRENCY'> {
  constructor(stream: string, cause: string, expectedVersion?: number) {
    super(
      'CONCURRENCY',
      expectedVersion === undefined
        ? `stream ${stream} was changed by another writer (${cause})`
        : `stream ${stream} moved past version ${expectedVersion} (${cause})`,
      { stream, ...(expectedVersion !== undefined && { expectedVersion }) },
    );
  }
}

/** A uniqueness guard (an email already in use in the tenant, say) is held by another stream. */
export class GuardTakenError extends AppError<'GUARD_TAKEN'> {
  constructor(readonly guardKind: string) {
    super('GUARD_TAKEN', `the ${guardKind} is already taken`, { guardKind });
  }
}

/** The same idempotency key came back with a different request. */
export class IdempotencyConflictError extends AppError<'IDEMPOTENCY_KEY_REUSED'> {
  constructor(key: string) {
    super('IDEMPOTENCY_KEY_REUSED', `idempotency key ${JSON.stringify(key)} was already used for a different request`);
  }
}

/** One item would pass DynamoDB's 400 KB limit. */
export class EventTooLargeError extends AppError<'EVENT_TOO_LARGE'> {
  constructor(type: string, bytes: number, limit: number) {
    super('EVENT_TOO_LARGE', `event ${type} encodes to ${bytes} bytes, over the ${limit}-byte item limit`, {
      type,
      bytes,
      limit,
    });
  }
}

/** A write would pass DynamoDB's transaction limits; it is refused, never silently split. */
export class TransactionTooLargeError extends AppError<'TRANSACTION_TOO_LARGE'> {
  constructor(items: number, bytes: number) {
    super(
      'TRANSACTION_TOO_LARGE',
      `a write of ${items} items and ${bytes} bytes passes DynamoDB's transaction limits (100 items, 4 MB); send fewer events per command`,
      { items, bytes },
    );
  }
}

export class UnknownEventTypeError extends AppError<'UNKNOWN_EVENT_TYPE'> {
  constructor(type: string) {
    super('UNKNOWN_EVENT_TYPE', `event type ${JSON.stringify(type)} is not in the catalog`, { type });
  }
}

/** A payload its schema rejects: on write it is never sent; on read it is reported, not swallowed. */
export class InvalidEventError extends AppError<'INVALID_EVENT'> {
  constructor(type: string, problems: readonly string[], where: 'write' | 'read') {
    super('INVALID_EVENT', `event ${type} is invalid on ${where}: ${problems.join('; ')}`, { type, problems, where });
  }
}

/** Personal data needs a subject to encrypt it under. */
export class MissingSubjectError extends AppError<'MISSING_SUBJECT'> {
  constructor(type: string) {
    super('MISSING_SUBJECT', `event ${type} holds personal data but names no subject to encrypt it for`, { type });
  }
}

/** The subject's data was erased: nothing personal may be written for it again. */
export class SubjectErasedError extends AppError<'SUBJECT_ERASED'> {
  constructor(subject: string) {
    super('SUBJECT_ERASED', `the personal data of ${subject} was erased; no new personal data can be stored for it`, {
      subject,
      // what a client is told (FORBIDDEN, like a suspended tenant's writes): why, in a word
      reason: 'SUBJECT_ERASED',
    });
  }
}
