import type { TenantId } from '@app/core';
import { type Contact, contactDecider, tenantDecider } from '@app/domain';
import { type CommandHandler, type EventStore, streamRef } from '@app/event-store';
import { type StudentProgress, ViewReader, type ViewScope, type ViewSource, viewKeys } from '@app/views';
import type { Caller } from './auth.ts';
import { Commands } from './commands.ts';
import type { AddContactInput, Application, ContactView, TenantView } from './context.ts';
import { apiError } from './errors.ts';
import { Interviews } from './interviews.ts';
import { type CohortView, type Identities, localIdentities, People } from './people.ts';
import { perRequest } from './perRequest.ts';
import { stateOf } from './state.ts';
import { Tenants } from './tenants.ts';

/** The application functions resolvers call, on the event store (reads of one's own writes come from there). */
export interface AppDeps {
  readonly store: EventStore;
  readonly handler: CommandHandler;
  /** The views lists and dashboards read. */
  readonly views: ViewSource;
  readonly clock?: () => Date;
  readonly identities?: Identities;
}

export const storeApplication = (deps: AppDeps): Application => {
  const { store, handler, views } = deps;
  const clock = deps.clock ?? (() => new Date());
  const identities = deps.identities ?? localIdentities;
  const reader = new ViewReader(views);
  const commands = new Commands(store, handler);
  const now = () => clock().toISOString();

  // the admin's list of members: one item per member on the tenant summary's partition
  const roster = async (tenantId: TenantId) => {
    const scope = await reader.scope(tenantId);
    const rows = await views.query(viewKeys.tenantSummary(scope).pk, {
      from: 'member#',
      to: 'member#~',
      projection: ['memberId', 'roles', 'status'],
    });
    return rows.map((r) => ({
      memberId: String(r.memberId),
      roles: Array.from((r.roles ?? []) as Iterable<unknown>, String),
      status: String(r.status),
    }));
  };
  const people = new People(store, commands, identities, now, roster);

  const scopes = perRequest<ViewScope>();
  /** The generation serving the caller's tenant, read once per request (a page asks for it per item). */
  const scopeOf = (caller: Caller, tenantId: TenantId) => scopes(caller, tenantId, () => reader.scope(tenantId));

  const cohorts = perRequest<CohortView | null>();
  /** A cohort as it stands, loaded once per request. */
  const cohortOf = (caller: Caller, id: string) => cohorts(caller, id, () => people.cohort(caller, id));
  /** The cohort, for its admins and its coaches (anyone else reads it as missing). */
  const readableCohort = async (caller: Caller, id: string): Promise<CohortView | null> => {
    const cohort = await cohortOf(caller, id);
    if (!cohort) return null;
    if (caller.roles.includes('TENANT_ADMIN')) return cohort;
    return caller.roles.includes('COACH') && cohort.coaches.includes(caller.userId) ? cohort : null;
  };

  /** Whether the coach coaches a cohort the student is enrolled in now. */
  const coachesStudent = async (caller: Caller, studentId: string): Promise<boolean> => {
    if (caller.tenantId === null) return false;
    const enrolments = await store.guardsIn(caller.tenantId, 'Enrolments', studentId);
    const states = await Promise.all(enrolments.map((c) => cohortOf(caller, c)));
    return states.some((c) => c?.coaches.includes(caller.userId));
  };

  const coaching = perRequest<boolean>();
  const progress = perRequest<StudentProgress>();
  /** Students' own data: readable by the student, an admin of the tenant, and the coaches of its cohorts. */
  const mayRead = async (caller: Caller, studentId: string): Promise<boolean> =>
    caller.userId === studentId ||
    caller.roles.includes('TENANT_ADMIN') ||
    (caller.roles.includes('COACH') && (await coaching(caller, studentId, () => coachesStudent(caller, studentId))));

  const contacts = perRequest<Contact>();
  const contact = async (caller: Caller, id: string): Promise<ContactView | null> => {
    const tenantId = caller.tenantId;
    if (tenantId === null || !id.startsWith('con_')) return null;
    const state = await contacts(caller, id, () => stateOf(store, streamRef(tenantId, 'Contact', id), contactDecider));
    // A student's contacts are theirs alone (DESIGN.md §7): anyone else's read as not there.
    return state.status !== 'NONE' && (await mayRead(caller, state.ownerId)) ? { ...state, id } : null;
  };

  /** The caller's own items of a view partition, in sort-key order. */
  const own = async (caller: Caller, partition: (scope: ViewScope, userId: string) => string, prefix = '') => {
    if (caller.tenantId === null) return [];
    const scope = await scopeOf(caller, caller.tenantId);
    return views.query(partition(scope, caller.userId), prefix ? { from: prefix, to: `${prefix}~` } : {});
  };

  const addContact = async (caller: Caller, input: AddContactInput & { referredFromInterviewId?: string }) => {
    const referrer = input.referredByContactId ? await contact(caller, input.referredByContactId) : null;
    // a referrer is one of the student's own contacts; anyone else's reads as missing
    if (input.referredByContactId && referrer?.ownerId !== caller.userId) {
      throw apiError('NOT_FOUND', `no contact ${input.referredByContactId}`, { field: 'referredByContactId' });
    }
    const result = await commands.send({
      caller,
      stream: { type: 'Contact', create: 'con_' },
      decider: contactDecider,
      command: {
        type: 'AddContact',
        name: input.name,
        source: input.source,
        ...(input.title !== undefined && { title: input.title }),
        ...(input.company !== undefined && { company: input.company }),
        ...(input.industry !== undefined && { industry: input.industry }),
        ...(input.email !== undefined && { email: input.email }),
        ...(input.referredByContactId && { referredByContactId: input.referredByContactId }),
        ...(input.referredFromInterviewId && { referredFromInterviewId: input.referredFromInterviewId }),
      },
      context: () => ({
        now: now(),
        studentId: caller.userId,
        referrer: referrer && { ownerId: referrer.ownerId },
      }),
      idempotencyKey: input.idempotencyKey,
    });
    const state = result.state;
    if (state.status === 'NONE') throw new Error('a contact was added but its stream folds to nothing');
    return { contact: { ...state, id: result.id }, advice: result.advice };
  };

  const interviews = new Interviews(store, commands, now, mayRead);

  return {
    lists: {
      async myInterviewIds(caller, statuses) {
        const rows = await own(caller, viewKeys.studentInterviews);
        return rows.filter((r) => !statuses || statuses.includes(String(r.status))).map((r) => String(r.interviewId));
      },
      async studentInterviewIds(caller, studentId) {
        if (caller.tenantId === null || !(await mayRead(caller, studentId))) return [];
        const scope = await scopeOf(caller, caller.tenantId);
        return (await views.query(viewKeys.studentInterviews(scope, studentId))).map((r) => String(r.interviewId));
      },
      async nudges(caller, studentId) {
        if (caller.tenantId === null || !(await mayRead(caller, studentId))) return [];
        const scope = await scopeOf(caller, caller.tenantId);
        const rows = await views.query(viewKeys.studentNudges(scope, studentId));
        return rows
          .map((r) => ({
            interviewId: String(r.interviewId),
            outcome: String(r.outcome),
            deadlineId: String(r.deadlineId),
            dueAt: String(r.dueAt),
            code: typeof r.code === 'string' ? r.code : null,
            message: typeof r.message === 'string' ? r.message : null,
          }))
          .sort((a, b) => b.dueAt.localeCompare(a.dueAt));
      },
      async referredIds(caller, from) {
        if (caller.tenantId === null || !(await mayRead(caller, from.ownerId))) return [];
        const scope = await scopeOf(caller, caller.tenantId);
        const prefix = `edge#${from.id}#`;
        const rows = await views.query(viewKeys.referrals(scope, from.ownerId), { from: prefix, to: `${prefix}~` });
        return rows.map((r) => String(r.toContactId));
      },
      async myContactIds(caller) {
        return (await own(caller, viewKeys.referrals, 'node#')).map((r) => String(r.contactId));
      },
    },
    insight: {
      cohort: readableCohort,
      async cohortIds(caller) {
        if (caller.tenantId === null) return [];
        const scope = await scopeOf(caller, caller.tenantId);
        if (caller.roles.includes('TENANT_ADMIN')) {
          const rows = await views.query(viewKeys.tenantCohort(scope, '').pk, { from: 'cohort#', to: 'cohort#~' });
          return rows.map((r) => String(r.cohortId));
        }
        if (!caller.roles.includes('COACH')) return [];
        const rows = await views.query(viewKeys.memberCohorts(scope, caller.userId), {
          index: 'gsi1',
          from: 'COACH#',
          to: 'COACH#~',
        });
        return rows.map((r) => String(r.cohortId)).sort();
      },
      async enrolledStudentIds(caller, cohortId) {
        if (caller.tenantId === null) return [];
        const [cohort, ids] = await Promise.all([
          readableCohort(caller, cohortId),
          reader.enrolledStudents(await scopeOf(caller, caller.tenantId), cohortId),
        ]);
        if (!cohort) return [];
        // the students of a cohort the caller coaches are theirs to read: no need to ask per student
        if (cohort.coaches.includes(caller.userId)) for (const id of ids) void coaching(caller, id, async () => true);
        return ids;
      },
      async analytics(caller, cohortId, range) {
        if (caller.tenantId === null) throw new Error('analytics without a tenant');
        return reader.cohortAnalytics(await scopeOf(caller, caller.tenantId), cohortId, { ...range, now: now() });
      },
      async prefetchProgress(caller, ids) {
        const tenantId = caller.tenantId;
        if (tenantId === null || ids.length === 0) return;
        const all = (async () => reader.studentsProgress(await scopeOf(caller, tenantId), ids, now()))();
        // kept for the students of the page to find; read only once each is found readable
        ids.forEach(
          (id, i) => void progress(caller, id, async () => (await all)[i] as StudentProgress).catch(() => {}),
        );
      },
      async student(caller, id) {
        const tenantId = caller.tenantId;
        if (tenantId === null) return null;
        const member = await people.member(caller, id);
        if (!member?.roles.includes('STUDENT')) return null;
        if (!(await mayRead(caller, id))) return null;
        return {
          ...member,
          progress: () =>
            progress(caller, id, async () => reader.studentProgress(await scopeOf(caller, tenantId), id, now())),
        };
      },
    },
    interviews,
    tenants: new Tenants(store, handler, identities, now),
    people,
    async tenant(caller: Caller): Promise<TenantView | null> {
      if (caller.tenantId === null) return null;
      const state = await stateOf(store, streamRef(caller.tenantId, 'Tenant', caller.tenantId), tenantDecider);
      return state.status === 'NONE' ? null : { ...state, id: caller.tenantId };
    },
    contacts: {
      get: contact,
      async refer(caller, input) {
        const interview = await interviews.get(caller, input.interviewId);
        if (!interview) throw apiError('NOT_FOUND', `no interview ${input.interviewId}`);
        const { contact: added } = await addContact(caller, {
          ...input,
          source: 'REFERRAL',
          referredByContactId: interview.contactId,
          referredFromInterviewId: interview.id,
        });
        const recorded = await interviews.send(
          caller,
          interview.id,
          { type: 'RecordReferral', referredContactId: added.id },
          input,
        );
        return { contact: added, interview: recorded.interview, advice: recorded.advice };
      },
      async send(caller, contactId, command, idempotencyKey) {
        const current = await contact(caller, contactId);
        // only its student changes a contact; anyone else's reads as missing
        if (current?.ownerId !== caller.userId) throw apiError('NOT_FOUND', `no contact ${contactId}`);
        const result = await commands.send({
          caller,
          stream: { type: 'Contact', id: contactId },
          decider: contactDecider,
          command,
          context: () => ({ now: now(), studentId: caller.userId }),
          idempotencyKey,
        });
        if (result.state.status === 'NONE') throw new Error(`contact ${contactId} folds to nothing`);
        return { contact: { ...result.state, id: contactId }, advice: result.advice };
      },
      add: (caller, input) => addContact(caller, input),
    },
  };
};
