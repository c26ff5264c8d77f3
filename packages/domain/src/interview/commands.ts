import type { Channel } from '../contact/events.ts';
import type { Policy } from '../policy/policy.ts';
import type { DeadlineOutcome, KEEP_IN_TOUCH_KINDS, MEETING_FORMATS, QuestionTopic, REPLY_OUTCOMES } from './events.ts';

type MeetingFormat = (typeof MEETING_FORMATS)[number];

/**
 * What a student (or time) asks of an interview. Every action that happened carries the
 * time it happened (`sentAt`, `heldAt`…), which may lie in the past: students log late.
 */
export type InterviewCommand =
  | { type: 'PlanInterview'; contactId: string; goals: readonly string[] }
  | {
      type: 'RecordOutreach';
      channel: Channel;
      sentAt: string;
      message?: string | null;
      mentionedReferrer?: boolean | null;
      statedPurpose?: boolean | null;
      proposedTimes?: readonly string[] | null;
    }
  | { type: 'RecordFollowUp'; channel: Channel; sentAt: string }
  | { type: 'RecordReply'; receivedAt: string; outcome: (typeof REPLY_OUTCOMES)[number] }
  | {
      type: 'ScheduleMeeting';
      startsAt: string;
      durationMinutes: number;
      format: MeetingFormat;
      location?: string | null;
      longerRequestedByContact?: boolean | null;
    }
  | { type: 'CancelMeeting'; reason?: string | null; closeInterview?: boolean | null }
  | { type: 'AddResearchNote'; text: string }
  | { type: 'AddQuestion'; text: string; topic: QuestionTopic }
  | { type: 'RemoveQuestion'; questionId: string }
  | {
      type: 'RecordMeetingHeld';
      heldAt: string;
      durationMinutes: number;
      askedForReferrals?: boolean | null;
      longerRequestedByContact?: boolean | null;
    }
  | {
      type: 'RecordNotes';
      notes: string;
      impressions?: string | null;
      interestLevel?: number | null;
      writtenAt?: string | null;
    }
  | { type: 'RecordReferral'; referredContactId: string }
  | { type: 'RecordThankYou'; sentAt: string; channel: Channel }
  | { type: 'RecordCommitment'; description: string; dueAt?: string | null }
  | { type: 'FulfilCommitment'; commitmentId: string; fulfilledAt: string }
  | {
      type: 'LogKeepInTouch';
      at: string;
      kind: (typeof KEEP_IN_TOUCH_KINDS)[number];
      channel: Channel;
      note?: string | null;
    }
  | { type: 'CloseInterview'; outcome?: string | null }
  | { type: 'VoidEntry'; version: number; reason: string }
  | { type: 'DismissNudge'; deadlineId: string }
  | DeadlineCommand;

/** Time acting on the stream: the deadline handler sends these when a deadline fires. */
export interface DeadlineCommand {
  readonly type: DeadlineOutcome;
  readonly deadlineId: string;
}

/** The interview's contact as it is when the command runs, read by the caller from its stream. */
export interface InterviewContact {
  readonly id: string;
  readonly ownerId: string;
  readonly status: 'ACTIVE' | 'ARCHIVED';
  /** The contact's company, case-folded (`organizationOf`). */
  readonly organization: string | null;
  readonly preferredChannel: Channel | null;
  /** Who referred the student to this contact, when it came by referral. */
  readonly referrerName: string | null;
}

/** Everything a decision needs from outside: the clock, ids, the policy, and reads of other streams. */
/** The commands whose decision reads `InterviewContext.contact`: a caller loads the contact for these only. */
export const COMMANDS_READING_CONTACT: ReadonlySet<InterviewCommand['type']> = new Set([
  'PlanInterview',
  'RecordOutreach',
  'RecordFollowUp',
  'RecordThankYou',
  'SecondContactDue',
]);

export interface InterviewContext {
  readonly now: string;
  readonly policy: Policy;
  /** The student acting (an interview belongs to the student who planned it). */
  readonly studentId: string;
  /** A fresh id with a type prefix (`que_…`, `cmt_…`). */
  readonly newId: (prefix: 'que' | 'cmt') => string;
  /** Needed to plan, reach out and follow up, and to thank (`STAY_IN_TOUCH_PREFERENCE`). */
  readonly contact?: InterviewContact;
  /** Open requests to the same professional (by email) from other students of the tenant (`CONTACT_FATIGUE`). */
  readonly openRequestsToContact?: number;
  /** When replies came from the contact's organization on other interviews (`SECOND_CONTACT_DUE`). */
  readonly organizationReplies?: readonly string[];
}
