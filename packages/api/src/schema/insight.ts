import { type CohortAnalytics as Analytics, FUNNEL_STAGES, type StudentProgress as Progress } from '@app/views';
import { builder } from '../builder.ts';
import { page } from '../connections.ts';
import { callerOf, type StudentView } from '../context.ts';
import { apiError } from '../errors.ts';
import { connection } from './connection.ts';
import { InterviewConnection } from './lists.ts';
import { Cohort } from './people.ts';

// What coaches and admins read: cohorts, their students and analytics (DESIGN.md §6), from views.

const StudentProgress = builder.objectRef<Progress>('StudentProgress').implement({
  fields: (t) => ({
    contacts: t.exposeInt('contacts'),
    outreachSent: t.exposeInt('outreachSent'),
    repliesReceived: t.exposeInt('repliesReceived'),
    meetingsHeld: t.exposeInt('meetingsHeld'),
    thankYousSent: t.exposeInt('thankYousSent'),
    thankYousOnTime: t.exposeInt('thankYousOnTime'),
    referralsReceived: t.exposeInt('referralsReceived'),
    openCommitments: t.exposeInt('openCommitments'),
    overdueItems: t.exposeInt('overdueItems'),
    lastActivityAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => p.lastActivityAt }),
  }),
});

export const Student = builder.objectRef<StudentView>('Student').implement({
  description: 'A student as their coaches see them: who, and how they are doing (never their notes or messages).',
  interfaces: [builder.nodeInterfaceRef()],
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    email: t.exposeString('email'),
    progress: t.field({ type: StudentProgress, resolve: (s) => s.progress() }),
    interviews: t.field({
      type: InterviewConnection,
      description: "The student's interviews: statuses, deadlines, questions and advice (never notes or messages).",
      args: { first: t.arg.int(), after: t.arg.string() },
      resolve: async (s, args, ctx) => {
        const caller = callerOf(ctx);
        const ids = await ctx.app.lists.studentInterviewIds(caller, s.id);
        return page(ids, args, (id) => ctx.app.interviews.get(caller, id));
      },
    }),
  }),
});

const FunnelStage = builder.enumType('FunnelStage', { values: FUNNEL_STAGES });
const Granularity = builder.enumType('Granularity', { values: ['DAY', 'WEEK'] as const });

const FunnelCount = builder.objectRef<Analytics['funnel'][number]>('FunnelCount').implement({
  fields: (t) => ({
    stage: t.field({ type: FunnelStage, resolve: (f) => f.stage }),
    count: t.exposeInt('count'),
  }),
});

const AnalyticsBucket = builder
  .objectRef<Awaited<ReturnType<Analytics['series']>>[number]>('AnalyticsBucket')
  .implement({
    fields: (t) => ({
      start: t.field({ type: 'Date', resolve: (b) => b.start }),
      outreachSent: t.exposeInt('outreachSent'),
      meetingsHeld: t.exposeInt('meetingsHeld'),
      thankYousSent: t.exposeInt('thankYousSent'),
      referralsReceived: t.exposeInt('referralsReceived'),
    }),
  });

const AtRiskStudent = builder.objectRef<{ studentId: string; reasons: readonly string[] }>('AtRiskStudent').implement({
  fields: (t) => ({
    student: t.field({
      type: Student,
      resolve: async (r, _args, ctx) => {
        const student = await ctx.app.insight.student(callerOf(ctx), r.studentId);
        if (!student) throw new Error(`an at-risk student ${r.studentId} the caller cannot read`);
        return student;
      },
    }),
    reasons: t.stringList({ resolve: (r) => [...r.reasons] }),
  }),
});

const INTS = [
  'studentsEnrolled',
  'activeStudents',
  'contactsAdded',
  'outreachSent',
  'followUpsSent',
  'repliesReceived',
  'meetingsScheduled',
  'meetingsHeld',
  'thankYousSent',
  'referralsReceived',
  'commitmentsMade',
  'commitmentsFulfilled',
  'outreachAbandoned',
] as const;
const RATES = [
  'replyRate',
  'meetingLengthComplianceRate',
  'averageQuestionsPrepared',
  'thankYouOnTimeRate',
  'medianHoursToThankYou',
  'commitmentsFulfilledRate',
] as const;

const CohortAnalytics = builder.objectRef<Analytics>('CohortAnalytics').implement({
  description: "A cohort's figures over local dates from–to (docs/metrics.md defines each).",
  fields: (t) => ({
    from: t.field({ type: 'Date', resolve: (a) => a.from }),
    to: t.field({ type: 'Date', resolve: (a) => a.to }),
    ...Object.fromEntries(INTS.map((name) => [name, t.exposeInt(name)])),
    ...Object.fromEntries(RATES.map((name) => [name, t.exposeFloat(name, { nullable: true })])),
    funnel: t.field({ type: [FunnelCount], resolve: (a) => [...a.funnel] }),
    series: t.field({
      type: [AnalyticsBucket],
      args: { granularity: t.arg({ type: Granularity, required: true }) },
      resolve: async (a, { granularity }) => [...(await a.series(granularity))],
    }),
    atRiskStudents: t.field({ type: [AtRiskStudent], resolve: async (a) => [...(await a.atRiskStudents())] }),
  }),
});

const StudentConnection = connection('Student', Student);

builder.objectFields(Cohort, (t) => ({
  students: t.field({
    type: StudentConnection,
    args: { first: t.arg.int(), after: t.arg.string() },
    resolve: async (c, args, ctx) => {
      const caller = callerOf(ctx);
      const ids = await ctx.app.insight.enrolledStudentIds(caller, c.id);
      return page(
        ids,
        args,
        (id) => ctx.app.insight.student(caller, id),
        (slice) => void ctx.app.insight.prefetchProgress(caller, slice),
      );
    },
  }),
  analytics: t.field({
    type: CohortAnalytics,
    args: { from: t.arg({ type: 'Date', required: true }), to: t.arg({ type: 'Date', required: true }) },
    resolve: (c, range, ctx) => ctx.app.insight.analytics(callerOf(ctx), c.id, range),
  }),
}));

builder.queryField('cohort', (t) =>
  t.field({
    type: Cohort,
    nullable: true,
    authScopes: { anyRole: ['COACH', 'TENANT_ADMIN'] },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      const cohort = await ctx.app.insight.cohort(callerOf(ctx), String(id));
      if (!cohort) throw apiError('NOT_FOUND', `no cohort ${String(id)}`);
      return cohort;
    },
  }),
);

builder.queryField('cohorts', (t) =>
  t.field({
    type: connection('Cohort', Cohort),
    description: "The university's cohorts for an admin; a coach's own cohorts for a coach.",
    authScopes: { anyRole: ['COACH', 'TENANT_ADMIN'] },
    args: { first: t.arg.int(), after: t.arg.string() },
    resolve: async (_root, args, ctx) => {
      const caller = callerOf(ctx);
      return page(await ctx.app.insight.cohortIds(caller), args, (id) => ctx.app.insight.cohort(caller, id));
    },
  }),
);

builder.queryField('student', (t) =>
  t.field({
    type: Student,
    nullable: true,
    authScopes: { signedIn: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      const student = await ctx.app.insight.student(callerOf(ctx), String(id));
      if (!student) throw apiError('NOT_FOUND', `no student ${String(id)}`);
      return student;
    },
  }),
);
