import { describe, expect, it } from 'vitest';
import { changePolicy, DEFAULT_POLICY, PRESETS, policyErrors } from './policy.ts';

describe('the tenant policy', () => {
  it('starts from the defaults of RULES.md', () => {
    expect(DEFAULT_POLICY).toMatchObject({
      preset: 'SEED_ARTICLES',
      dayCounting: 'CALENDAR',
      timeZone: 'UTC',
      followUpAfterDays: 7,
      maxFollowUps: 1,
      secondContactAfterDays: null,
      minQuestions: 12,
      maxQuestions: 14,
      minMeetingMinutes: 15,
      maxMeetingMinutes: 30,
      thankYouWithinHours: 24,
      keepInTouchEveryDays: 90,
      prepReminderHours: 24,
      commitmentDefaultDays: 2,
      notesWithinHours: 24,
      maxOutreachWords: 100,
      minProposedTimes: 2,
      meetingWithinDays: 28,
      maxOpenRequestsPerContact: 2,
    });
    expect(policyErrors(DEFAULT_POLICY)).toEqual([]);
  });

  it('has the 2-Hour Job Search preset: business days, 3B7, 75 words, TIARA, 15–20 minutes', () => {
    expect(PRESETS.TWO_HOUR_JOB_SEARCH).toMatchObject({
      dayCounting: 'BUSINESS',
      secondContactAfterDays: 3,
      followUpAfterDays: 7,
      maxOutreachWords: 75,
      topics: 'TIARA',
      minMeetingMinutes: 15,
      maxMeetingMinutes: 20,
    });
    expect(policyErrors(PRESETS.TWO_HOUR_JOB_SEARCH)).toEqual([]);
  });

  it('accepts 0 for a count ("never follow up") but not for a window', () => {
    expect(changePolicy(DEFAULT_POLICY, { maxFollowUps: 0 }).maxFollowUps).toBe(0);
    expect(() => changePolicy(DEFAULT_POLICY, { followUpAfterDays: 0 })).toThrow(
      /followUpAfterDays: must be a whole number from 1/,
    );
    expect(() => changePolicy(DEFAULT_POLICY, { maxFollowUps: -1 })).toThrow(/maxFollowUps/);
    expect(() => changePolicy(DEFAULT_POLICY, { thankYouWithinHours: 1.5 })).toThrow(/thankYouWithinHours/);
  });

  it('names every field that breaks the bounds', () => {
    const error = (() => {
      try {
        changePolicy(DEFAULT_POLICY, {
          minQuestions: 15,
          minMeetingMinutes: 45,
          timeZone: 'Mars/Olympus',
          holidays: ['12/25'],
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'minQuestions' });
    expect((error as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual([
      'minQuestions',
      'minMeetingMinutes',
      'timeZone',
      'holidays[0]',
    ]);
  });

  it('bumps the version on every change and keeps the zone and holidays when the preset changes', () => {
    const berlin = changePolicy(DEFAULT_POLICY, {
      timeZone: 'Europe/Berlin',
      holidays: ['2026-12-25', '2026-12-24', '2026-12-25'],
    });
    expect(berlin).toMatchObject({ version: 2, holidays: ['2026-12-24', '2026-12-25'] });
    const switched = changePolicy(berlin, { preset: 'TWO_HOUR_JOB_SEARCH' });
    expect(switched).toMatchObject({
      version: 3,
      preset: 'TWO_HOUR_JOB_SEARCH',
      dayCounting: 'BUSINESS',
      timeZone: 'Europe/Berlin',
    });
    expect(switched.holidays).toEqual(['2026-12-24', '2026-12-25']);
    expect(() => changePolicy(berlin, { secondContactAfterDays: 0 })).toThrow(/secondContactAfterDays: must be off/);
    expect(changePolicy(berlin, { secondContactAfterDays: null }).secondContactAfterDays).toBeNull();
  });
});
