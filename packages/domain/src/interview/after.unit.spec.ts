import { deciderSpec } from '@app/testing';
import { describe, expect, it } from 'vitest';
import type { InterviewCommand } from './commands.ts';
import { interviewDecider } from './decider.ts';
import type { EventData, InterviewEvent, InterviewEventType } from './events.ts';
import {
  accepted,
  active,
  at,
  contact,
  context,
  held,
  logged,
  contextAt as now,
  outreach,
  plan,
  scheduled,
  step,
  thanked,
  upToHeld,
  upToScheduled,
} from './fixtures.ts';
import type { InterviewState } from './state.ts';

const given = deciderSpec(interviewDecider, context());
const subject = 'usr_ada';
/** An event of Ada's interview, written out in full. */
const event = <T extends InterviewEventType>(type: T, data: EventData<T>, occurredAt: string) =>
  ({ type, data, occurredAt, subject }) as InterviewEvent;
const armed = (s: InterviewState) => active(s).armed.map((d) => `${d.kind} ${d.dueAt} ${d.deadlineId}`);
type Events = readonly InterviewEvent[];
type Context = ReturnType<typeof context>;
/** Refused with RULE_VIOLATION: the state does not accept the command, or a hard rule forbids it. */
const refused = (events: Events, command: InterviewCommand, ctx: Context, rule = 'INVALID_TRANSITION') =>
  given(events).when(command, ctx).thenRejects('RULE_VIOLATION', { rule });
/** Refused with BAD_USER_INPUT naming the field. */
const badInput = (events: Events, command: InterviewCommand, ctx: Context, field: string) =>
  given(events).when(command, ctx).thenRejects('BAD_USER_INPUT', { field });

const acceptedOnly = logged([plan, outreach, accepted]);
const heldOnly = logged(upToHeld);
const followingUp = logged([...upToHeld, thanked]);
const promise = (description: string, now: string) => step({ type: 'RecordCommitment', description }, now);
const close = (days: number) => step({ type: 'CloseInterview', outcome: 'Learned what I came for' }, at(days));
const touch = (days: number) =>
  ({ type: 'LogKeepInTouch', at: at(days), kind: 'CAREER_UPDATE', channel: 'EMAIL' }) as const;

type Held = Extract<InterviewEvent, { type: 'MeetingHeld' }>['data'];
const meetingHeld = (data: Partial<Held> = {}): InterviewEvent => ({
  type: 'MeetingHeld',
  data: {
    durationMinutes: 20,
    askedForReferrals: true,
    lengthWithinPolicy: true,
    questionsPrepared: 0,
    thankYouDueAt: at(10, 1),
    ...data,
  },
  occurredAt: at(9, 1),
  subject,
});

describe('the meeting held', () => {
  it('records the scheduled meeting as held and gives the thank-you a day', () => {
    given(logged(upToScheduled))
      .when(held[0], now(9, 2))
      .then([meetingHeld()])
      .withoutAdvice('MEETING_LENGTH', 'OVERSTAYED', 'ASK_FOR_REFERRALS')
      .andState((s) => {
        expect(s).toMatchObject({ status: 'HELD', held: { heldAt: at(9, 1), durationMinutes: 20 } });
        expect(armed(s)).toEqual([`THANK_YOU_OVERDUE ${at(10, 1)} THANK_YOU_OVERDUE-5`]);
      });
  });

  it('records a meeting that happened without being scheduled', () => {
    given(acceptedOnly)
      .when(held[0], now(9, 2))
      .then([meetingHeld()])
      .andState((s) => expect(armed(s)).toEqual([`THANK_YOU_OVERDUE ${at(10, 1)} THANK_YOU_OVERDUE-4`]));
  });

  it('counts the questions prepared, removed ones excepted', () => {
    const ask = (text: string) => step({ type: 'AddQuestion', text, topic: 'OTHER' }, at(0));
    const remove = step({ type: 'RemoveQuestion', questionId: 'que_1' }, at(1));
    const asked = [ask('What do you read?'), ask('How did you start?'), ask('Any advice?')];
    given(logged([plan, ...asked, remove, ...upToScheduled.slice(1)]))
      .when(held[0], now(9, 2))
      .then([meetingHeld({ questionsPrepared: 2 })]);
  });

  it('refuses a meeting before they accepted, one in the future, and one before their reply', () => {
    refused(logged([plan, outreach]), held[0], now(9, 2));
    badInput(logged(upToScheduled), held[0], now(9), 'heldAt');
    badInput(acceptedOnly, { ...held[0], heldAt: at(1) }, now(9, 2), 'heldAt');
  });

  it('advises a 15 to 30 minute meeting (MEETING_LENGTH) and flags running past the time asked for (OVERSTAYED)', () => {
    given(logged(upToScheduled))
      .when({ ...held[0], durationMinutes: 45 }, now(9, 2))
      .then([meetingHeld({ durationMinutes: 45, lengthWithinPolicy: false })])
      .withAdvice('MEETING_LENGTH', 'OVERSTAYED');
    const longer = step({ ...scheduled[0], durationMinutes: 45, longerRequestedByContact: true }, at(2, 1));
    given(logged([plan, outreach, accepted, longer]))
      .when({ ...held[0], durationMinutes: 45 }, now(9, 2))
      .then([meetingHeld({ durationMinutes: 45 })])
      .withoutAdvice('MEETING_LENGTH', 'OVERSTAYED');
  });

  it('advises asking whom else to talk to (ASK_FOR_REFERRALS) unless the student did', () => {
    given(logged(upToScheduled))
      .when({ type: 'RecordMeetingHeld', heldAt: at(9, 1), durationMinutes: 20 }, now(9, 2))
      .then([meetingHeld({ askedForReferrals: null })])
      .withAdvice('ASK_FOR_REFERRALS');
    given(logged(upToScheduled))
      .when({ ...held[0], askedForReferrals: false }, now(9, 2))
      .then([meetingHeld({ askedForReferrals: false })])
      .withAdvice('ASK_FOR_REFERRALS');
  });
});

describe('notes', () => {
  const notes = { type: 'RecordNotes', notes: 'She started in operations', interestLevel: 4 } as const;
  const recorded = (occurredAt: string, impressions: string | null = null) =>
    event('NotesRecorded', { notes: notes.notes, impressions, interestLevel: 4 }, occurredAt);

  it('records notes when they are written, or now', () => {
    given(heldOnly)
      .when(notes, now(9, 3))
      .then([recorded(at(9, 3))]);
    given(heldOnly)
      .when({ ...notes, writtenAt: at(9, 4), impressions: ' Warm and direct ' }, now(12))
      .then([recorded(at(9, 4), 'Warm and direct')])
      .withoutAdvice('NOTES_AFTER')
      .andState((s) => expect(s).toMatchObject({ notes: 1 }));
  });

  it('advises writing notes within a day of the meeting (NOTES_AFTER)', () => {
    given(heldOnly)
      .when({ ...notes, writtenAt: at(10, 2) }, now(12))
      .then([recorded(at(10, 2))])
      .withAdvice('NOTES_AFTER');
    given(heldOnly)
      .when(notes, now(11))
      .then([recorded(at(11))])
      .withAdvice('NOTES_AFTER');
  });

  it('refuses notes dated before the meeting, and an interest level beyond 5', () => {
    badInput(heldOnly, { ...notes, writtenAt: at(9) }, now(10), 'writtenAt');
    badInput(heldOnly, { ...notes, interestLevel: 6 }, now(10), 'interestLevel');
  });
});

describe('referrals', () => {
  const referral = { type: 'RecordReferral', referredContactId: 'con_lee' } as const;
  const received = (day: number) => event('ReferralReceived', { referredContactId: 'con_lee' }, at(day));
  const declined = logged([plan, outreach, step({ ...accepted[0], outcome: 'DECLINED' }, at(2))]);

  it('records a referral after a decline, a meeting or a thank-you, and advises giving back (GIVE_BACK)', () => {
    for (const events of [declined, heldOnly, followingUp]) {
      given(events)
        .when(referral, now(10))
        .then([received(10)])
        .withAdvice('GIVE_BACK')
        .andState((s) => expect(active(s).referrals).toEqual(['con_lee']));
    }
  });

  it('does not advise giving back once the student has offered help', () => {
    const offered = step({ ...touch(20), kind: 'OFFERED_HELP' }, at(20));
    given(logged([...upToHeld, thanked, offered]))
      .when(referral, now(21))
      .then([received(21)])
      .withoutAdvice('GIVE_BACK');
  });

  it('records the same referral only once', () => {
    given(logged([...upToHeld, step(referral, at(10))]))
      .when(referral, now(11))
      .thenNothing();
  });

  it('refuses a referral before any reply', () => {
    refused(logged([plan]), referral, now(1));
    refused(logged([plan, outreach]), referral, now(1));
  });
});

describe('thanking', () => {
  const thankYou = thanked[0];
  type Sent = Extract<InterviewEvent, { type: 'ThankYouSent' }>['data'];
  const sent = (data: Partial<Sent> = {}, occurredAt = at(9, 5)): InterviewEvent => ({
    type: 'ThankYouSent',
    data: { channel: 'EMAIL', first: true, onTime: true, hoursAfterMeeting: 4, keepInTouchDueAt: at(99, 5), ...data },
    occurredAt,
    subject,
  });

  it('refuses a thank-you before the meeting is held, or dated before it (THANK_YOU_BEFORE_MEETING)', () => {
    refused(logged(upToScheduled), thankYou, now(9, 5), 'THANK_YOU_BEFORE_MEETING');
    refused(heldOnly, { ...thankYou, sentAt: at(9) }, now(9, 5), 'THANK_YOU_BEFORE_MEETING');
  });

  it('records the first thank-you, on time, and starts the keep-in-touch clock', () => {
    given(heldOnly)
      .when(thankYou, now(9, 5))
      .then([sent()])
      .withAdvice('HANDWRITTEN_NOTE', 'STAY_IN_TOUCH_PREFERENCE', 'GIVE_BACK')
      .andState((s) => {
        expect(s).toMatchObject({ status: 'FOLLOWING_UP', thankYou: { sentAt: at(9, 5), onTime: true } });
        expect(armed(s)).toEqual([`KEEP_IN_TOUCH_DUE ${at(99, 5)} KEEP_IN_TOUCH_DUE-6`]);
      });
  });

  it('does not advise a handwritten note after one, nor asking a preference the contact has stated', () => {
    const preferenceStated = context({ now: at(9, 5), contact: { ...contact, preferredChannel: 'EMAIL' } });
    given(heldOnly)
      .when({ ...thankYou, channel: 'HANDWRITTEN_NOTE' }, preferenceStated)
      .then([sent({ channel: 'HANDWRITTEN_NOTE' })])
      .withoutAdvice('HANDWRITTEN_NOTE', 'STAY_IN_TOUCH_PREFERENCE')
      .andState((s) => expect(s).toMatchObject({ handwrittenNoteSent: true }));
  });

  it('welcomes a later thank-you without retiming the first', () => {
    const handwritten = { channel: 'HANDWRITTEN_NOTE' } as const;
    given(followingUp)
      .when({ type: 'RecordThankYou', sentAt: at(12), channel: 'HANDWRITTEN_NOTE' }, now(12))
      .then([
        sent({ ...handwritten, first: false, onTime: false, hoursAfterMeeting: 71, keepInTouchDueAt: at(102) }, at(12)),
      ])
      .withoutAdvice('HANDWRITTEN_NOTE', 'STAY_IN_TOUCH_PREFERENCE')
      .andState((s) => {
        expect(s).toMatchObject({ status: 'FOLLOWING_UP', thankYou: { sentAt: at(9, 5), onTime: true } });
        expect(armed(s)).toEqual([`KEEP_IN_TOUCH_DUE ${at(102)} KEEP_IN_TOUCH_DUE-7`]);
      });
  });

  it('counts a thank-you logged days later as on time when it was sent within the day', () => {
    const overdue = step({ type: 'ThankYouOverdue', deadlineId: 'THANK_YOU_OVERDUE-5' }, at(10, 1));
    for (const events of [heldOnly, logged([...upToHeld, overdue])]) {
      given(events)
        .when({ ...thankYou, sentAt: at(9, 21) }, now(12, 1))
        .then([sent({ hoursAfterMeeting: 20, keepInTouchDueAt: at(99, 21) }, at(9, 21))]);
    }
  });
});

describe('commitments', () => {
  const made = (dueAt: string) =>
    event('CommitmentMade', { commitmentId: 'cmt_1', description: 'Send her the AIChE article', dueAt }, at(9, 3));
  const promised = logged([...upToHeld, promise('Send her the AIChE article', at(9, 3))]);
  const fulfil = { type: 'FulfilCommitment', commitmentId: 'cmt_1', fulfilledAt: at(10) } as const;
  const fulfilled = (day: number, onTime: boolean) =>
    event('CommitmentFulfilled', { commitmentId: 'cmt_1', onTime, keepInTouchDueAt: at(day + 90) }, at(day));

  it('records a promise due two days later by default, or when the student says', () => {
    given(heldOnly)
      .when({ type: 'RecordCommitment', description: ' Send her the AIChE article ' }, now(9, 3))
      .then([made(at(11, 3))])
      .andState((s) => {
        expect(active(s).commitments).toMatchObject([{ id: 'cmt_1', status: 'OPEN', overdue: false }]);
        expect(armed(s)).toContain(`COMMITMENT_OVERDUE ${at(11, 3)} COMMITMENT_OVERDUE-6`);
      });
    given(heldOnly)
      .when({ type: 'RecordCommitment', description: 'Send her the AIChE article', dueAt: at(10) }, now(9, 3))
      .then([made(at(10))]);
  });

  it('records a promise kept, on time or late, and restarts the keep-in-touch clock', () => {
    given(promised)
      .when(fulfil, now(10))
      .then([fulfilled(10, true)])
      .andState((s) => {
        expect(active(s).commitments).toMatchObject([{ id: 'cmt_1', status: 'FULFILLED', fulfilledAt: at(10) }]);
        expect(armed(s)).toEqual([
          `THANK_YOU_OVERDUE ${at(10, 1)} THANK_YOU_OVERDUE-5`,
          `KEEP_IN_TOUCH_DUE ${at(100)} KEEP_IN_TOUCH_DUE-7`,
        ]);
      });
    given(promised)
      .when({ ...fulfil, fulfilledAt: at(12) }, now(12))
      .then([fulfilled(12, false)]);
  });

  it('refuses a promise due before the meeting, keeping a promise twice, and one it does not hold', () => {
    badInput(heldOnly, { type: 'RecordCommitment', description: 'Send the article', dueAt: at(9) }, now(9, 3), 'dueAt');
    refused(logged([...upToHeld, promise('Send the article', at(9, 3)), step(fulfil, at(10))]), fulfil, now(11));
    badInput(promised, { ...fulfil, commitmentId: 'cmt_9' }, now(10), 'commitmentId');
  });
});

describe('keeping in touch', () => {
  const kept = (occurredAt: string, keepInTouchDueAt: string) =>
    event('KeepInTouchLogged', { kind: 'CAREER_UPDATE', channel: 'EMAIL', note: null, keepInTouchDueAt }, occurredAt);

  it('restarts the clock from each contact', () => {
    given(followingUp)
      .when(touch(40), now(40))
      .then([kept(at(40), at(130))])
      .andState((s) => {
        expect(s).toMatchObject({ status: 'FOLLOWING_UP', lastContactAt: at(40) });
        expect(armed(s)).toEqual([`KEEP_IN_TOUCH_DUE ${at(130)} KEEP_IN_TOUCH_DUE-7`]);
      });
  });

  it('does not move the clock back for a contact logged late', () => {
    given(logged([...upToHeld, thanked, step(touch(40), at(40))]))
      .when(touch(20), now(41))
      .then([kept(at(20), at(110))])
      .andState((s) => {
        expect(s).toMatchObject({ lastContactAt: at(40) });
        expect(armed(s)).toEqual([`KEEP_IN_TOUCH_DUE ${at(130)} KEEP_IN_TOUCH_DUE-7`]);
      });
  });

  it('goes on after the interview is closed, but only after a meeting', () => {
    given(logged([...upToHeld, thanked, close(20)]))
      .when(touch(40), now(40))
      .then([kept(at(40), at(130))])
      .andState((s) => {
        expect(s.status).toBe('CLOSED');
        expect(armed(s)).toEqual([`KEEP_IN_TOUCH_DUE ${at(130)} KEEP_IN_TOUCH_DUE-8`]);
      });
    refused(logged([plan, close(1)]), touch(2), now(2));
  });
});

describe('closing', () => {
  it('cancels open promises and stops every reminder but keeping in touch', () => {
    const story = logged([
      ...upToHeld,
      promise('Send her the AIChE article', at(9, 3)),
      promise('Introduce her to Professor Lee', at(9, 3)),
      step({ type: 'FulfilCommitment', commitmentId: 'cmt_2', fulfilledAt: at(10) }, at(10)),
    ]);
    given(story)
      .when({ type: 'CloseInterview', outcome: 'Learned what I came for' }, now(11))
      .then([
        {
          type: 'InterviewClosed',
          data: { outcome: 'Learned what I came for', cancelledCommitments: ['cmt_1'] },
          occurredAt: at(11),
          subject,
        },
      ])
      .andState((s) => {
        expect(active(s).commitments.map((c) => `${c.id} ${c.status}`)).toEqual(['cmt_1 CANCELLED', 'cmt_2 FULFILLED']);
        expect(armed(s)).toEqual([`KEEP_IN_TOUCH_DUE ${at(100)} KEEP_IN_TOUCH_DUE-8`]);
      });
  });

  it('refuses anything else on a closed interview', () => {
    const closed = logged([...upToHeld, thanked, close(20)]);
    const attempts: readonly InterviewCommand[] = [
      { type: 'AddQuestion', text: 'What do you read?', topic: 'RESOURCES' },
      { type: 'RecordReply', receivedAt: at(21), outcome: 'ACCEPTED' },
      { type: 'RecordThankYou', sentAt: at(21), channel: 'HANDWRITTEN_NOTE' },
      { type: 'CloseInterview' },
    ];
    for (const command of attempts) refused(closed, command, now(21));
  });
});
