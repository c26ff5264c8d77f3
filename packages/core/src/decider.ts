/** Advice: a soft rule's verdict, returned beside the events and never blocking. */
export interface Advice {
  readonly code: string;
  readonly message: string;
  /** The RULES.md source cell, e.g. `003`. */
  readonly source?: string;
}

/** An event as a decider produces it: what happened and when it happened in the domain. */
export interface DecidedEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
  /** Domain time (ISO 8601): the time the thing happened, which may lie in the past. */
  readonly occurredAt: string;
  /** Whose personal data the event holds: the key its personal fields are encrypted under. */
  readonly subject?: string;
}

/** An event as `evolve` sees it: decided, then given its place in the stream. */
export type VersionedEvent<Event extends DecidedEvent = DecidedEvent> = Event & { readonly version: number };

/** What `decide` answers: the events to append (possibly none) and advice. */
export interface Decision<Event extends DecidedEvent = DecidedEvent> {
  readonly events: readonly Event[];
  readonly advice: readonly Advice[];
}

/** A pure aggregate: decide on a command from the folded state, evolve the state by an event. */
export interface Decider<State, Command, Event extends DecidedEvent, Context = unknown> {
  readonly initialState: State;
  decide(command: Command, state: State, context: Context): Decision<Event>;
  evolve(state: State, event: VersionedEvent<Event>): State;
}
