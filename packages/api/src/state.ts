import type { DecidedEvent, Decider, VersionedEvent } from '@app/core';
import type { EventStore, StreamRef } from '@app/event-store';

/** A stream's state now, folded from its events by its decider (reads come from the store: DESIGN.md §7). */
export const stateOf = async <S, E extends DecidedEvent>(
  store: EventStore,
  stream: StreamRef,
  decider: Pick<Decider<S, never, E, never>, 'initialState' | 'evolve'>,
): Promise<S> => {
  const { events } = await store.load(stream);
  return events.reduce((s, e) => decider.evolve(s, e as unknown as VersionedEvent<E>), decider.initialState);
};
