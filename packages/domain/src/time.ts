import { DateTime } from 'luxon';
import { InvalidInputError } from './errors.ts';

/** Clocks disagree a little: a time this far ahead of ours is still "now", not the future. */
const CLOCK_SKEW_MS = 2 * 60_000;

/** Milliseconds since the epoch of an ISO instant the domain has already checked. */
export const ms = (iso: string): number => Date.parse(iso);

/** A client's ISO 8601 instant (with `Z` or an offset), normalised to UTC; bad input names the field. */
export const instant = (field: string, value: string): string => {
  const parsed = /([zZ]|[+-]\d\d:?\d\d)$/.test(value) ? DateTime.fromISO(value, { setZone: true }) : null;
  if (!parsed?.isValid) {
    throw new InvalidInputError(
      field,
      `must be a date and time with its offset, like 2026-11-22T10:00:00Z, got "${value}"`,
    );
  }
  return parsed.toUTC().toISO() as string;
};

/** When something happened: a valid instant, not in the future (a meeting held tomorrow is refused). */
export const happened = (field: string, value: string, now: string): string => {
  const at = instant(field, value);
  if (ms(at) > ms(now) + CLOCK_SKEW_MS) {
    throw new InvalidInputError(field, `is in the future (${at}): record things once they have happened`);
  }
  return at;
};

/** An ordering check on explicit times: `at` may not come before `bound` (what `bound` is, in words). */
export const notBefore = (field: string, at: string, bound: string | null | undefined, what: string): void => {
  if (bound && ms(at) < ms(bound)) throw new InvalidInputError(field, `must not be before ${what} (${bound})`);
};

/** The later of two instants (the first when equal). */
export const latest = (a: string, b: string | null): string => (b !== null && ms(b) > ms(a) ? b : a);

/** Elapsed hours from `from` to `to`, to one decimal. */
export const hoursBetween = (from: string, to: string): number => Math.round((ms(to) - ms(from)) / 360_000) / 10;
