import { deciderSpec } from '@app/testing';
import { describe, expect, it } from 'vitest';
import { type ContactContext, contactDecider } from './decider.ts';
import { type ContactEvent, organizationOf } from './events.ts';

const now = '2026-09-01T12:00:00.000Z';
const ctx: ContactContext = { now, studentId: 'usr_ada' };
const given = deciderSpec(contactDecider, ctx);
const added: ContactEvent = {
  type: 'ContactAdded',
  data: {
    ownerId: 'usr_ada',
    name: 'Chidi Okafor',
    email: 'c.okafor@example.com',
    company: 'Acme Process Safety',
    title: null,
    industry: null,
    source: 'ALUMNI',
    referredByContactId: null,
    referredFromInterviewId: null,
  },
  occurredAt: now,
  subject: 'usr_ada',
};
const add = {
  type: 'AddContact',
  name: ' Chidi Okafor ',
  email: 'C.Okafor@example.com',
  company: 'Acme Process Safety',
  source: 'ALUMNI',
} as const;

describe('the contact decider', () => {
  it('adds a contact owned by the student, its personal data under the student’s key', () => {
    given()
      .when(add)
      .then([added])
      .andState((s) => expect(s).toMatchObject({ status: 'ACTIVE', ownerId: 'usr_ada', booster: false }));
  });

  it('keeps a referral’s link to the student’s own referring contact', () => {
    const referral = {
      ...add,
      source: 'REFERRAL',
      referredByContactId: 'con_1',
      referredFromInterviewId: 'int_1',
    } as const;
    given()
      .when(referral, { ...ctx, referrer: { ownerId: 'usr_ada' } })
      .then([
        {
          ...added,
          data: { ...added.data, source: 'REFERRAL', referredByContactId: 'con_1', referredFromInterviewId: 'int_1' },
        },
      ]);
    given()
      .when(referral, { ...ctx, referrer: { ownerId: 'usr_bo' } })
      .thenRejects('BAD_USER_INPUT', { field: 'referredByContactId' });
    given()
      .when(referral, { ...ctx, referrer: null })
      .thenRejects('BAD_USER_INPUT', { field: 'referredByContactId' });
    given()
      .when({ ...add, source: 'REFERRAL' })
      .thenRejects('BAD_USER_INPUT', { field: 'referredByContactId' });
  });

  it('needs no company, title or industry; the organization is the company case-folded', () => {
    given()
      .when({ type: 'AddContact', name: 'Rosa Diaz', source: 'FRIEND', company: '  ', email: null })
      .then([
        {
          ...added,
          data: { ...added.data, name: 'Rosa Diaz', email: null, company: null, source: 'FRIEND' },
        },
      ]);
    expect(organizationOf('  ACME  Process Safety ')).toBe('acme process safety');
    expect(organizationOf('Acme Process Safety')).toBe(organizationOf('acme process SAFETY'));
    expect(organizationOf(null)).toBeNull();
    expect(organizationOf(' ')).toBeNull();
  });

  it('refuses bad input, naming the field', () => {
    given()
      .when({ ...add, name: '' })
      .thenRejects('BAD_USER_INPUT', { field: 'name' });
    given()
      .when({ ...add, email: 'not-an-email' })
      .thenRejects('BAD_USER_INPUT', { field: 'email' });
    given()
      .when({ ...add, company: 'x'.repeat(201) })
      .thenRejects('BAD_USER_INPUT', { field: 'company' });
  });

  it('updates only what changed', () => {
    given([added])
      .when({ type: 'UpdateContactDetails', company: 'Acme Process Safety', title: 'Safety Lead' })
      .then([{ type: 'ContactDetailsUpdated', data: { title: 'Safety Lead' }, occurredAt: now, subject: 'usr_ada' }])
      .andState((s) =>
        expect(s).toMatchObject({ title: 'Safety Lead', company: 'Acme Process Safety', name: 'Chidi Okafor' }),
      );
    given([added]).when({ type: 'UpdateContactDetails', name: 'Chidi Okafor' }).thenNothing();
  });

  it('records a preferred channel, marks a booster once, and archives', () => {
    given([added])
      .when({ type: 'RecordContactPreference', channel: 'LINKEDIN' })
      .then([
        { type: 'ContactPreferenceRecorded', data: { channel: 'LINKEDIN' }, occurredAt: now, subject: 'usr_ada' },
      ]);
    const booster: ContactEvent = {
      type: 'ContactMarkedBooster',
      data: { interviewId: 'int_1', repliedAfterDays: 1.5 },
      occurredAt: now,
      subject: 'usr_ada',
    };
    given([added]).when({ type: 'MarkBooster', interviewId: 'int_1', repliedAfterDays: 1.5 }).then([booster]);
    given([added, booster]).when({ type: 'MarkBooster', interviewId: 'int_2', repliedAfterDays: 1 }).thenNothing();
    const archived: ContactEvent = {
      type: 'ContactArchived',
      data: { reason: '' },
      occurredAt: now,
      subject: 'usr_ada',
    };
    given([added]).when({ type: 'ArchiveContact' }).then([archived]);
    given([added, archived])
      .when({ type: 'RecordContactPreference', channel: 'EMAIL' })
      .thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
  });

  it('refuses to add a contact twice or to change one that does not exist', () => {
    given([added]).when(add).thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
    given().when({ type: 'ArchiveContact' }).thenRejects('RULE_VIOLATION', { rule: 'INVALID_TRANSITION' });
  });
});
