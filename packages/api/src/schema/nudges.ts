import { DEADLINE_KINDS, OUTCOME_OF } from '@app/domain';
import { builder } from '../builder.ts';
import { callerOf, type NudgeView } from '../context.ts';
import { Student } from './insight.ts';
import { Interview } from './interview.ts';

// Nudges (DESIGN.md §5): what time has made due and the student has not answered — at most one
// per interview and kind, gone once the student acts (thanks, follows up, fulfils…). From views.

const KIND_OF: Readonly<Record<string, string>> = Object.fromEntries(DEADLINE_KINDS.map((k) => [OUTCOME_OF[k], k]));

const Nudge = builder.objectRef<NudgeView>('Nudge').implement({
  description: 'A reminder that something fell due: what, on which interview, and what to do.',
  fields: (t) => ({
    kind: t.string({
      description: 'The deadline kind (`THANK_YOU_OVERDUE`, …).',
      resolve: (n) => KIND_OF[n.outcome] ?? n.outcome,
    }),
    deadlineId: t.exposeString('deadlineId', { description: 'What `dismissNudge` names to put it away.' }),
    dueAt: t.field({ type: 'DateTime', resolve: (n) => n.dueAt }),
    code: t.exposeString('code', { nullable: true, description: 'The rule behind it (RULES.md).' }),
    message: t.exposeString('message', { nullable: true }),
    interview: t.field({
      type: Interview,
      nullable: true,
      resolve: (n, _args, ctx) => ctx.app.interviews.get(callerOf(ctx), n.interviewId),
    }),
  }),
});

builder.queryField('myNudges', (t) =>
  t.field({
    type: [Nudge],
    description: 'What fell due and is still to do, most recent first (from views: it may lag a second).',
    authScopes: { role: 'STUDENT' },
    resolve: (_root, _args, ctx) => {
      const caller = callerOf(ctx);
      return ctx.app.lists.nudges(caller, caller.userId);
    },
  }),
);

builder.objectField(Student, 'nudges', (t) =>
  t.field({
    type: [Nudge],
    description: "The student's overdue items, for its coaches and admins.",
    resolve: (s, _args, ctx) => ctx.app.lists.nudges(callerOf(ctx), s.id),
  }),
);
