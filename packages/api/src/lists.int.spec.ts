import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { testApi } from './testApi.ts';

let w: World;
let ada: string;
let ben: string;
let gql: Awaited<ReturnType<typeof testApi>>['gql'];
const ids: string[] = [];

const LIST = `query ($first: Int, $after: String, $status: [InterviewStatus!]) {
  myInterviews(first: $first, after: $after, status: $status) {
    edges { cursor node { id status } } pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;

beforeAll(async () => {
  w = new World(testDb());
  await w.provision();
  [ada, ben] = [await w.member(['STUDENT']), await w.member(['STUDENT'])];
  ({ gql } = await testApi(w));
  const contact = await w.contact(ada);
  for (let i = 0; i < 5; i++) ids.push(await w.plan(ada, contact));
  await w.interview(ada, ids[0] as string, { type: 'RecordOutreach', channel: 'EMAIL', sentAt: w.now });
  await w.plan(ben, await w.contact(ben));
  // lists read the views: project what was written
  expect((await w.projector().consume(await w.records())).failed).toEqual([]);
});

describe('lists', () => {
  it("pages through the student's own interviews, oldest first, and filters by status", async () => {
    const one = await gql(ada, ['STUDENT'], LIST, { first: 2 });
    expect(one.errors).toBeUndefined();
    const firstPage = one.data.myInterviews;
    expect(firstPage.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(ids.slice(0, 2));
    expect(firstPage.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const two = (await gql(ada, ['STUDENT'], LIST, { first: 10, after: firstPage.pageInfo.endCursor })).data
      .myInterviews;
    expect(two.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(ids.slice(2));
    expect(two.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const waiting = (await gql(ada, ['STUDENT'], LIST, { status: ['AWAITING_REPLY'] })).data.myInterviews;
    expect(waiting.edges.map((e: { node: { id: string; status: string } }) => e.node)).toEqual([
      { id: ids[0], status: 'AWAITING_REPLY' },
    ]);
    // Ben sees his one interview, none of Ada's
    const bens = (await gql(ben, ['STUDENT'], LIST, {})).data.myInterviews.edges;
    expect(bens).toHaveLength(1);
    expect(ids).not.toContain(bens[0].node.id);
  });

  it('refuses a page over 100 and a cursor it never gave, naming the argument', async () => {
    expect((await gql(ada, ['STUDENT'], LIST, { first: 101 })).errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'first',
    });
    expect((await gql(ada, ['STUDENT'], LIST, { after: 'bm90LWEtY3Vyc29y' })).errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'after',
    });
  });

  it("lists the student's contacts", async () => {
    const r = await gql(ada, ['STUDENT'], '{ myContacts { edges { node { id name } } } }');
    expect(r.data.myContacts.edges).toEqual([{ node: { id: expect.stringMatching(/^con_/), name: 'Pat Doe' } }]);
  });
});
