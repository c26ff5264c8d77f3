import { deciderSpec } from '@app/testing';
import { describe, expect, it } from 'vitest';
import type { InterviewCommand } from './commands.ts';
import { interviewDecider } from './decider.ts';
import type { InterviewEvent, QuestionTopic } from './events.ts';
import {
  accepted,
  active,
  at,
  context,
  logged,
  contextAt as now,
  outreach,
  plan,
  type Step,
  scheduled,
  step,
  upToHeld,
  upToScheduled,
} from './fixtures.ts';
import type { QuestionFlag } from './questionLint.ts';

const given = deciderSpec(interviewDecider, context());
const subject = 'usr_ada';

const ask = (text: string, topic: QuestionTopic = 'OTHER'): Step => step({ type: 'AddQuestion', text, topic }, at(0));
const research = step({ type: 'AddResearchNote', text: 'Read her talk on HAZOP studies' }, at(0));
/** Twelve good questions: the basic topics, the role and the organization. */
const twelve: readonly Step[] = [
  ask('How did you get into process safety?', 'HOW_THEY_STARTED'),
  ask('What career paths do people in your role usually follow?', 'CAREER_PATHS'),
  ask('How do you balance work and life with the hours this job asks?', 'LIFESTYLE'),
  ask('Which skills or qualifications matter most here?', 'QUALIFICATIONS'),
  ask('What advice would you give someone starting out?', 'ADVICE'),
  ask('What does a typical day look like for you?', 'DAILY_WORK'),
  ask('How would you describe the culture of your team?', 'CULTURE'),
  ask('What do you enjoy most about your work?', 'ROLE'),
  ask('What has surprised you about the industry?', 'INDUSTRY'),
  ask('Which associations would you recommend joining?', 'RESOURCES'),
  ask('What project could I take on to learn more?', 'ASSIGNMENTS'),
  ask('Where do you see the field going in the next five years?', 'TRENDS'),
];

const acceptedOnly = logged([plan, outreach, accepted]);
const schedule = scheduled[0];
type Meeting = Extract<InterviewEvent, { type: 'MeetingScheduled' }>['data'];
const meetingScheduled = (data: Partial<Meeting> = {}): InterviewEvent => ({
  type: 'MeetingScheduled',
  data: {
    startsAt: at(9),
    durationMinutes: 20,
    format: 'VIDEO',
    location: null,
    longerRequestedByContact: false,
    prepDueAt: at(8),
    ...data,
  },
  occurredAt: at(2, 1),
  subject,
});

describe('scheduling the meeting', () => {
  it('schedules the meeting once they accept, and arms the preparation reminder a day before it', () => {
    given(acceptedOnly)
      .when(schedule, now(2, 1))
      .then([meetingScheduled()])
      .withoutAdvice('MEETING_LENGTH', 'MEETING_WINDOW', 'DEFINE_GOALS')
      .andState((s) => {
        expect(s).toMatchObject({
          status: 'SCHEDULED',
          meeting: { startsAt: at(9), durationMinutes: 20, longerRequestedByContact: false },
        });
        expect(active(s).armed).toEqual([{ kind: 'MEETING_PREP_DUE', dueAt: at(8), deadlineId: 'MEETING_PREP_DUE-4' }]);
      });
  });

  it('logs a meeting that has already begun without a preparation reminder', () => {
    given(acceptedOnly)
      .when({ ...schedule, startsAt: at(2), location: '  Acme, building 4  ' }, now(2, 1))
      .then([meetingScheduled({ startsAt: at(2), location: 'Acme, building 4', prepDueAt: null })])
      .andState((s) => expect(active(s).armed).toEqual([]));
  });

  it('refuses to schedule before they have accepted', () => {
    given(logged([plan]))
      .when(schedule, now(2, 1))
      .thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
    given(logged([plan, outreach]))
      .when(schedule, now(2, 1))
      .thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
    given(logged(upToHeld)).when(schedule, now(10)).thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
  });

  it('reschedules a scheduled meeting and moves the preparation reminder with it', () => {
    given(logged(upToScheduled))
      .when({ ...schedule, startsAt: at(12), durationMinutes: 30, format: 'PHONE' }, now(3))
      .then([
        {
          type: 'MeetingRescheduled',
          data: {
            startsAt: at(12),
            durationMinutes: 30,
            format: 'PHONE',
            location: null,
            longerRequestedByContact: false,
            prepDueAt: at(11),
          },
          occurredAt: at(3),
          subject,
        },
      ])
      .andState((s) => {
        expect(s).toMatchObject({ status: 'SCHEDULED', meeting: { startsAt: at(12), durationMinutes: 30 } });
        expect(active(s).armed).toEqual([
          { kind: 'MEETING_PREP_DUE', dueAt: at(11), deadlineId: 'MEETING_PREP_DUE-5' },
        ]);
      });
  });

  it('advises a 15 to 30 minute meeting (MEETING_LENGTH) unless the contact asked for longer', () => {
    given(acceptedOnly)
      .when({ ...schedule, durationMinutes: 60 }, now(2, 1))
      .then([meetingScheduled({ durationMinutes: 60 })])
      .withAdvice('MEETING_LENGTH');
    given(acceptedOnly)
      .when({ ...schedule, durationMinutes: 60, longerRequestedByContact: true }, now(2, 1))
      .then([meetingScheduled({ durationMinutes: 60, longerRequestedByContact: true })])
      .withoutAdvice('MEETING_LENGTH');
    given(acceptedOnly)
      .when({ ...schedule, durationMinutes: 10, longerRequestedByContact: true }, now(2, 1))
      .then([meetingScheduled({ durationMinutes: 10, longerRequestedByContact: true })])
      .withAdvice('MEETING_LENGTH');
    given(acceptedOnly)
      .when({ ...schedule, durationMinutes: 30 }, now(2, 1))
      .then([meetingScheduled({ durationMinutes: 30 })])
      .withoutAdvice('MEETING_LENGTH');
  });

  it('advises meeting within four weeks of their yes (MEETING_WINDOW)', () => {
    given(acceptedOnly)
      .when({ ...schedule, startsAt: at(31) }, now(2, 1))
      .then([meetingScheduled({ startsAt: at(31), prepDueAt: at(30) })])
      .withAdvice('MEETING_WINDOW');
    given(acceptedOnly)
      .when({ ...schedule, startsAt: at(30) }, now(2, 1))
      .then([meetingScheduled({ startsAt: at(30), prepDueAt: at(29) })])
      .withoutAdvice('MEETING_WINDOW');
  });

  it('lists the preparation still missing: questions, topics, role and organization, research, goals', () => {
    given(acceptedOnly)
      .when(schedule, now(2, 1))
      .then([meetingScheduled()])
      .withAdvice('QUESTION_COUNT', 'BASIC_TOPICS', 'ROLE_AND_ORG', 'RESEARCH_FIRST')
      .withoutAdvice('DEFINE_GOALS');
    const noGoals = step({ type: 'PlanInterview', contactId: 'con_okafor', goals: [] }, at(0));
    given(logged([noGoals, outreach, accepted]))
      .when(schedule, now(2, 1))
      .then([meetingScheduled()])
      .withAdvice('DEFINE_GOALS');
  });

  it('gives no preparation advice once twelve good questions and some research are ready', () => {
    given(logged([plan, research, ...twelve, outreach, accepted]))
      .when(schedule, now(2, 1))
      .then([meetingScheduled()])
      .withoutAdvice('QUESTION_COUNT', 'BASIC_TOPICS', 'ROLE_AND_ORG', 'RESEARCH_FIRST', 'DEFINE_GOALS')
      .andState((s) =>
        expect(active(s).armed).toEqual([
          { kind: 'MEETING_PREP_DUE', dueAt: at(8), deadlineId: 'MEETING_PREP_DUE-17' },
        ]),
      );
  });

  it('refuses a meeting length outside 1–480 whole minutes, and a start without its offset', () => {
    for (const durationMinutes of [0, 481, 1.5]) {
      given(acceptedOnly)
        .when({ ...schedule, durationMinutes }, now(2, 1))
        .thenRejects('BAD_USER_INPUT', { field: 'durationMinutes' });
    }
    given(acceptedOnly)
      .when({ ...schedule, startsAt: '2026-09-10T09:00:00' }, now(2, 1))
      .thenRejects('BAD_USER_INPUT', { field: 'startsAt' });
  });
});

describe('cancelling the meeting', () => {
  const cancel = { type: 'CancelMeeting', reason: 'She has to travel that week' } as const satisfies InterviewCommand;
  const cancelled: InterviewEvent = {
    type: 'MeetingCancelled',
    data: { reason: 'She has to travel that week' },
    occurredAt: at(3),
    subject,
  };

  it('returns to accepted, ready to schedule again, and drops the preparation reminder', () => {
    given(logged(upToScheduled))
      .when(cancel, now(3))
      .then([cancelled])
      .andState((s) => expect(s).toMatchObject({ status: 'ACCEPTED', meeting: null, armed: [] }));
  });

  it('closes the interview too when asked', () => {
    given(logged(upToScheduled))
      .when({ ...cancel, closeInterview: true }, now(3))
      .then([
        cancelled,
        {
          type: 'InterviewClosed',
          data: { outcome: 'She has to travel that week', cancelledCommitments: [] },
          occurredAt: at(3),
          subject,
        },
      ])
      .andState((s) => expect(s).toMatchObject({ status: 'CLOSED', meeting: null, armed: [] }));
  });

  it('refuses to cancel when no meeting is scheduled', () => {
    given(acceptedOnly).when(cancel, now(3)).thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
  });
});

describe('preparing questions', () => {
  const question = {
    type: 'AddQuestion',
    text: 'What does a typical day look like for you?',
    topic: 'DAILY_WORK',
  } as const;
  const added = (text: string, topic: QuestionTopic, flags: readonly QuestionFlag[] = [], questionId = 'que_1') =>
    ({ type: 'QuestionAdded', data: { questionId, text, topic, flags }, occurredAt: at(3), subject }) as const;

  it('adds a good question with a fresh id and no flags', () => {
    given(logged(upToScheduled))
      .when({ ...question, text: `  ${question.text} ` }, now(3))
      .then([added(question.text, 'DAILY_WORK')])
      .withoutAdvice('ASKS_FOR_JOB', 'ASKS_ABOUT_PAY', 'LAZY_QUESTION', 'QUESTION_COUNT')
      .andState((s) =>
        expect(active(s).questions).toEqual([{ id: 'que_1', text: question.text, topic: 'DAILY_WORK', flags: [] }]),
      );
  });

  it('flags a question that asks for a job (ASKS_FOR_JOB)', () => {
    const text = 'Are you hiring interns this summer?';
    given(logged(upToScheduled))
      .when({ type: 'AddQuestion', text, topic: 'OTHER' }, now(3))
      .then([added(text, 'OTHER', ['ASKS_FOR_JOB'])])
      .withAdvice('ASKS_FOR_JOB');
  });

  it('flags a question about pay (ASKS_ABOUT_PAY)', () => {
    const text = 'What does a starting engineer earn here?';
    given(logged(upToScheduled))
      .when({ type: 'AddQuestion', text, topic: 'OTHER' }, now(3))
      .then([added(text, 'OTHER', ['ASKS_ABOUT_PAY'])])
      .withAdvice('ASKS_ABOUT_PAY');
  });

  it('flags a question a web search answers (LAZY_QUESTION)', () => {
    const text = 'What does your company do?';
    given(logged(upToScheduled))
      .when({ type: 'AddQuestion', text, topic: 'ORGANIZATION' }, now(3))
      .then([added(text, 'ORGANIZATION', ['LAZY_QUESTION'])])
      .withAdvice('LAZY_QUESTION');
  });

  it('advises keeping to fourteen questions (QUESTION_COUNT) from the fifteenth on', () => {
    const extra = [ask('What trade journals do you read?'), ask('Whom else should I talk to?')];
    // ids go on after those of the questions already prepared
    const next = (id: string) => context({ now: at(3), newId: () => id });
    given(logged([plan, ...twelve, ...extra.slice(0, 1)]))
      .when(question, next('que_14'))
      .then([added(question.text, 'DAILY_WORK', [], 'que_14')])
      .withoutAdvice('QUESTION_COUNT');
    given(logged([plan, ...twelve, ...extra]))
      .when(question, next('que_15'))
      .then([added(question.text, 'DAILY_WORK', [], 'que_15')])
      .withAdvice('QUESTION_COUNT')
      .andState((s) => expect(active(s).questions).toHaveLength(15));
  });

  it('removes a question the student no longer wants to ask', () => {
    const two = logged([plan, ask('What does a typical day look like for you?'), ask('What do you read?')]);
    given(two)
      .when({ type: 'RemoveQuestion', questionId: 'que_1' }, now(3))
      .then([{ type: 'QuestionRemoved', data: { questionId: 'que_1' }, occurredAt: at(3), subject }])
      .andState((s) => expect(active(s).questions.map((q) => q.id)).toEqual(['que_2']));
  });

  it('refuses removing a question it does not hold, and an empty question', () => {
    given(logged(upToScheduled))
      .when({ type: 'RemoveQuestion', questionId: 'que_9' }, now(3))
      .thenRejects('BAD_USER_INPUT', { field: 'questionId' });
    given(logged(upToScheduled))
      .when({ ...question, text: '   ' }, now(3))
      .thenRejects('BAD_USER_INPUT', { field: 'text' });
  });

  it('refuses questions once the meeting is held', () => {
    given(logged(upToHeld)).when(question, now(10)).thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
    given(logged(upToHeld))
      .when({ type: 'RemoveQuestion', questionId: 'que_1' }, now(10))
      .thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
  });
});

describe('research notes', () => {
  const note = { type: 'AddResearchNote', text: '  Read her talk on HAZOP studies ' } as const;

  it('records research before the meeting', () => {
    given(logged(upToScheduled))
      .when(note, now(3))
      .then([
        {
          type: 'ResearchNoteAdded',
          data: { text: 'Read her talk on HAZOP studies' },
          occurredAt: at(3),
          subject,
        },
      ])
      .andState((s) => expect(s).toMatchObject({ status: 'SCHEDULED', researchNotes: 1 }));
    given(logged([plan]))
      .when(note, now(0))
      .then([
        { type: 'ResearchNoteAdded', data: { text: 'Read her talk on HAZOP studies' }, occurredAt: at(0), subject },
      ])
      .andState((s) => expect(s).toMatchObject({ status: 'PLANNED', researchNotes: 1 }));
  });

  it('refuses research once the meeting is held or the interview closed', () => {
    given(logged(upToHeld)).when(note, now(10)).thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
    const closed = logged([plan, step({ type: 'CloseInterview' }, at(1))]);
    given(closed).when(note, now(2)).thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
  });
});
