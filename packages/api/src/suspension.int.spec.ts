import { newTenantId, streamRef } from '@app/event-store';
import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GqlResult, testApi } from './testApi.ts';

// The operator suspends a university and reactivates it: while suspended, its members read
// everything they could, and every write is FORBIDDEN with reason TENANT_SUSPENDED.

let w: World;
let other: World;
let api: Awaited<ReturnType<typeof testApi>>;
let otherApi: Awaited<ReturnType<typeof testApi>>;
const p = { admin: '', student: '', contact: '', interview: '', cohort: '' };
const OPERATOR = 'usr_operator';

const SUSPEND = `mutation ($input: SuspendTenantInput!) { suspendTenant(input: $input) { tenant { id status } } }`;
const REACTIVATE = `mutation ($input: ReactivateTenantInput!) { reactivateTenant(input: $input) { tenant { id status } } }`;
const ADD_CONTACT = `mutation ($key: String) { addContact(input: { name: "Sam", source: ALUMNI, idempotencyKey: $key }) { contact { id } } }`;
const OUTREACH = `mutation ($id: ID!, $at: DateTime!) {
  recordOutreach(input: { interviewId: $id, channel: EMAIL, sentAt: $at }) { interview { id status } }
}`;

const operator = (query: string, input: Record<string, unknown>) =>
  api.gql(OPERATOR, ['PLATFORM_ADMIN'], query, { input });
const asStudent = (query: string, variables: Record<string, unknown> = {}) =>
  api.gql(p.student, ['STUDENT'], query, variables);
const asAdmin = (query: string, variables: Record<string, unknown> = {}) =>
  api.gql(p.admin, ['TENANT_ADMIN'], query, variables);
const code = (r: GqlResult) => r.errors?.[0]?.extensions.code;
const tenantEvents = async () =>
  (await w.store.readStream(streamRef(w.tenantId, 'Tenant', w.tenantId))).map((e) => e.type);

/** A write refused for the suspension, and nothing of the tenant's written. */
const expectSuspended = async (write: () => Promise<GqlResult>) => {
  const before = (await w.records()).length;
  const r = await write();
  expect(r.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', reason: 'TENANT_SUSPENDED' });
  expect(r.errors?.[0]?.message).toMatch(/university.*suspended/);
  expect((await w.records()).length).toBe(before);
};

beforeAll(async () => {
  w = new World(testDb());
  await w.provision();
  p.admin = await w.member(['TENANT_ADMIN']);
  p.student = await w.member(['STUDENT']);
  p.cohort = await w.cohort('Fall');
  p.contact = await w.contact(p.student);
  p.interview = await w.plan(p.student, p.contact);
  other = new World(w.db);
  await other.provision('Other University');
  api = await testApi(w);
  otherApi = await testApi(other);
});

describe('a suspended university', () => {
  it('is suspended by the operator alone, once however often retried', async () => {
    const before = await asStudent(ADD_CONTACT, { key: 'landed-before' });
    expect(before.errors).toBeUndefined();
    for (const [user, role] of [
      [p.admin, 'TENANT_ADMIN'],
      [p.student, 'STUDENT'],
    ] as const) {
      const r = await api.gql(user, [role], SUSPEND, { input: { tenantId: w.tenantId, reason: 'mine' } });
      expect(code(r)).toBe('FORBIDDEN');
    }
    expect(await tenantEvents()).toEqual(['TenantProvisioned']);
    const input = { tenantId: w.tenantId, reason: 'contract ended', idempotencyKey: 'suspend-1' };
    const suspended = await operator(SUSPEND, input);
    expect(suspended.errors).toBeUndefined();
    expect(suspended.data.suspendTenant.tenant).toEqual({ id: w.tenantId, status: 'SUSPENDED' });
    expect(await operator(SUSPEND, input)).toEqual(suspended);
    expect(code(await operator(SUSPEND, { ...input, reason: 'another' }))).toBe('CONFLICT');
    expect(await tenantEvents()).toEqual(['TenantProvisioned', 'TenantSuspended']);
    // a retry of a write that landed before the suspension answers as it did, writing nothing
    expect(await asStudent(ADD_CONTACT, { key: 'landed-before' })).toEqual(before);
  });

  it("refuses every write of its members, students' and admins' alike", async () => {
    await expectSuspended(() => asStudent(ADD_CONTACT));
    await expectSuspended(() => asStudent(OUTREACH, { id: p.interview, at: w.now }));
    await expectSuspended(() =>
      asAdmin(
        'mutation { inviteMember(input: { email: "new@uni.test", name: "New", role: STUDENT }) { member { id } } }',
      ),
    );
    await expectSuspended(() => asAdmin('mutation { createCohort(input: { name: "Spring" }) { cohort { id } } }'));
    await expectSuspended(() =>
      asAdmin('mutation ($id: ID!) { archiveCohort(input: { cohortId: $id }) { cohort { id } } }', { id: p.cohort }),
    );
    await expectSuspended(() =>
      asAdmin('mutation ($id: ID!) { removeMember(input: { memberId: $id }) { member { id } } }', { id: p.student }),
    );
    await expectSuspended(() =>
      asAdmin('mutation { updateTenantPolicy(input: { policy: { followUpAfterDays: 5 } }) { tenant { id } } }'),
    );
    // another university goes on writing
    const elsewhere = await otherApi.gql(await other.member(['STUDENT']), ['STUDENT'], ADD_CONTACT);
    expect(elsewhere.errors).toBeUndefined();
  });

  it('lets its members read', async () => {
    const interview = await asStudent('query ($id: ID!) { interview(id: $id) { id status } }', { id: p.interview });
    expect(interview.errors).toBeUndefined();
    expect(interview.data.interview).toEqual({ id: p.interview, status: 'PLANNED' });
    const tenant = await asAdmin('{ tenant { id status } }');
    expect(tenant.data.tenant).toEqual({ id: w.tenantId, status: 'SUSPENDED' });
    const cohort = await asAdmin('query ($id: ID!) { cohort(id: $id) { name archived } }', { id: p.cohort });
    expect(cohort.data.cohort).toEqual({ name: 'Fall', archived: false });
  });

  it('writes again once the operator reactivates it', async () => {
    const input = { tenantId: w.tenantId, idempotencyKey: 'reactivate-1' };
    const reactivated = await operator(REACTIVATE, input);
    expect(reactivated.errors).toBeUndefined();
    expect(reactivated.data.reactivateTenant.tenant).toEqual({ id: w.tenantId, status: 'ACTIVE' });
    expect(await operator(REACTIVATE, input)).toEqual(reactivated);
    expect(await tenantEvents()).toEqual(['TenantProvisioned', 'TenantSuspended', 'TenantReactivated']);
    const added = await asStudent(ADD_CONTACT);
    expect(added.errors).toBeUndefined();
    expect(added.data.addContact.contact.id).toMatch(/^con_/);
    const outreach = await asStudent(OUTREACH, { id: p.interview, at: w.now });
    expect(outreach.errors).toBeUndefined();
    expect(outreach.data.recordOutreach.interview.status).toBe('AWAITING_REPLY');
  });

  it('answers an unknown university NOT_FOUND, and a suspension without a reason BAD_USER_INPUT', async () => {
    for (const tenantId of [newTenantId(), 'ten_not-an-id']) {
      const suspend = await operator(SUSPEND, { tenantId, reason: 'x' });
      expect(suspend.errors?.[0]?.extensions).toEqual({ code: 'NOT_FOUND', field: 'tenantId' });
      expect(suspend.data).toBeNull();
      expect(code(await operator(REACTIVATE, { tenantId }))).toBe('NOT_FOUND');
    }
    const blank = await operator(SUSPEND, { tenantId: w.tenantId, reason: '  ' });
    expect(blank.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    expect((await asAdmin('{ tenant { status } }')).data.tenant.status).toBe('ACTIVE');
  });
});
