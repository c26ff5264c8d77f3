import type { CohortEvent, ContactEvent, MemberEvent, TenantEvent } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { type Change, type Contribution, EMPTY_CONTRIBUTION, update } from '../changes.ts';
import { viewKeys } from '../keys.ts';
import { Contributions, localDay, type ProjectionEnv } from './env.ts';

// The tenant, its members and the students' contacts: small streams, each contributing as a
// whole (so a role change moves one member from one count to another). Cohorts grow with
// their students, so they project event by event instead.

/** The tenant's name, slug, status and zone on its summary. */
export const tenantContribution = (events: readonly RecordedEvent<TenantEvent>[], env: ProjectionEnv): Contribution => {
  const c = new Contributions(env);
  const summary = viewKeys.tenantSummary(env.scope);
  for (const e of events) {
    switch (e.type) {
      case 'TenantProvisioned':
        c.own(summary, 'name', e.data.name)
          .own(summary, 'slug', e.data.slug)
          .own(summary, 'status', 'ACTIVE')
          .own(summary, 'timeZone', e.data.policy.timeZone)
          .own(summary, 'policyVersion', e.data.policy.version)
          .own(summary, 'provisionedAt', e.occurredAt);
        break;
      case 'TenantPolicyChanged':
        c.own(summary, 'timeZone', e.data.policy.timeZone).own(summary, 'policyVersion', e.data.policy.version);
        break;
      case 'TenantSuspended':
        c.own(summary, 'status', 'SUSPENDED');
        break;
      case 'TenantReactivated':
        c.own(summary, 'status', 'ACTIVE');
        break;
    }
  }
  return c.build();
};

/** A member's roles and status, and the tenant's counts by role. */
export const memberContribution = (events: readonly RecordedEvent<MemberEvent>[], env: ProjectionEnv): Contribution => {
  const invited = events.find((e) => e.type === 'MemberInvited');
  if (!invited) return EMPTY_CONTRIBUTION;
  const memberId = invited.stream.id as string;
  let roles: readonly string[] = invited.data.roles;
  let status: 'ACTIVE' | 'REMOVED' | 'ERASED' = 'ACTIVE';
  for (const e of events) {
    if (e.type === 'MemberRoleChanged') roles = e.data.roles;
    if (e.type === 'MemberRemoved' && status === 'ACTIVE') status = 'REMOVED';
    // an erased student stays on the roster, marked so; what it did stays counted in its cohorts
    if (e.type === 'MemberDataErased') status = 'ERASED';
  }
  const c = new Contributions(env);
  c.item(
    { pk: viewKeys.tenantSummary(env.scope).pk, sk: `member#${memberId}` },
    { memberId, roles: [...roles], status, invitedAt: invited.occurredAt },
  );
  if (status === 'ACTIVE') for (const role of roles) c.tenant(`members_${role}`);
  return c.build();
};

/** A student's contact: counted where it was added, a node of the referral graph, an edge if referred. */
export const contactContribution = (
  events: readonly RecordedEvent<ContactEvent>[],
  env: ProjectionEnv,
): Contribution => {
  const added = events.find((e) => e.type === 'ContactAdded');
  if (added?.type !== 'ContactAdded') return EMPTY_CONTRIBUTION;
  const contactId = added.stream.id as string;
  const student = added.data.ownerId;
  const c = new Contributions(env);
  const progress = c.progress(student);
  c.inBuckets(added, 'n_contactsAdded').count(progress, 'contacts').tenant('contacts');
  // the student's own doing: a booster mark follows from a reply, it is not an action of theirs
  const own = events.filter((e) => e.type !== 'ContactMarkedBooster');
  for (const e of own) c.active(e, student).activeDay(student, e);
  c.lastActivity(student, own[own.length - 1]?.occurredAt ?? added.occurredAt, contactId);

  const graph = viewKeys.referrals(env.scope, student);
  c.item(
    { pk: graph, sk: `node#${contactId}` },
    {
      contactId,
      source: added.data.source,
      addedAt: added.occurredAt,
      booster: events.some((e) => e.type === 'ContactMarkedBooster'),
      archived: events.some((e) => e.type === 'ContactArchived'),
    },
  );
  const from = added.data.referredByContactId;
  if (from) {
    c.item(
      { pk: graph, sk: `edge#${from}#${contactId}` },
      {
        fromContactId: from,
        toContactId: contactId,
        interviewId: added.data.referredFromInterviewId,
        at: added.occurredAt,
      },
    );
  }
  return c.build();
};

const enrolment = (env: ProjectionEnv, e: RecordedEvent, cohortId: string, n: 1 | -1): Change =>
  update(viewKeys.cohortEnrolment(env.scope, cohortId, localDay(e.occurredAt, env.timeZone)), { add: { enrolled: n } });

/** A cohort event's own changes: who coaches it, who is enrolled, and enrolment by day. */
export const cohortChanges = (e: RecordedEvent<CohortEvent>, env: ProjectionEnv): Change[] => {
  const cohortId = e.stream.id as string;
  const summary = viewKeys.cohortSummary(env.scope, cohortId);
  const member = (role: 'COACH' | 'STUDENT', memberId: string) => ({
    key: viewKeys.cohortMember(env.scope, cohortId, role, memberId),
    item: {
      cohortId,
      memberId,
      role,
      since: e.occurredAt,
      gsi1pk: viewKeys.memberCohorts(env.scope, memberId),
      gsi1sk: `${role}#${cohortId}`,
    },
  });
  switch (e.type) {
    case 'CohortCreated':
      return [
        update(summary, {
          set: { cohortId, name: e.data.name, term: e.data.term, createdAt: e.occurredAt, archived: false },
        }),
        update(viewKeys.tenantSummary(env.scope), { add: { cohorts: 1 } }),
        update(viewKeys.tenantCohort(env.scope, cohortId), { set: { cohortId, archived: false } }),
      ];
    case 'CoachAssigned':
      return [{ op: 'put', ...member('COACH', e.data.coachId) }, update(summary, { add: { coaches: 1 } })];
    case 'CoachUnassigned':
      return [{ op: 'delete', key: member('COACH', e.data.coachId).key }, update(summary, { add: { coaches: -1 } })];
    case 'StudentEnrolled':
      return [
        { op: 'put', ...member('STUDENT', e.data.studentId) },
        update(summary, { add: { students: 1 } }),
        enrolment(env, e, cohortId, 1),
      ];
    case 'StudentWithdrawn':
      return [
        { op: 'delete', key: member('STUDENT', e.data.studentId).key },
        update(summary, { add: { students: -1 } }),
        enrolment(env, e, cohortId, -1),
      ];
    case 'CohortArchived':
      return [
        update(summary, { set: { archived: true, archivedAt: e.occurredAt } }),
        update(viewKeys.tenantCohort(env.scope, cohortId), { set: { archived: true } }),
      ];
    default:
      return [];
  }
};
