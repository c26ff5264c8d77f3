import { streamRef } from '@app/event-store';
import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from './testApi.ts';

let w: World;
let ada: string;
let ben: string;
let coach: string;
let gql: Awaited<ReturnType<typeof testApi>>['gql'];

const ADD = `mutation ($input: AddContactInput!) {
  addContact(input: $input) { contact { id name company email source booster referredBy { id } } advice { code } }
}`;

beforeAll(async () => {
  w = new World(testDb());
  await w.provision();
  [ada, ben, coach] = [await w.member(['STUDENT']), await w.member(['STUDENT']), await w.member(['COACH'])];
  ({ gql } = await testApi(w));
});

describe('addContact', () => {
  it("adds a contact to the student's own, and answers it from the store", async () => {
    const input = { name: 'Pat Doe', company: 'Acme', email: 'Pat@Acme.example', source: 'ALUMNI' };
    const { data, errors } = await gql(ada, ['STUDENT'], ADD, { input });
    expect(errors).toBeUndefined();
    expect(data.addContact.contact).toMatchObject({
      name: 'Pat Doe',
      company: 'Acme',
      email: 'pat@acme.example',
      source: 'ALUMNI',
      booster: false,
      referredBy: null,
    });
    expect(data.addContact.contact.id).toMatch(/^con_[0-9A-Z]{26}$/);
    expect(Array.isArray(data.addContact.advice)).toBe(true);
  });

  it('adds once however often it is retried with the same idempotency key', async () => {
    const input = { name: 'Sam Roe', source: 'FRIEND', idempotencyKey: 'add-sam-1' };
    const first = await gql(ada, ['STUDENT'], ADD, { input });
    const again = await gql(ada, ['STUDENT'], ADD, { input });
    const id = first.data.addContact.contact.id;
    expect(again.data.addContact.contact.id).toBe(id);
    expect(await w.store.readStream(streamRef(w.tenantId, 'Contact', id))).toHaveLength(1);
    // another student's same key is another contact
    const bens = await gql(ben, ['STUDENT'], ADD, { input });
    expect(bens.data.addContact.contact.id).not.toBe(id);
  });

  it('refuses an idempotency key longer than 200 characters, naming it', async () => {
    const { errors } = await gql(ada, ['STUDENT'], ADD, {
      input: { name: 'Key Test', source: 'COLD', idempotencyKey: 'k'.repeat(201) },
    });
    expect(errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
  });

  it('names the field that is wrong, and writes nothing', async () => {
    const { data, errors } = await gql(ada, ['STUDENT'], ADD, {
      input: { name: 'Bad Mail', email: 'not an email', source: 'COLD', idempotencyKey: 'bad-mail' },
    });
    expect(data).toBeNull();
    expect(errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'email' });
    const { data: retried } = await gql(ada, ['STUDENT'], ADD, {
      input: { name: 'Bad Mail', email: 'bad@mail.example', source: 'COLD', idempotencyKey: 'bad-mail' },
    });
    // the failed attempt left nothing behind: the key's stream starts at version 1
    const id = retried.addContact.contact.id;
    expect((await w.store.readStream(streamRef(w.tenantId, 'Contact', id))).map((e) => e.version)).toEqual([1]);
  });

  it("refuses another student's contact as a referrer exactly as one that does not exist", async () => {
    const bens = await gql(ben, ['STUDENT'], ADD, { input: { name: 'Lee Poe', source: 'FAMILY' } });
    const attempt = async (referredByContactId: string) =>
      (
        await gql(ada, ['STUDENT'], ADD, {
          input: { name: 'Via Lee', source: 'REFERRAL', referredByContactId },
        })
      ).errors?.[0];
    const bensId = bens.data.addContact.contact.id as string;
    const others = await attempt(bensId);
    const missing = await attempt('con_00000000000000000000000000');
    // the same answer, but for the id the caller sent, which the message repeats
    expect({ ...others, message: others?.message.replace(bensId, 'ID') }).toEqual({
      ...missing,
      message: missing?.message.replace('con_00000000000000000000000000', 'ID'),
    });
    expect(others?.extensions).toEqual({ code: 'NOT_FOUND', field: 'referredByContactId' });
  });

  it('is for students: a coach is FORBIDDEN', async () => {
    const { data, errors } = await gql(coach, ['COACH'], ADD, { input: { name: 'X', source: 'COLD' } });
    expect(data).toBeNull();
    expect(errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });
});
