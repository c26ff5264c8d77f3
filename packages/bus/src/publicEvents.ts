import type { CohortEvent, ContactEvent, InterviewEvent, MemberEvent, TenantEvent } from '@app/domain';

// Which domain events other university systems may see, and which of their fields: an explicit
// allow-list, never a deny-list, so a field added to an event stays private until someone
// decides here that it is public (DESIGN.md §8: integration events carry ids only). Values
// must be ids, enums, times, counts or flags; free text — names, emails, messages, notes,
// question texts, goals, company names, reasons, terms — is never listed, personal or not.

/** What a public field may hold; the mapper checks each value against its kind. */
export type FieldKind =
  | 'id'
  | 'ids'
  | 'enum'
  | 'enums'
  | 'time'
  | 'times'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'eventType';

export interface PublicField {
  /** Where the value is in the domain event's `data`: a dot path. */
  readonly from: string;
  readonly kind: FieldKind;
  /** One line for the public catalog. */
  readonly about: string;
}

export interface Published {
  readonly publish: true;
  /** One line for the public catalog: what happened. */
  readonly about: string;
  /** The public fields by their public name (which may differ from the domain's). */
  readonly fields: Readonly<Record<string, PublicField>>;
}

export interface Internal {
  readonly publish: false;
  /** Why other systems never see it. */
  readonly why: string;
}

export type Publication = Published | Internal;

/** Every event type the domain records. */
export type DomainEventType = (TenantEvent | MemberEvent | CohortEvent | ContactEvent | InterviewEvent)['type'];

type Fields = Readonly<Record<string, PublicField>>;

const published = (about: string, fields: Fields = {}): Published => ({ publish: true, about, fields });
const internal = (why: string): Internal => ({ publish: false, why });
/** A public field, under its domain name unless `from` says otherwise. */
const field = (name: string, kind: FieldKind, about: string, from = name): Fields => ({
  [name]: { from, kind, about },
});
const fields = (...parts: Fields[]): Fields => Object.assign({}, ...parts);

const channel = field('channel', 'enum', 'how it was sent');
const keepInTouchDueAt = field('keepInTouchDueAt', 'time', 'when the next keep-in-touch falls due');
const deadlineId = field('deadlineId', 'id', 'the deadline this settles: `KIND-version` of the event that armed it');
const replyDeadline = fields(
  field('replyDeadlineKind', 'enum', 'what falls due if no reply comes', 'replyDeadline.kind'),
  field('replyDueAt', 'time', 'when it falls due', 'replyDeadline.dueAt'),
);
const meeting = fields(
  field('startsAt', 'time', 'when the meeting starts'),
  field('durationMinutes', 'integer', 'its planned length in minutes'),
  field('format', 'enum', 'in person, video or phone'),
  field('longerRequestedByContact', 'boolean', 'the contact asked for a longer meeting'),
  field('prepDueAt', 'time', 'when the preparation reminder falls due (null when the meeting has begun)'),
);
const PRIVATE_TEXT = "the student's own working text and nothing else: no id, count or time a consumer could use";

/** The publication decision for every domain event type (the compiler asks for one per new type). */
export const PUBLICATION = {
  TenantProvisioned: published('a university joined the platform'),
  TenantPolicyChanged: internal("the policy's shape is the rules engine's configuration, not a contract"),
  TenantSuspended: published('the university was suspended: its members can read but not write'),
  TenantReactivated: published('the university may write again'),

  MemberInvited: published(
    'a person was invited into the university (the stream id is their user id)',
    field('roles', 'enums', 'the roles they hold'),
  ),
  MemberRoleChanged: published("a member's roles changed", field('roles', 'enums', 'the roles they now hold')),
  MemberRemoved: published('a member was removed'),
  // published so that systems keeping copies keyed by the member's id can erase theirs too; who
  // erased it stays in the audit log (an admin's id tells a subscriber nothing it must act on)
  MemberDataErased: published(
    "the student's personal data was erased at their request (the stream id is their user id): erase what you keep of them",
  ),

  CohortCreated: published('a cohort was created'),
  CoachAssigned: published('a coach now follows the cohort', field('coachId', 'id', "the coach's user id")),
  CoachUnassigned: published('a coach no longer follows the cohort', field('coachId', 'id', "the coach's user id")),
  StudentEnrolled: published('a student joined the cohort', field('studentId', 'id', "the student's user id")),
  StudentWithdrawn: published('a student left the cohort', field('studentId', 'id', "the student's user id")),
  CohortArchived: published('the cohort was archived'),

  ContactAdded: published(
    'a student added a person to talk to',
    fields(
      field('source', 'enum', 'where the contact came from'),
      field('referredByContactId', 'id', 'the contact who referred this one, if any'),
      field('referredFromInterviewId', 'id', 'the interview the referral came out of, if any'),
    ),
  ),
  ContactDetailsUpdated: internal('every field it carries is personal or free text (name, email, title, company)'),
  ContactPreferenceRecorded: published(
    'the contact said how they prefer to stay in touch',
    field('channel', 'enum', 'the channel they prefer'),
  ),
  ContactMarkedBooster: published(
    'the contact replied quickly and warmly: a booster',
    fields(
      field('interviewId', 'id', 'the interview whose reply made them one'),
      field('repliedAfterDays', 'number', 'days from the first outreach to the reply, to one decimal'),
    ),
  ),
  ContactArchived: published('the student archived the contact'),

  InterviewPlanned: published(
    'a student planned an informational interview with a contact',
    field('contactId', 'id', 'the contact'),
  ),
  OutreachSent: published(
    'the first request for a meeting went out',
    fields(
      channel,
      field('proposedTimes', 'times', 'the meeting times the student proposed'),
      field('mentionedReferrer', 'boolean', 'the message named who referred them (null: not checked)'),
      field('statedPurpose', 'boolean', 'the message said what the meeting is for (null: not checked)'),
      replyDeadline,
      field('secondContactDueAt', 'time', 'when writing to a second person at the organization falls due'),
    ),
  ),
  FollowUpSent: published('a follow-up to an unanswered request went out', fields(channel, replyDeadline)),
  ReplyReceived: published(
    'the contact answered the request',
    fields(
      field('outcome', 'enum', 'accepted or declined'),
      field('booster', 'boolean', 'accepted quickly: the contact is marked a booster'),
      field('repliedAfterDays', 'number', 'days since the first outreach, to one decimal'),
    ),
  ),
  MeetingScheduled: published('a meeting was set', meeting),
  MeetingRescheduled: published('the meeting moved', meeting),
  MeetingCancelled: published('the meeting was cancelled'),
  ResearchNoteAdded: internal(PRIVATE_TEXT),
  QuestionAdded: internal(
    "a draft of the student's preparation; its public trace is `questionsPrepared` on MeetingPrepDue and MeetingHeld",
  ),
  QuestionRemoved: internal('the other half of QuestionAdded, meaningless without it'),
  MeetingHeld: published(
    'the meeting took place',
    fields(
      field('durationMinutes', 'integer', 'how long it lasted'),
      field('askedForReferrals', 'boolean', 'the student asked whom else to talk to (null: not said)'),
      field('lengthWithinPolicy', 'boolean', "within the tenant's meeting length, or longer at the contact's request"),
      field('questionsPrepared', 'integer', 'questions prepared when it was held'),
      field('thankYouDueAt', 'time', 'when the thank-you falls due'),
    ),
  ),
  NotesRecorded: internal(`${PRIVATE_TEXT}; coaches never see notes or impressions either (DESIGN.md §7)`),
  ReferralReceived: published(
    'the contact referred the student to someone else',
    field('referredContactId', 'id', 'the new contact'),
  ),
  ThankYouSent: published(
    'the student thanked the contact',
    fields(
      channel,
      field('first', 'boolean', 'the first thank-you of the interview (the one timed)'),
      field('onTime', 'boolean', "within the tenant's thank-you window"),
      field('hoursAfterMeeting', 'number', 'hours since the meeting'),
      keepInTouchDueAt,
    ),
  ),
  CommitmentMade: published(
    'the student promised the contact something',
    fields(field('commitmentId', 'id', 'the commitment'), field('dueAt', 'time', 'when it is due')),
  ),
  CommitmentFulfilled: published(
    'the student kept a promise',
    fields(
      field('commitmentId', 'id', 'the commitment'),
      field('onTime', 'boolean', 'by its due time'),
      keepInTouchDueAt,
    ),
  ),
  KeepInTouchLogged: published(
    'the student got back in touch',
    fields(field('kind', 'enum', 'what kind of touch'), channel, keepInTouchDueAt),
  ),
  InterviewClosed: published(
    'the interview ended; open commitments were cancelled',
    field('cancelledCommitmentIds', 'ids', 'the commitments closing cancelled', 'cancelledCommitments'),
  ),
  NudgeDismissed: internal('a student tidying its own reminder list: nothing another system acts on'),
  EntryVoided: published(
    'the student voided a mis-logged entry: it counts as never having happened',
    fields(
      field('voidedVersion', 'integer', 'the `version` of the voided event in this stream', 'version'),
      field('voidedType', 'eventType', 'its event type (the middle part of its detail-type)'),
    ),
  ),

  FollowUpDue: published(
    'no reply yet: a brief follow-up is due',
    fields(deadlineId, field('abandonDueAt', 'time', 'when the request counts as abandoned')),
  ),
  SecondContactDue: published('time to write to a second person at the same organization', deadlineId),
  OutreachAbandoned: published(
    'no reply after the last follow-up: the student leaves them alone',
    fields(deadlineId, field('followUpsSent', 'integer', 'follow-ups that had been sent')),
  ),
  MeetingPrepDue: published(
    'the meeting is near: preparation reminder',
    fields(
      deadlineId,
      field('gaps', 'enums', 'the RULES.md codes of what preparation still lacks (empty: ready)'),
      field('questionsPrepared', 'integer', 'questions prepared so far'),
    ),
  ),
  ThankYouOverdue: published('no thank-you within the window after the meeting', deadlineId),
  CommitmentOverdue: published(
    'a commitment passed its due time unfulfilled',
    fields(deadlineId, field('commitmentId', 'id', 'the commitment')),
  ),
  KeepInTouchDue: published(
    'time to get back in touch with the contact',
    fields(deadlineId, field('lastContactAt', 'time', 'when the student was last in touch')),
  ),
} as const satisfies Record<DomainEventType, Publication>;

/** The publication table as the mapper reads it (tests pass variants of it). */
export type PublicationTable = Readonly<Record<string, Publication>>;
