import { deciderSpec } from '@app/testing';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../policy/policy.ts';
import type { InterviewContext } from './commands.ts';
import { interviewDecider } from './decider.ts';
import type { InterviewEvent } from './events.ts';
import {
  accepted,
  at,
  context,
  folded,
  logged,
  outreach,
  plan,
  step,
  thanked,
  upToHeld,
  upToScheduled,
} from './fixtures.ts';
import { interviewDeadlines } from './state.ts';

const given = deciderSpec(interviewDecider, context());
const subject = 'usr_ada';
const when = (now: string, overrides: Partial<InterviewContext> = {}) => context({ now, ...overrides });
const deadlines = (events: readonly InterviewEvent[]) =>
  interviewDeadlines(folded(events)).map(({ kind, dueAt, deadlineId }) => `${kind} ${dueAt} ${deadlineId}`);

const reachedOut = logged([plan, outreach]);
const followUpDue: InterviewEvent = {
  type: 'FollowUpDue',
  data: { deadlineId: 'FOLLOW_UP_DUE-2', abandonDueAt: at(14, 1) },
  occurredAt: at(7, 1),
  subject,
};
const abandoned: InterviewEvent = {
  type: 'OutreachAbandoned',
  data: { deadlineId: 'OUTREACH_ABANDONED-3', followUpsSent: 0 },
  occurredAt: at(14, 1),
  subject,
};

describe('the deadlines an interview exposes', () => {
  it('follow the story: follow-up, preparation, thank-you, commitments, keeping in touch', () => {
    expect(deadlines(reachedOut)).toEqual([`FOLLOW_UP_DUE ${at(7, 1)} FOLLOW_UP_DUE-2`]);
    expect(deadlines(logged([plan, outreach, accepted]))).toEqual([]);
    expect(deadlines(logged(upToScheduled))).toEqual([`MEETING_PREP_DUE ${at(8)} MEETING_PREP_DUE-4`]);
    expect(deadlines(logged(upToHeld))).toEqual([`THANK_YOU_OVERDUE ${at(10, 1)} THANK_YOU_OVERDUE-5`]);
    const promised = logged([
      ...upToHeld,
      thanked,
      step({ type: 'RecordCommitment', description: 'send the AIChE article' }, at(9, 6)),
    ]);
    expect(deadlines(promised)).toEqual([
      `COMMITMENT_OVERDUE ${at(11, 6)} COMMITMENT_OVERDUE-7`,
      `KEEP_IN_TOUCH_DUE ${at(99, 5)} KEEP_IN_TOUCH_DUE-6`,
    ]);
  });

  it('are counted in business days in the tenant’s zone under the 2-Hour Job Search preset', () => {
    const policy = { ...PRESETS.TWO_HOUR_JOB_SEARCH, timeZone: 'America/New_York', holidays: ['2026-09-07'] };
    // Tue 1 Sep 05:00 New York; 3 business days: Wed, Thu, Fri → Fri 4 Sep; 7: Wed, Thu, Fri, (Labor Day), Tue…Fri → Fri 11 Sep
    expect(deadlines(logged([plan, outreach], { policy }))).toEqual([
      `SECOND_CONTACT_DUE ${at(3, 1)} SECOND_CONTACT_DUE-2`,
      `FOLLOW_UP_DUE ${at(10, 1)} FOLLOW_UP_DUE-2`,
    ]);
  });
});

describe('a deadline falling due', () => {
  it('FollowUpDue: at its due time, arming the abandonment a week later', () => {
    given(reachedOut)
      .when({ type: 'FollowUpDue', deadlineId: 'FOLLOW_UP_DUE-2' }, when(at(7, 1)))
      .then([followUpDue])
      .withAdvice('FOLLOW_UP_DUE')
      .andState((s) =>
        expect(interviewDeadlines(s)).toEqual([
          { kind: 'OUTREACH_ABANDONED', dueAt: at(14, 1), deadlineId: 'OUTREACH_ABANDONED-3' },
        ]),
      );
  });

  it('decides nothing when it fires twice, before its time, with a wrong kind, or once the reply is in', () => {
    given([...reachedOut, followUpDue])
      .when({ type: 'FollowUpDue', deadlineId: 'FOLLOW_UP_DUE-2' }, when(at(7, 2)))
      .thenNothing();
    given(reachedOut)
      .when({ type: 'FollowUpDue', deadlineId: 'FOLLOW_UP_DUE-2' }, when(at(6)))
      .thenNothing();
    given(reachedOut)
      .when({ type: 'ThankYouOverdue', deadlineId: 'FOLLOW_UP_DUE-2' }, when(at(8)))
      .thenNothing();
    // the reply arrived on day 6 but was logged on day 9, after the deadline fell due: it still counts
    const lateReply = logged([plan, outreach, step({ ...accepted[0], receivedAt: at(6) }, at(9))]);
    given(lateReply)
      .when({ type: 'FollowUpDue', deadlineId: 'FOLLOW_UP_DUE-2' }, when(at(9)))
      .thenNothing();
  });

  it('OutreachAbandoned: leaves them alone (UNRESPONSIVE), counted once', () => {
    given([...reachedOut, followUpDue])
      .when({ type: 'OutreachAbandoned', deadlineId: 'OUTREACH_ABANDONED-3' }, when(at(15)))
      .then([abandoned])
      .withAdvice('OUTREACH_ABANDONED')
      .andState((s) => expect(s).toMatchObject({ status: 'UNRESPONSIVE', abandonments: 1, armed: [] }));
  });

  it('accepts a late follow-up dated before the abandonment fell due, and refuses one dated after', () => {
    const gaveUp = [...reachedOut, followUpDue, abandoned];
    given(gaveUp)
      .when({ type: 'RecordFollowUp', channel: 'EMAIL', sentAt: at(10) }, when(at(16)))
      .then([
        {
          type: 'FollowUpSent',
          data: { channel: 'EMAIL', replyDeadline: { kind: 'OUTREACH_ABANDONED', dueAt: at(17) } },
          occurredAt: at(10),
          subject,
        },
      ])
      .andState((s) => expect(s).toMatchObject({ status: 'AWAITING_REPLY', abandonments: 1 }));
    given(gaveUp)
      .when({ type: 'RecordFollowUp', channel: 'EMAIL', sentAt: at(15) }, when(at(16)))
      .thenRejects('RULE_VIOLATION', { rule: 'FOLLOW_UP_LIMIT' });
  });

  it('a late reply reopens an abandoned outreach; the abandonment stays counted', () => {
    given([...reachedOut, followUpDue, abandoned])
      .when({ type: 'RecordReply', receivedAt: at(20), outcome: 'ACCEPTED' }, when(at(20)))
      .then([
        {
          type: 'ReplyReceived',
          data: { outcome: 'ACCEPTED', booster: false, repliedAfterDays: 20 },
          occurredAt: at(20),
          subject,
        },
      ])
      .andState((s) => expect(s).toMatchObject({ status: 'ACCEPTED', abandonments: 1 }));
  });

  it('SecondContactDue: suggests a second person at the organization, unless anyone there replied', () => {
    const policy = PRESETS.TWO_HOUR_JOB_SEARCH;
    const events = logged([plan, outreach], { policy });
    const command = { type: 'SecondContactDue', deadlineId: 'SECOND_CONTACT_DUE-2' } as const;
    given(events)
      .when(command, when(at(3, 1), { policy }))
      .then([
        {
          type: 'SecondContactDue',
          data: { deadlineId: 'SECOND_CONTACT_DUE-2', organization: 'acme process safety' },
          occurredAt: at(3, 1),
          subject,
        },
      ])
      .withAdvice('SECOND_CONTACT_DUE');
    given(events)
      .when(command, when(at(3, 1), { policy, organizationReplies: [at(2)] }))
      .thenNothing();
    // a reply from the organization long before this outreach does not count
    given(events)
      .when(command, when(at(3, 1), { policy, organizationReplies: [at(-30)] }))
      .then([expect.objectContaining({ type: 'SecondContactDue' })]);
  });

  it('MeetingPrepDue: reports what preparation is missing', () => {
    given(logged(upToScheduled))
      .when({ type: 'MeetingPrepDue', deadlineId: 'MEETING_PREP_DUE-4' }, when(at(8)))
      .then([
        {
          type: 'MeetingPrepDue',
          data: {
            deadlineId: 'MEETING_PREP_DUE-4',
            gaps: ['QUESTION_COUNT', 'BASIC_TOPICS', 'ROLE_AND_ORG', 'RESEARCH_FIRST'],
            questionsPrepared: 0,
          },
          occurredAt: at(8),
          subject,
        },
      ])
      .withAdvice('MEETING_PREP_DUE');
  });

  it('ThankYouOverdue: due a day after the meeting, nothing once thanked, and a late-logged thank-you still on time', () => {
    const afterMeeting = logged(upToHeld);
    const overdue: InterviewEvent = {
      type: 'ThankYouOverdue',
      data: { deadlineId: 'THANK_YOU_OVERDUE-5' },
      occurredAt: at(10, 1),
      subject,
    };
    given(afterMeeting)
      .when({ type: 'ThankYouOverdue', deadlineId: 'THANK_YOU_OVERDUE-5' }, when(at(10, 1)))
      .then([overdue])
      .withAdvice('THANK_YOU_OVERDUE');
    given(logged([...upToHeld, thanked]))
      .when({ type: 'ThankYouOverdue', deadlineId: 'THANK_YOU_OVERDUE-5' }, when(at(10, 1)))
      .thenNothing();
    given([...afterMeeting, overdue])
      .when({ type: 'RecordThankYou', sentAt: at(9, 20), channel: 'EMAIL' }, when(at(11)))
      .then([expect.objectContaining({ type: 'ThankYouSent', data: expect.objectContaining({ onTime: true }) })]);
  });

  it('CommitmentOverdue: names the commitment, and nothing once it is kept', () => {
    const promise = step({ type: 'RecordCommitment', description: 'send the AIChE article' }, at(9, 6));
    const promised = logged([...upToHeld, thanked, promise]);
    const command = { type: 'CommitmentOverdue', deadlineId: 'COMMITMENT_OVERDUE-7' } as const;
    given(promised)
      .when(command, when(at(11, 6)))
      .then([
        {
          type: 'CommitmentOverdue',
          data: { deadlineId: 'COMMITMENT_OVERDUE-7', commitmentId: 'cmt_1' },
          occurredAt: at(11, 6),
          subject,
        },
      ])
      .withAdvice('COMMITMENT_OVERDUE')
      .andState((s) => expect(s).toMatchObject({ commitments: [{ id: 'cmt_1', status: 'OPEN', overdue: true }] }));
    // by its id, never its words: the advice is kept in plain text (the event's meta, the nudge views)
    const state = promised.reduce(
      (s, e, i) => interviewDecider.evolve(s, { ...e, version: i + 1 } as never),
      interviewDecider.initialState as ReturnType<typeof interviewDecider.evolve>,
    );
    expect(JSON.stringify(interviewDecider.decide(command, state, when(at(11, 6))).advice)).not.toMatch(/AIChE/);
    const kept = step({ type: 'FulfilCommitment', commitmentId: 'cmt_1', fulfilledAt: at(10) }, at(12));
    given(logged([...upToHeld, thanked, promise, kept]))
      .when(command, when(at(12)))
      .thenNothing();
  });

  it('KeepInTouchDue: the clock restarts from the last contact with the person', () => {
    const kept = logged([
      ...upToHeld,
      thanked,
      step({ type: 'LogKeepInTouch', at: at(60), kind: 'CAREER_UPDATE', channel: 'EMAIL' }, at(60)),
      // logged late, dated before the last contact: the clock stays where it is
      step({ type: 'LogKeepInTouch', at: at(30), kind: 'SHARED_ARTICLE', channel: 'EMAIL' }, at(61)),
    ]);
    expect(deadlines(kept)).toEqual([`KEEP_IN_TOUCH_DUE ${at(150)} KEEP_IN_TOUCH_DUE-7`]);
    given(kept)
      .when({ type: 'KeepInTouchDue', deadlineId: 'KEEP_IN_TOUCH_DUE-6' }, when(at(100)))
      .thenNothing();
    given(kept)
      .when({ type: 'KeepInTouchDue', deadlineId: 'KEEP_IN_TOUCH_DUE-7' }, when(at(150)))
      .then([
        {
          type: 'KeepInTouchDue',
          data: { deadlineId: 'KEEP_IN_TOUCH_DUE-7', lastContactAt: at(60) },
          occurredAt: at(150),
          subject,
        },
      ])
      .withAdvice('KEEP_IN_TOUCH_DUE')
      .andState((s) => expect(interviewDeadlines(s)).toEqual([]));
  });

  it('outlives the interview for keeping in touch only', () => {
    const closed = logged([...upToHeld, thanked, step({ type: 'CloseInterview' }, at(10))]);
    expect(deadlines(closed)).toEqual([`KEEP_IN_TOUCH_DUE ${at(99, 5)} KEEP_IN_TOUCH_DUE-6`]);
    given(logged([...upToHeld, step({ type: 'CloseInterview' }, at(9, 3))]))
      .when({ type: 'ThankYouOverdue', deadlineId: 'THANK_YOU_OVERDUE-5' }, when(at(10, 1)))
      .thenNothing();
  });

  it('keeps the due time the policy gave when it was armed, whatever the policy says later', () => {
    given(reachedOut)
      .when(
        { type: 'FollowUpDue', deadlineId: 'FOLLOW_UP_DUE-2' },
        when(at(7, 1), { policy: { ...PRESETS.SEED_ARTICLES, followUpAfterDays: 3, version: 2 } }),
      )
      .then([{ ...followUpDue, data: { ...followUpDue.data, abandonDueAt: at(10, 1) } }]);
  });
});
