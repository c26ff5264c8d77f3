import { deciderSpec } from '@app/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, PRESETS } from '../policy/policy.ts';
import { interviewDecider } from './decider.ts';
import type { InterviewEvent } from './events.ts';
import { accepted, at, contact, context, logged, outreach, plan } from './fixtures.ts';

const given = deciderSpec(interviewDecider, context());
/** Just after the outreach was sent, when it is logged at once. */
const givenNow = deciderSpec(interviewDecider, context({ now: at(0, 1) }));
const planned = logged([plan]);
const reachedOut = logged([plan, outreach]);
const subject = 'usr_ada';

describe('planning an interview', () => {
  it('plans an interview with one of the student’s contacts', () => {
    given()
      .when(plan[0])
      .then([
        {
          type: 'InterviewPlanned',
          data: { studentId: 'usr_ada', contactId: 'con_okafor', goals: ['learn how she moved into process safety'] },
          occurredAt: at(0),
          subject,
        },
      ])
      .withoutAdvice('DEFINE_GOALS')
      .andState((s) => expect(s).toMatchObject({ status: 'PLANNED', version: 1, goals: [expect.any(String)] }));
  });

  it('advises defining goals (DEFINE_GOALS) and sparing an over-asked professional (CONTACT_FATIGUE)', () => {
    given()
      .when({ type: 'PlanInterview', contactId: 'con_okafor', goals: [] })
      .then(logged([[{ type: 'PlanInterview', contactId: 'con_okafor', goals: [] }, at(0)]]))
      .withAdvice('DEFINE_GOALS');
    given()
      .when(plan[0], context({ openRequestsToContact: 2 }))
      .then(planned)
      .withAdvice('CONTACT_FATIGUE');
    given()
      .when(plan[0], context({ openRequestsToContact: 1 }))
      .then(planned)
      .withoutAdvice('CONTACT_FATIGUE');
  });

  it('refuses another student’s contact, an archived one, and bad goals', () => {
    given()
      .when(plan[0], context({ contact: { ...contact, ownerId: 'usr_bo' } }))
      .thenRejects('BAD_USER_INPUT', { field: 'contactId' });
    given()
      .when({ ...plan[0], contactId: 'con_other' })
      .thenRejects('BAD_USER_INPUT', { field: 'contactId' });
    given()
      .when(plan[0], context({ contact: { ...contact, status: 'ARCHIVED' } }))
      .thenRejects('BAD_USER_INPUT', { field: 'contactId' });
    given()
      .when({ type: 'PlanInterview', contactId: 'con_okafor', goals: ['fine', '  '] })
      .thenRejects('BAD_USER_INPUT', { field: 'goals[1]' });
    given()
      .when({ type: 'PlanInterview', contactId: 'con_okafor', goals: Array(11).fill('a goal') })
      .thenRejects('BAD_USER_INPUT', { field: 'goals' });
  });

  it('refuses planning twice, and anything before the plan', () => {
    given(planned).when(plan[0]).thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
    given().when(outreach[0]).thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
    given()
      .when({ type: 'FollowUpDue', deadlineId: 'FOLLOW_UP_DUE-2' })
      .thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
  });
});

describe('reaching out', () => {
  const sent: InterviewEvent = {
    type: 'OutreachSent',
    data: {
      channel: 'EMAIL',
      message: null,
      proposedTimes: [at(7), at(8)],
      mentionedReferrer: true,
      statedPurpose: true,
      replyDeadline: { kind: 'FOLLOW_UP_DUE', dueAt: at(7, 1) },
      secondContactDueAt: null,
    },
    occurredAt: at(0, 1),
    subject,
  };

  it('records the outreach at the time it was sent and arms the follow-up a week later', () => {
    givenNow(planned)
      .when(outreach[0], context({ now: at(3) }))
      .then([sent])
      .andState((s) => {
        expect(s).toMatchObject({ status: 'AWAITING_REPLY', outreach: { sentAt: at(0, 1) } });
        expect(s.status !== 'NONE' && s.armed).toEqual([
          { kind: 'FOLLOW_UP_DUE', dueAt: at(7, 1), deadlineId: 'FOLLOW_UP_DUE-2' },
        ]);
      });
  });

  it('under the 2-Hour Job Search preset counts business days and arms the second contact (3B7)', () => {
    // day 0 is a Tuesday: 3 business days is Friday, 7 business days the Thursday after next
    givenNow(planned)
      .when(outreach[0], context({ now: at(0, 1), policy: PRESETS.TWO_HOUR_JOB_SEARCH }))
      .then([
        {
          ...sent,
          data: {
            ...sent.data,
            replyDeadline: { kind: 'FOLLOW_UP_DUE', dueAt: at(9, 1) },
            secondContactDueAt: at(3, 1),
          },
        },
      ]);
  });

  it('arms giving up rather than a follow-up when the policy allows none', () => {
    givenNow(planned)
      .when(outreach[0], context({ now: at(0, 1), policy: { ...DEFAULT_POLICY, maxFollowUps: 0 } }))
      .then([{ ...sent, data: { ...sent.data, replyDeadline: { kind: 'OUTREACH_ABANDONED', dueAt: at(7, 1) } } }]);
  });

  it('lints the message when one is given', () => {
    const message = 'Hi Chidi, I am looking for a job at Acme. Call me back at your convenience. '.repeat(10);
    givenNow(planned)
      .when({ ...outreach[0], message, mentionedReferrer: null, statedPurpose: null, proposedTimes: [] })
      .then([
        {
          ...sent,
          data: {
            ...sent.data,
            message: message.trim(),
            proposedTimes: [],
            mentionedReferrer: null,
            statedPurpose: null,
          },
        },
      ])
      .withAdvice(
        'OUTREACH_TOO_LONG',
        'OUTREACH_NO_QUESTION',
        'OUTREACH_MENTIONS_JOB',
        'STATE_PURPOSE',
        'PROPOSE_TIMES',
        'FORMAL_SALUTATION',
      );
  });

  it('advises naming the referrer of a referred contact (MENTION_REFERRER)', () => {
    const referred = context({ now: at(0, 1), contact: { ...contact, referrerName: 'Professor Lee' } });
    givenNow(planned)
      .when({ ...outreach[0], mentionedReferrer: null }, referred)
      .then([{ ...sent, data: { ...sent.data, mentionedReferrer: null } }])
      .withAdvice('MENTION_REFERRER');
    givenNow(planned).when(outreach[0], referred).then([sent]).withoutAdvice('MENTION_REFERRER');
  });

  it('advises times within the meeting window (MEETING_WINDOW)', () => {
    givenNow(planned)
      .when({ ...outreach[0], proposedTimes: [at(10), at(40)] })
      .then([{ ...sent, data: { ...sent.data, proposedTimes: [at(10), at(40)] } }])
      .withAdvice('MEETING_WINDOW');
  });

  it('advises against texting someone who has not asked for it (NO_CASUAL_CHANNEL)', () => {
    const texted = { ...outreach[0], channel: 'TEXT_MESSAGE' } as const;
    givenNow(planned)
      .when(texted)
      .then([{ ...sent, data: { ...sent.data, channel: 'TEXT_MESSAGE' } }])
      .withAdvice('NO_CASUAL_CHANNEL');
    givenNow(planned)
      .when(texted, context({ now: at(0, 1), contact: { ...contact, preferredChannel: 'TEXT_MESSAGE' } }))
      .then([{ ...sent, data: { ...sent.data, channel: 'TEXT_MESSAGE' } }])
      .withoutAdvice('NO_CASUAL_CHANNEL');
  });

  it('refuses a time in the future, a malformed one, and proposed times before the message', () => {
    givenNow(planned)
      .when({ ...outreach[0], sentAt: at(1) })
      .thenRejects('BAD_USER_INPUT', { field: 'sentAt' });
    givenNow(planned)
      .when({ ...outreach[0], sentAt: '2026-09-01 09:00' })
      .thenRejects('BAD_USER_INPUT', { field: 'sentAt' });
    givenNow(planned)
      .when({ ...outreach[0], proposedTimes: [at(7), at(-1)] })
      .thenRejects('BAD_USER_INPUT', { field: 'proposedTimes[1]' });
  });

  it('refuses a second first outreach: that is a follow-up', () => {
    givenNow(reachedOut).when(outreach[0]).thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
  });
});

describe('following up', () => {
  const followUp = (days: number) => ({ type: 'RecordFollowUp', channel: 'EMAIL', sentAt: at(days) }) as const;

  it('records one follow-up after a week and arms giving up a week after it', () => {
    given(reachedOut)
      .when(followUp(8), context({ now: at(8) }))
      .then([
        {
          type: 'FollowUpSent',
          data: { channel: 'EMAIL', replyDeadline: { kind: 'OUTREACH_ABANDONED', dueAt: at(15) } },
          occurredAt: at(8),
          subject,
        },
      ])
      .withoutAdvice('FOLLOW_UP_TOO_SOON')
      .andState((s) =>
        expect(s.status !== 'NONE' && s.armed.map((d) => d.deadlineId)).toEqual(['OUTREACH_ABANDONED-3']),
      );
  });

  it('advises waiting a week (FOLLOW_UP_TOO_SOON)', () => {
    given(reachedOut)
      .when(followUp(3), context({ now: at(3) }))
      .then([
        {
          type: 'FollowUpSent',
          data: { channel: 'EMAIL', replyDeadline: { kind: 'OUTREACH_ABANDONED', dueAt: at(10) } },
          occurredAt: at(3),
          subject,
        },
      ])
      .withAdvice('FOLLOW_UP_TOO_SOON');
  });

  it('refuses a follow-up beyond the limit (FOLLOW_UP_LIMIT), or when the policy allows none', () => {
    const once = logged([plan, outreach, [followUp(8), at(8)]]);
    given(once)
      .when(followUp(12), context({ now: at(12) }))
      .thenRejects('RULE_VIOLATION', { rule: 'FOLLOW_UP_LIMIT' });
    const none = context({ now: at(8), policy: { ...DEFAULT_POLICY, maxFollowUps: 0 } });
    given(reachedOut).when(followUp(8), none).thenRejects('RULE_VIOLATION', { rule: 'FOLLOW_UP_LIMIT' });
  });

  it('refuses a follow-up before any outreach, or dated before it', () => {
    given(planned).when(followUp(0)).thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
    given(reachedOut)
      .when({ ...followUp(0), sentAt: at(0) }, context({ now: at(8) }))
      .thenRejects('BAD_USER_INPUT', { field: 'sentAt' });
  });
});

describe('replies', () => {
  it('records an acceptance, marks a quick one a booster (BOOSTER), and disarms the outreach deadlines', () => {
    given(reachedOut)
      .when(accepted[0], context({ now: at(2) }))
      .then([
        {
          type: 'ReplyReceived',
          data: { outcome: 'ACCEPTED', booster: true, repliedAfterDays: 2 },
          occurredAt: at(2),
          subject,
        },
      ])
      .withAdvice('BOOSTER')
      .andState((s) => expect(s).toMatchObject({ status: 'ACCEPTED', armed: [] }));
    given(reachedOut)
      .when({ ...accepted[0], receivedAt: at(5) }, context({ now: at(5) }))
      .then([
        {
          type: 'ReplyReceived',
          data: { outcome: 'ACCEPTED', booster: false, repliedAfterDays: 5 },
          occurredAt: at(5),
          subject,
        },
      ])
      .withoutAdvice('BOOSTER');
  });

  it('records a decline', () => {
    given(reachedOut)
      .when({ ...accepted[0], outcome: 'DECLINED' }, context({ now: at(2) }))
      .then([
        {
          type: 'ReplyReceived',
          data: { outcome: 'DECLINED', booster: false, repliedAfterDays: 2 },
          occurredAt: at(2),
          subject,
        },
      ])
      .andState((s) => expect(s.status).toBe('DECLINED'));
  });

  it('refuses a reply before any outreach, a second reply, and one dated before the outreach', () => {
    given(planned).when(accepted[0]).thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
    given(logged([plan, outreach, accepted]))
      .when(accepted[0], context({ now: at(3) }))
      .thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
    given(reachedOut)
      .when({ ...accepted[0], receivedAt: at(0) }, context({ now: at(2) }))
      .thenRejects('BAD_USER_INPUT', { field: 'receivedAt' });
  });
});
