import { AppError, type Decider } from '@app/core';
import { describe, expect, it } from 'vitest';
import { deciderSpec } from './givenWhenThen.ts';

type Incremented = { type: 'Incremented'; data: { by: number }; occurredAt: string };

/** A counter that refuses non-positive steps and advises against big ones. */
const counter: Decider<{ count: number }, { type: 'Increment'; by: number }, Incremented, { now: string }> = {
  initialState: { count: 0 },
  decide: (command, _state, ctx) => {
    if (command.by <= 0) throw new AppError('NOT_POSITIVE', 'increments are positive');
    return {
      events: [{ type: 'Incremented', data: { by: command.by }, occurredAt: ctx.now }],
      advice: command.by > 10 ? [{ code: 'BIG_STEP', message: 'that is a big step' }] : [],
    };
  },
  evolve: (state, event) => ({ count: state.count + event.data.by }),
};

const now = '2026-03-01T10:00:00.000Z';
const given = deciderSpec(counter, { now });
const incremented = (by: number) => ({ type: 'Incremented' as const, data: { by }, occurredAt: now });

describe('given/when/then', () => {
  it('checks the decided events, the advice and the state after them', () => {
    given([incremented(1)])
      .when({ type: 'Increment', by: 11 })
      .then([incremented(11)])
      .withAdvice('BIG_STEP')
      .andState((state) => expect(state.count).toBe(12));
  });

  it('checks a refusal by its code', () => {
    given().when({ type: 'Increment', by: 0 }).thenRejects('NOT_POSITIVE');
  });

  it('fails when the events differ, the advice is missing or the command was accepted', () => {
    expect(() =>
      given()
        .when({ type: 'Increment', by: 2 })
        .then([incremented(3)]),
    ).toThrow();
    expect(() =>
      given()
        .when({ type: 'Increment', by: 2 })
        .then([incremented(2)])
        .withAdvice('BIG_STEP'),
    ).toThrow();
    expect(() => given().when({ type: 'Increment', by: 2 }).thenRejects('NOT_POSITIVE')).toThrow(/was accepted/);
    expect(() => given().when({ type: 'Increment', by: 0 }).then([])).toThrow(/increments are positive/);
  });
});
