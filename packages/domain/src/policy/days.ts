import { DateTime } from 'luxon';
import type { Policy } from './policy.ts';

/** What day arithmetic needs from the policy. */
export type Calendar = Pick<Policy, 'dayCounting' | 'timeZone' | 'holidays'>;

const inZone = (instant: string, calendar: Calendar): DateTime => {
  const local = DateTime.fromISO(instant, { zone: calendar.timeZone });
  if (!local.isValid) throw new Error(`not an instant: ${instant} (${local.invalidExplanation})`);
  return local;
};

const toInstant = (local: DateTime): string => local.toUTC().toISO() as string;

/** True when a local date is a working day for the tenant: not a weekend, not one of its holidays. */
export const isBusinessDay = (local: DateTime, calendar: Calendar): boolean =>
  local.weekday <= 5 && !calendar.holidays.includes(local.toISODate() as string);

/**
 * `instant` plus `days` in the tenant's time zone, at the same local time of day (so a
 * daylight-saving change moves the UTC hour, not the local one). Business days skip weekends
 * and holidays: one business day after a Friday is the Monday.
 */
export const addDays = (instant: string, days: number, calendar: Calendar): string => {
  let local = inZone(instant, calendar);
  if (calendar.dayCounting === 'CALENDAR') return toInstant(local.plus({ days }));
  for (let left = days; left > 0; ) {
    local = local.plus({ days: 1 });
    if (isBusinessDay(local, calendar)) left--;
  }
  return toInstant(local);
};

/** `instant` plus elapsed hours (a 24-hour window is 24 real hours, across any clock change). */
export const addHours = (instant: string, hours: number): string =>
  toInstant(DateTime.fromISO(instant, { zone: 'UTC' }).plus({ hours }));

/** The tenant's local date (`yyyy-mm-dd`) of an instant: the day bucket analytics count it in. */
export const localDate = (instant: string, calendar: Pick<Policy, 'timeZone'>): string =>
  DateTime.fromISO(instant, { zone: calendar.timeZone }).toISODate() as string;
