import { describe, expect, it } from 'vitest';
import { addDays, addHours, localDate } from './days.ts';

const business = (timeZone: string, holidays: string[] = []) => ({
  dayCounting: 'BUSINESS' as const,
  timeZone,
  holidays,
});
const calendar = (timeZone: string) => ({ dayCounting: 'CALENDAR' as const, timeZone, holidays: [] });

describe('day arithmetic', () => {
  it('counts calendar days at the same local time across a daylight-saving change', () => {
    // New York springs forward on Sunday 2026-03-08: 10:00 EST (15:00Z) + 7 days = 10:00 EDT (14:00Z).
    expect(addDays('2026-03-05T15:00:00.000Z', 7, calendar('America/New_York'))).toBe('2026-03-12T14:00:00.000Z');
    // Berlin falls back on Sunday 2026-10-25: 10:00 CEST (08:00Z) + 3 days = 10:00 CET (09:00Z).
    expect(addDays('2026-10-23T08:00:00.000Z', 3, calendar('Europe/Berlin'))).toBe('2026-10-26T09:00:00.000Z');
  });

  it('skips the weekend in business days', () => {
    // Friday 2026-11-20 10:00 in Berlin (09:00Z) + 1 business day = Monday 11-23.
    expect(addDays('2026-11-20T09:00:00.000Z', 1, business('Europe/Berlin'))).toBe('2026-11-23T09:00:00.000Z');
    // Thursday + 3 business days = Tuesday.
    expect(addDays('2026-11-19T09:00:00.000Z', 3, business('Europe/Berlin'))).toBe('2026-11-24T09:00:00.000Z');
    // 3B7: 7 business days after Monday 2026-11-16 is Wednesday 11-25.
    expect(addDays('2026-11-16T09:00:00.000Z', 7, business('Europe/Berlin'))).toBe('2026-11-25T09:00:00.000Z');
    // Starting on a Saturday: the next business day is Monday.
    expect(addDays('2026-11-21T09:00:00.000Z', 1, business('Europe/Berlin'))).toBe('2026-11-23T09:00:00.000Z');
  });

  it('skips the tenant’s holidays', () => {
    const christmas = business('Europe/Berlin', ['2026-12-25']);
    // Thursday 12-24 + 1 business day, the Friday a holiday: Monday 12-28.
    expect(addDays('2026-12-24T09:00:00.000Z', 1, christmas)).toBe('2026-12-28T09:00:00.000Z');
    // Across a holiday and a weekend: Tuesday 12-22 + 3 = Wed, Thu, (Fri off, weekend) Mon 12-28.
    expect(addDays('2026-12-22T09:00:00.000Z', 3, christmas)).toBe('2026-12-28T09:00:00.000Z');
  });

  it('carries business days across a daylight-saving change at the same local time', () => {
    // Friday 2026-10-23 10:00 CEST (08:00Z) + 1 business day = Monday 10:00 CET (09:00Z).
    expect(addDays('2026-10-23T08:00:00.000Z', 1, business('Europe/Berlin'))).toBe('2026-10-26T09:00:00.000Z');
  });

  it('decides weekends by the tenant’s local date, on both sides of UTC', () => {
    // 2026-11-20T20:00Z is Saturday 09:00 in Auckland (UTC+13): + 1 business day = Monday 09:00 = Sunday 20:00Z.
    expect(addDays('2026-11-20T20:00:00.000Z', 1, business('Pacific/Auckland'))).toBe('2026-11-22T20:00:00.000Z');
    // The same instant is Friday 12:00 in Los Angeles (UTC−8): + 1 business day = Monday 12:00 = 20:00Z.
    expect(addDays('2026-11-20T20:00:00.000Z', 1, business('America/Los_Angeles'))).toBe('2026-11-23T20:00:00.000Z');
    // 2026-11-21T05:00Z is Friday 21:00 in Los Angeles but Saturday in UTC: Los Angeles counts Friday.
    expect(addDays('2026-11-21T05:00:00.000Z', 1, business('America/Los_Angeles'))).toBe('2026-11-24T05:00:00.000Z');
    expect(localDate('2026-11-21T05:00:00.000Z', { timeZone: 'America/Los_Angeles' })).toBe('2026-11-20');
    expect(localDate('2026-11-20T20:00:00.000Z', { timeZone: 'Pacific/Auckland' })).toBe('2026-11-21');
  });

  it('counts hours as elapsed time, whatever the local clock does', () => {
    // 24 hours after 12:00 CEST on the Saturday before Berlin falls back is 11:00 CET on Sunday.
    expect(addHours('2026-10-24T10:00:00.000Z', 24)).toBe('2026-10-25T10:00:00.000Z');
  });
});
