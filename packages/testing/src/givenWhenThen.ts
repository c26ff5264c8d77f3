import type { Advice, DecidedEvent, Decider, Decision, VersionedEvent } from '@app/core';
import { expect } from 'vitest';

type Outcome<Event extends DecidedEvent> = { decision: Decision<Event> } | { error: unknown };

export interface Then<State, Event extends DecidedEvent> {
  /** The advice codes the decision must carry (others may come along). */
  withAdvice(...codes: string[]): Then<State, Event>;
  /** Advice codes the decision must not carry. */
  withoutAdvice(...codes: string[]): Then<State, Event>;
  /** A check on the state after the given and the decided events. */
  andState(check: (state: State) => void): Then<State, Event>;
}

export interface When<State, Event extends DecidedEvent> {
  /** The events the command must decide, in order (compared on type, data and occurredAt). */
  then(expected: readonly Event[]): Then<State, Event>;
  /** The command decides nothing (advice may still come). */
  thenNothing(): Then<State, Event>;
  /** The command is refused with an error whose `code` is `code` (and whose other fields match `details`). */
  thenRejects(code: string, details?: Record<string, unknown>): void;
}

const fold = <State, Event extends DecidedEvent>(
  decider: Decider<State, unknown, Event, never>,
  state: State,
  events: readonly Event[],
  firstVersion: number,
): State =>
  events.reduce(
    (current, event, index) =>
      decider.evolve(current, { ...event, version: firstVersion + index } as VersionedEvent<Event>),
    state,
  );

/**
 * Given/when/then for a decider: `spec(given).when(command).then(events).withAdvice(code)`.
 * `then` also folds the decided events, so an `evolve` that throws on them fails the test.
 */
export const deciderSpec =
  <State, Command, Event extends DecidedEvent, Context>(
    decider: Decider<State, Command, Event, Context>,
    defaultContext: Context,
  ) =>
  (given: readonly Event[] = []) => ({
    when: (command: Command, context: Context = defaultContext): When<State, Event> => {
      const untyped = decider as unknown as Decider<State, unknown, Event, never>;
      const before = fold(untyped, decider.initialState, given, 1);
      let outcome: Outcome<Event>;
      try {
        outcome = { decision: decider.decide(command, before, context) };
      } catch (error) {
        outcome = { error };
      }
      const decided = (): Decision<Event> => {
        if ('error' in outcome) throw outcome.error;
        return outcome.decision;
      };
      const chain = (decision: Decision<Event>): Then<State, Event> => {
        const codes = (advice: readonly Advice[]) => advice.map((a) => a.code);
        const after = fold(untyped, before, decision.events, given.length + 1);
        const self: Then<State, Event> = {
          withAdvice: (...wanted) => {
            expect(codes(decision.advice)).toEqual(expect.arrayContaining(wanted));
            return self;
          },
          withoutAdvice: (...unwanted) => {
            for (const code of unwanted) expect(codes(decision.advice)).not.toContain(code);
            return self;
          },
          andState: (check) => {
            check(after);
            return self;
          },
        };
        return self;
      };
      return {
        // biome-ignore lint/suspicious/noThenProperty: given/when/then is the house style; this object is never awaited.
        then: (expected) => {
          const decision = decided();
          expect(decision.events).toEqual(expected);
          return chain(decision);
        },
        thenNothing: () => {
          const decision = decided();
          expect(decision.events).toEqual([]);
          return chain(decision);
        },
        thenRejects: (code, details = {}) => {
          expect('error' in outcome, `expected a ${code} refusal, but the command was accepted`).toBe(true);
          expect((outcome as { error: { code?: unknown } }).error).toMatchObject({ ...details, code });
        },
      };
    },
  });
