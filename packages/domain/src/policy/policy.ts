import { AppError } from '@app/core';
import { IANAZone } from 'luxon';

export type DayCounting = 'CALENDAR' | 'BUSINESS';
export type PolicyPreset = 'SEED_ARTICLES' | 'TWO_HOUR_JOB_SEARCH';
/** Which question topics preparation advice looks for (RULES.md `BASIC_TOPICS`). */
export type TopicSet = 'BASIC' | 'TIARA';

/** Every number the rules use, as a tenant has set it (RULES.md; the API's `TenantPolicy`). */
export interface Policy {
  readonly preset: PolicyPreset;
  /** Bumped by every change; each decision records the version it was made under. */
  readonly version: number;
  readonly dayCounting: DayCounting;
  readonly timeZone: string;
  /** Local dates (`yyyy-mm-dd`) that business days skip. */
  readonly holidays: readonly string[];
  readonly topics: TopicSet;
  readonly secondContactAfterDays: number | null;
  readonly followUpAfterDays: number;
  readonly maxFollowUps: number;
  readonly minQuestions: number;
  readonly maxQuestions: number;
  readonly minMeetingMinutes: number;
  readonly maxMeetingMinutes: number;
  readonly thankYouWithinHours: number;
  readonly keepInTouchEveryDays: number;
  readonly prepReminderHours: number;
  readonly commitmentDefaultDays: number;
  readonly notesWithinHours: number;
  readonly maxOutreachWords: number;
  readonly minProposedTimes: number;
  readonly meetingWithinDays: number;
  readonly maxOpenRequestsPerContact: number;
}

/** The defaults of RULES.md: what the seed articles advise. */
const SEED_ARTICLES: Policy = {
  preset: 'SEED_ARTICLES',
  version: 1,
  dayCounting: 'CALENDAR',
  timeZone: 'UTC',
  holidays: [],
  topics: 'BASIC',
  secondContactAfterDays: null,
  followUpAfterDays: 7,
  maxFollowUps: 1,
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
};

/** "The 2-Hour Job Search" routine: business days, 3B7, short outreach, TIARA, 15–20 minutes. */
const TWO_HOUR_JOB_SEARCH: Policy = {
  ...SEED_ARTICLES,
  preset: 'TWO_HOUR_JOB_SEARCH',
  dayCounting: 'BUSINESS',
  topics: 'TIARA',
  secondContactAfterDays: 3,
  followUpAfterDays: 7,
  maxOutreachWords: 75,
  minMeetingMinutes: 15,
  maxMeetingMinutes: 20,
};

export const PRESETS: Readonly<Record<PolicyPreset, Policy>> = { SEED_ARTICLES, TWO_HOUR_JOB_SEARCH };
export const DEFAULT_POLICY = SEED_ARTICLES;

type NumberField = {
  [K in keyof Policy]: Policy[K] extends number ? (K extends 'version' ? never : K) : never;
}[keyof Policy];

/** Counts may be 0 or more (`maxFollowUps = 0`: never follow up). */
const COUNTS: readonly NumberField[] = [
  'maxFollowUps',
  'minQuestions',
  'maxQuestions',
  'minProposedTimes',
  'maxOpenRequestsPerContact',
];
/** Windows (and lengths) are 1 or more. */
const WINDOWS: readonly NumberField[] = [
  'followUpAfterDays',
  'minMeetingMinutes',
  'maxMeetingMinutes',
  'thankYouWithinHours',
  'keepInTouchEveryDays',
  'prepReminderHours',
  'commitmentDefaultDays',
  'notesWithinHours',
  'maxOutreachWords',
  'meetingWithinDays',
];
/** Each minimum at most its maximum. */
const RANGES: readonly (readonly [NumberField, NumberField])[] = [
  ['minQuestions', 'maxQuestions'],
  ['minMeetingMinutes', 'maxMeetingMinutes'],
];
/** Every whole-number setting of a policy (counts, then windows): what an admin may tune. */
export const POLICY_NUMBER_FIELDS: readonly NumberField[] = [...COUNTS, ...WINDOWS];
/** Sanity caps, so a typo (7000 days) is caught rather than scheduled. */
const MAXIMUM = 10_000;

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** A policy outside its bounds: bad input, naming the first field (and listing every one). */
export class PolicyInvalidError extends AppError<'BAD_USER_INPUT'> {
  readonly field: string;
  constructor(readonly errors: readonly FieldError[]) {
    super('BAD_USER_INPUT', errors.map((e) => `${e.field}: ${e.message}`).join('; '), {
      field: errors[0]?.field,
      errors,
    });
    this.field = errors[0]?.field ?? 'policy';
  }
}

const LOCAL_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** The problems of a policy, each naming its field (RULES.md "Bounds", a real IANA zone); none when valid. */
export const policyErrors = (policy: Policy): FieldError[] => {
  const errors: FieldError[] = [];
  const whole = (field: NumberField, min: number) => {
    const value = policy[field];
    if (!Number.isInteger(value) || value < min || value > MAXIMUM) {
      errors.push({ field, message: `must be a whole number from ${min} to ${MAXIMUM}, got ${value}` });
      return false;
    }
    return true;
  };
  for (const field of COUNTS) whole(field, 0);
  for (const field of WINDOWS) whole(field, 1);
  const second = policy.secondContactAfterDays;
  if (second !== null && (!Number.isInteger(second) || second < 1 || second > MAXIMUM)) {
    errors.push({
      field: 'secondContactAfterDays',
      message: `must be off (null) or a whole number from 1 to ${MAXIMUM}, got ${second}`,
    });
  }
  for (const [low, high] of RANGES) {
    if (policy[low] > policy[high])
      errors.push({ field: low, message: `must be at most ${high} (${policy[high]}), got ${policy[low]}` });
  }
  if (!IANAZone.isValidZone(policy.timeZone)) {
    errors.push({
      field: 'timeZone',
      message: `must be an IANA time zone such as Europe/Berlin, got "${policy.timeZone}"`,
    });
  }
  for (const [index, day] of policy.holidays.entries()) {
    if (!LOCAL_DATE.test(day))
      errors.push({ field: `holidays[${index}]`, message: `must be a date like 2026-12-25, got "${day}"` });
  }
  if (!['CALENDAR', 'BUSINESS'].includes(policy.dayCounting)) {
    errors.push({ field: 'dayCounting', message: `must be CALENDAR or BUSINESS, got "${policy.dayCounting}"` });
  }
  return errors;
};

/** A policy changed by an admin: the old one with the changes applied, validated, its version bumped. */
export const changePolicy = (current: Policy, changes: Partial<Omit<Policy, 'version'>>): Policy => {
  const base =
    changes.preset && changes.preset !== current.preset
      ? { ...PRESETS[changes.preset], timeZone: current.timeZone, holidays: current.holidays }
      : current;
  const next: Policy = {
    ...base,
    ...changes,
    holidays: [...new Set(changes.holidays ?? base.holidays)].sort(),
    version: current.version + 1,
  };
  const errors = policyErrors(next);
  if (errors.length > 0) throw new PolicyInvalidError(errors);
  return next;
};
