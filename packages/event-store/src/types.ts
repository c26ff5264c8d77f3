import type { Advice, Brand, DecidedEvent } from '@app/core';
import type { StreamRef } from './keys.ts';

/** Who did it: the token's `sub` and the role it acted in. */
export interface Actor {
  readonly userId: string;
  readonly role: string;
}

/** What a command adds to every event it records. */
export interface CommandMeta {
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId?: string;
  readonly idempotencyKey?: string;
  /** A hash of the request that carried `idempotencyKey`, to tell a retry from a reuse. */
  readonly requestHash?: string;
  /** The decision's advice, kept with the first event so that a retry answers as the first call did. */
  readonly advice?: readonly Advice[];
  /** The cohorts the student was enrolled in when the event was recorded (DESIGN.md §4). */
  readonly cohorts?: readonly string[];
  readonly policyVersion?: number;
}

export interface EventMeta extends CommandMeta {
  readonly eventId: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
}

/** An event as the store returns it: decided, placed, and stamped. */
export type RecordedEvent<Event extends DecidedEvent = DecidedEvent> = Event & {
  readonly version: number;
  readonly stream: StreamRef;
  readonly meta: EventMeta;
  /** Personal fields that could not be read because their subject was erased (dot paths). */
  readonly erased?: readonly string[];
};

/**
 * Where a stream stood when the store loaded it. Only the store makes these, so an append can
 * only follow a version the store itself observed: a client's number can never be passed in.
 */
export type StreamPosition = Brand<
  { readonly stream: StreamRef; readonly version: number; readonly recordedAt: string | undefined },
  'StreamPosition'
>;

/** What an idempotency key was used for. */
export interface IdempotencyRecord {
  readonly requestHash: string | undefined;
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly recordedAt: string;
  readonly advice: readonly Advice[];
}

export interface Snapshot<State = unknown> {
  readonly version: number;
  readonly stateVersion: number;
  readonly state: State;
  readonly recordedAt: string | undefined;
  readonly idempotency: readonly (readonly [string, IdempotencyRecord])[];
}

export interface LoadedStream {
  readonly position: StreamPosition;
  /** The snapshot the load started from, if one was usable. */
  readonly snapshot: Snapshot | undefined;
  /** The events after the snapshot (all of them without one), in version order. */
  readonly events: readonly RecordedEvent[];
  /** Idempotency keys found in the snapshot and the events. */
  readonly idempotency: ReadonlyMap<string, IdempotencyRecord>;
}
