/** A clock that moves only when told: a week passes in a millisecond. */
export interface ManualClock {
  now(): Date;
  nowMs(): number;
  advance(ms: number): void;
  set(instant: Date | string): void;
}

export const manualClock = (start: Date | string = '2026-01-05T09:00:00.000Z'): ManualClock => {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    nowMs: () => current,
    advance: (ms) => {
      current += ms;
    },
    set: (instant) => {
      current = new Date(instant).getTime();
    },
  };
};
