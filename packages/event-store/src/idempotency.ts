import type { IdempotencyRecord, RecordedEvent } from './types.ts';

/** Records what an event's idempotency key was used for; a command's events share one key. */
export const addIdempotency = (index: Map<string, IdempotencyRecord>, event: RecordedEvent): void => {
  const key = event.meta.idempotencyKey;
  if (key === undefined) return;
  const known = index.get(key);
  index.set(key, {
    requestHash: event.meta.requestHash,
    fromVersion: known?.fromVersion ?? event.version,
    toVersion: event.version,
    recordedAt: event.meta.recordedAt,
    advice: known?.advice ?? event.meta.advice ?? [],
  });
};
