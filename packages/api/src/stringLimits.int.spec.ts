import { MAX_CHARS } from '@app/domain';
import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import { type GraphQLInputType, getNamedType, isInputObjectType, isObjectType } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { schema } from './schema/index.ts';
import { testApi } from './testApi.ts';

let w: World;
let ada: string;
let interviewId: string;
let gql: Awaited<ReturnType<typeof testApi>>['gql'];

const version = async () =>
  (await gql(ada, ['STUDENT'], 'query ($id: ID!) { interview(id: $id) { version } }', { id: interviewId })).data
    .interview.version as number;

beforeAll(async () => {
  w = new World(testDb(), { start: '2026-09-01T09:00:00.000Z' });
  await w.provision();
  ada = await w.member(['STUDENT']);
  ({ gql } = await testApi(w));
  const contact = await gql(
    ada,
    ['STUDENT'],
    'mutation { addContact(input: { name: "Pat", source: ALUMNI }) { contact { id } } }',
  );
  const planned = await gql(
    ada,
    ['STUDENT'],
    'mutation ($c: ID!) { planInterview(input: { contactId: $c, goals: ["learn"] }) { interview { id } } }',
    { c: contact.data.addContact.contact.id },
  );
  interviewId = planned.data.planInterview.interview.id;
});

describe('string maxima', () => {
  it('are stated on every string and id input of the schema', () => {
    const missing: string[] = [];
    const stated = (where: string, type: GraphQLInputType, description?: string | null) => {
      const scalar = getNamedType(type).name;
      if ((scalar === 'String' || scalar === 'ID') && !/At most [\d,]+ characters\./.test(description ?? '')) {
        missing.push(where);
      }
    };
    let checked = 0;
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (isInputObjectType(type)) {
        for (const f of Object.values(type.getFields())) {
          stated(`${type.name}.${f.name}`, f.type, f.description);
          checked += 1;
        }
      }
      if (isObjectType(type)) {
        for (const f of Object.values(type.getFields())) {
          for (const a of f.args) {
            stated(`${type.name}.${f.name}(${a.name})`, a.type, a.description);
            checked += 1;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });

  it('refuse a note longer than its maximum, naming the field, and write nothing', async () => {
    const before = await version();
    const long = await gql(
      ada,
      ['STUDENT'],
      'mutation ($input: RecordNotesInput!) { recordNotes(input: $input) { interview { version } } }',
      { input: { interviewId, notes: 'n'.repeat(MAX_CHARS.notes + 1) } },
    );
    expect(long.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'notes' });
    expect(long.errors?.[0]?.message).toBe(
      `input.notes: at most ${MAX_CHARS.notes} characters, got ${MAX_CHARS.notes + 1}`,
    );
    const ids = await gql(ada, ['STUDENT'], 'query ($id: ID!) { interview(id: $id) { id } }', {
      id: 'x'.repeat(5_000),
    });
    expect(ids.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(await version()).toBe(before);
  });

  it("accept exactly the domain's maximum, so the API never refuses what a decider takes", async () => {
    const before = await version();
    const ADD = 'mutation ($input: AddResearchNoteInput!) { addResearchNote(input: $input) { interview { version } } }';
    const atMost = await gql(ada, ['STUDENT'], ADD, {
      input: { interviewId, text: 'r'.repeat(MAX_CHARS.researchNote) },
    });
    expect(atMost.errors).toBeUndefined();
    expect(atMost.data.addResearchNote.interview.version).toBe(before + 1);
    const over = await gql(ada, ['STUDENT'], ADD, {
      input: { interviewId, text: 'r'.repeat(MAX_CHARS.researchNote + 1) },
    });
    expect(over.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'text' });
    const question = await gql(
      ada,
      ['STUDENT'],
      'mutation ($input: AddQuestionInput!) { addQuestion(input: $input) { interview { version } } }',
      { input: { interviewId, text: 'q'.repeat(MAX_CHARS.question + 1), topic: 'CAREER_PATHS' } },
    );
    expect(question.errors?.[0]?.message).toMatch(`at most ${MAX_CHARS.question} characters`);
    expect(await version()).toBe(before + 1);
  });
});
