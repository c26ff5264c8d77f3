import { builder } from '../builder.ts';
import { page } from '../connections.ts';
import { callerOf } from '../context.ts';
import { apiError } from '../errors.ts';
import type { CohortView, MemberView } from '../people.ts';
import { connection } from './connection.ts';
import { Role } from './viewer.ts';

export const Member = builder.objectRef<MemberView>('Member');
const MemberStatus = builder.enumType('MemberStatus', {
  values: {
    ACTIVE: {},
    REMOVED: { description: 'An admin removed the member: its sign-in no longer works here.' },
    ERASED: {
      description:
        'Removed, and its personal data erased at its request: its name, email and everything personal it wrote read as [erased].',
    },
  } as const,
});

builder.node(Member, {
  id: { resolve: (x) => x.id },
  loadOne: async (id, ctx) => {
    const caller = callerOf(ctx);
    const mayRead = caller.userId === id || caller.roles.includes('TENANT_ADMIN');
    const member = mayRead ? await ctx.app.people.member(caller, id) : null;
    return member ?? Promise.reject(apiError('NOT_FOUND', `no member ${id}`));
  },
  description: 'A person of the university: its id is the user id of its sign-in.',
  fields: (t) => ({
    email: t.exposeString('email'),
    name: t.exposeString('name'),
    roles: t.field({ type: [Role], resolve: (m) => [...m.roles] }),
    status: t.field({
      type: MemberStatus,
      description:
        'REMOVED once an admin removed the member, ERASED once its data was erased: either way its sign-in no longer works here.',
      resolve: (m) => m.status,
    }),
  }),
});

export const Cohort = builder.objectRef<CohortView>('Cohort');

builder.node(Cohort, {
  id: { resolve: (x) => x.id },
  loadOne: async (id, ctx) =>
    (await ctx.app.insight.cohort(callerOf(ctx), id)) ?? Promise.reject(apiError('NOT_FOUND', `no cohort ${id}`)),
  description: 'A group of students with their coaches (a class, a program, a term).',
  fields: (t) => ({
    name: t.exposeString('name'),
    term: t.exposeString('term', { nullable: true }),
    archived: t.boolean({
      description: 'Archived by an admin: kept with its history, it takes no more coaches or students.',
      resolve: (c) => c.status === 'ARCHIVED',
    }),
    coaches: t.field({
      type: [Member],
      resolve: async (c, _args, ctx) =>
        (await Promise.all(c.coaches.map((id) => ctx.app.people.member(callerOf(ctx), id)))).filter(
          (m): m is MemberView => m !== null,
        ),
    }),
  }),
});

const CohortPayload = builder.objectRef<{ cohort: CohortView }>('CohortPayload').implement({
  fields: (t) => ({ cohort: t.field({ type: Cohort, resolve: (p) => p.cohort }) }),
});
const InviteMemberPayload = builder.objectRef<{ member: MemberView }>('InviteMemberPayload').implement({
  fields: (t) => ({ member: t.field({ type: Member, resolve: (p) => p.member }) }),
});

builder.mutationField('inviteMember', (t) =>
  t.field({
    type: InviteMemberPayload,
    authScopes: { role: 'TENANT_ADMIN' },
    args: {
      input: t.arg({
        required: true,
        type: builder.inputType('InviteMemberInput', {
          fields: (f) => ({
            email: f.string({ required: true }),
            name: f.string({ required: true }),
            role: f.field({ type: Role, required: true }),
            idempotencyKey: f.string(),
          }),
        }),
      }),
    },
    resolve: async (_root, { input }, ctx) => {
      if (input.role === 'PLATFORM_ADMIN') {
        throw apiError('FORBIDDEN', 'the platform operator is not a member of a university');
      }
      return { member: await ctx.app.people.invite(callerOf(ctx), input) };
    },
  }),
);

builder.mutationField('createCohort', (t) =>
  t.field({
    type: CohortPayload,
    authScopes: { role: 'TENANT_ADMIN' },
    args: {
      input: t.arg({
        required: true,
        type: builder.inputType('CreateCohortInput', {
          fields: (f) => ({ name: f.string({ required: true }), term: f.string(), idempotencyKey: f.string() }),
        }),
      }),
    },
    resolve: async (_root, { input }, ctx) => ({
      cohort: await ctx.app.people.cohortCommand(
        callerOf(ctx),
        null,
        { type: 'CreateCohort', name: input.name, ...(input.term && { term: input.term }) },
        input.idempotencyKey,
      ),
    }),
  }),
);

/** A mutation naming a cohort and a member of it: assign or unassign a coach, enrol or withdraw a student. */
const cohortMemberMutation = (
  name: string,
  inputName: string,
  member: 'coachId' | 'studentId',
  type: 'AssignCoach' | 'UnassignCoach' | 'EnrollStudent' | 'WithdrawStudent',
) => {
  const Input = builder.inputType(inputName, {
    fields: (f) => ({
      cohortId: f.id({ required: true }),
      [member]: f.id({ required: true }),
      idempotencyKey: f.string(),
    }),
  });
  builder.mutationField(name, (t) =>
    t.field({
      type: CohortPayload,
      authScopes: { role: 'TENANT_ADMIN' },
      args: { input: t.arg({ type: Input, required: true }) },
      resolve: async (_root, args, ctx) => {
        const input = args.input as Record<string, string | number | null | undefined>;
        const memberId = String(input[member]);
        const command =
          member === 'coachId'
            ? { type: type as 'AssignCoach' | 'UnassignCoach', coachId: memberId }
            : { type: type as 'EnrollStudent' | 'WithdrawStudent', studentId: memberId };
        return {
          cohort: await ctx.app.people.cohortCommand(
            callerOf(ctx),
            String(input.cohortId),
            command,
            input.idempotencyKey as string | null | undefined,
          ),
        };
      },
    }),
  );
};

cohortMemberMutation('assignCoach', 'AssignCoachInput', 'coachId', 'AssignCoach');
cohortMemberMutation('unassignCoach', 'UnassignCoachInput', 'coachId', 'UnassignCoach');
cohortMemberMutation('enrollStudent', 'EnrollStudentInput', 'studentId', 'EnrollStudent');
cohortMemberMutation('withdrawStudent', 'WithdrawStudentInput', 'studentId', 'WithdrawStudent');

builder.mutationField('archiveCohort', (t) =>
  t.field({
    type: CohortPayload,
    description: 'Archives a cohort: kept for its history and analytics, it accepts no more coaches or students.',
    authScopes: { role: 'TENANT_ADMIN' },
    args: {
      input: t.arg({
        required: true,
        type: builder.inputType('ArchiveCohortInput', {
          fields: (f) => ({ cohortId: f.id({ required: true }), reason: f.string(), idempotencyKey: f.string() }),
        }),
      }),
    },
    resolve: async (_root, { input }, ctx) => ({
      cohort: await ctx.app.people.cohortCommand(
        callerOf(ctx),
        input.cohortId,
        { type: 'ArchiveCohort', ...(input.reason && { reason: input.reason }) },
        input.idempotencyKey,
      ),
    }),
  }),
);

const MemberPayload = builder.objectRef<{ member: MemberView }>('MemberPayload').implement({
  fields: (t) => ({ member: t.field({ type: Member, resolve: (p) => p.member }) }),
});

builder.mutationField('removeMember', (t) =>
  t.field({
    type: MemberPayload,
    description:
      'Removes a member: its sign-in stops working within a minute. An admin cannot remove itself, so the university keeps an admin.',
    authScopes: { role: 'TENANT_ADMIN' },
    args: {
      input: t.arg({
        required: true,
        type: builder.inputType('RemoveMemberInput', {
          fields: (f) => ({ memberId: f.id({ required: true }), reason: f.string(), idempotencyKey: f.string() }),
        }),
      }),
    },
    resolve: async (_root, { input }, ctx) => ({ member: await ctx.app.people.remove(callerOf(ctx), input) }),
  }),
);

builder.mutationField('eraseStudentData', (t) =>
  t.field({
    type: builder.objectRef<{ member: MemberView }>('EraseStudentDataPayload').implement({
      fields: (f) => ({ member: f.field({ type: Member, resolve: (p) => p.member }) }),
    }),
    description:
      "Erases a student's personal data at their request: its name, email, contacts' details and everything it wrote read as [erased] from then on, everywhere, while ids, statuses and the cohort figures stay. The student is removed (its sign-in stops working within a minute) and the erasure is recorded with the admin's id. Cannot be undone; asking again changes nothing. Point-in-time backups keep the data until their retention ends.",
    authScopes: { role: 'TENANT_ADMIN' },
    args: {
      input: t.arg({
        required: true,
        type: builder.inputType('EraseStudentDataInput', {
          fields: (f) => ({ studentId: f.id({ required: true }), idempotencyKey: f.string() }),
        }),
      }),
    },
    resolve: async (_root, { input }, ctx) => ({ member: await ctx.app.people.eraseStudent(callerOf(ctx), input) }),
  }),
);

builder.mutationField('changeMemberRoles', (t) =>
  t.field({
    type: MemberPayload,
    description: "Replaces a member's roles. An admin cannot drop its own TENANT_ADMIN role.",
    authScopes: { role: 'TENANT_ADMIN' },
    args: {
      input: t.arg({
        required: true,
        type: builder.inputType('ChangeMemberRolesInput', {
          fields: (f) => ({
            memberId: f.id({ required: true }),
            roles: f.field({ type: [Role], required: true }),
            idempotencyKey: f.string(),
          }),
        }),
      }),
    },
    resolve: async (_root, { input }, ctx) => {
      if (input.roles.includes('PLATFORM_ADMIN')) {
        throw apiError('FORBIDDEN', 'the platform operator is not a member of a university');
      }
      return { member: await ctx.app.people.changeRoles(callerOf(ctx), input) };
    },
  }),
);

builder.queryField('members', (t) =>
  t.field({
    type: connection('Member', Member),
    description:
      "The university's active members (of one role, if given), for its admins, in id order; the list comes from the views and may lag by about a second.",
    authScopes: { role: 'TENANT_ADMIN' },
    args: { role: t.arg({ type: Role }), first: t.arg.int(), after: t.arg.string() },
    resolve: async (_root, args, ctx) => {
      const caller = callerOf(ctx);
      const ids = await ctx.app.people.memberIds(caller, args.role);
      return page(ids, args, async (id) => {
        // the store is fresher than the list: one removed or moved to another role since is left out
        const member = await ctx.app.people.member(caller, id);
        const fits =
          member?.status === 'ACTIVE' && (!args.role || (member.roles as readonly string[]).includes(args.role));
        return fits ? member : null;
      });
    },
  }),
);
