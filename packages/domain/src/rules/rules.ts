import type { Advice } from '@app/core';

/** How a rule acts (RULES.md): refuse, advise, flag a question, fall due, or state a fact. */
export type RuleKind = 'hard' | 'soft' | 'flag' | 'deadline' | 'fact';

export interface Rule {
  readonly kind: RuleKind;
  /** The RULES.md source cell, as written there (`null` where it has none). */
  readonly source: string | null;
}

/** Every rule of RULES.md by its code: the codes are stable API, clients key on them. */
export const RULES = {
  FOLLOW_UP_TOO_SOON: { kind: 'soft', source: '003' },
  FOLLOW_UP_LIMIT: { kind: 'hard', source: '003' },
  OUTREACH_ABANDONED: { kind: 'deadline', source: '002, 003' },
  FOLLOW_UP_DUE: { kind: 'deadline', source: '003' },
  MENTION_REFERRER: { kind: 'soft', source: '001, 002' },
  STATE_PURPOSE: { kind: 'soft', source: '001, 003' },
  PROPOSE_TIMES: { kind: 'soft', source: '003' },
  FORMAL_SALUTATION: { kind: 'soft', source: '003' },
  MEETING_WINDOW: { kind: 'soft', source: '002' },
  SECOND_CONTACT_DUE: { kind: 'deadline', source: '002 ("move on to someone else"), 3B7' },
  BOOSTER: { kind: 'fact', source: '3B7' },
  OUTREACH_TOO_LONG: { kind: 'soft', source: '002 ("don\'t babble"), 3B7' },
  OUTREACH_NO_QUESTION: { kind: 'soft', source: '3B7' },
  OUTREACH_MENTIONS_JOB: { kind: 'soft', source: '001, 003' },
  CONTACT_FATIGUE: { kind: 'soft', source: 'over-asked alumni' },
  QUESTION_COUNT: { kind: 'soft', source: '002' },
  ASKS_FOR_JOB: { kind: 'flag', source: '000, 001, 002, 003, 004' },
  ASKS_ABOUT_PAY: { kind: 'flag', source: '001' },
  LAZY_QUESTION: { kind: 'flag', source: '001, 002' },
  BASIC_TOPICS: { kind: 'soft', source: '001, TIARA' },
  ROLE_AND_ORG: { kind: 'soft', source: '002' },
  RESEARCH_FIRST: { kind: 'soft', source: '000, 001, 002, 003, 004' },
  DEFINE_GOALS: { kind: 'soft', source: '000, 004' },
  MEETING_PREP_DUE: { kind: 'deadline', source: '004' },
  MEETING_LENGTH: { kind: 'soft', source: '001, 003' },
  OVERSTAYED: { kind: 'soft', source: '000, 001, 004' },
  ASK_FOR_REFERRALS: { kind: 'soft', source: '000, 004' },
  NOTES_AFTER: { kind: 'soft', source: '001, 004' },
  THANK_YOU_OVERDUE: { kind: 'deadline', source: '000, 004' },
  THANK_YOU_BEFORE_MEETING: { kind: 'hard', source: null },
  HANDWRITTEN_NOTE: { kind: 'soft', source: '000, 002' },
  COMMITMENT_OVERDUE: { kind: 'deadline', source: '000, 004' },
  KEEP_IN_TOUCH_DUE: { kind: 'deadline', source: '000, 001, 002' },
  STAY_IN_TOUCH_PREFERENCE: { kind: 'soft', source: '000' },
  NO_CASUAL_CHANNEL: { kind: 'soft', source: '000' },
  GIVE_BACK: { kind: 'soft', source: '000, 002' },
} as const satisfies Record<string, Rule>;

export type RuleCode = keyof typeof RULES;

/** Advice under a rule's code, with its source cell. */
export const advise = (code: RuleCode, message: string): Advice => {
  const { source } = RULES[code];
  return source === null ? { code, message } : { code, message, source };
};
