import { STREAM_PROJECTIONS, type ViewTable, viewKeys } from '@app/views';
import { expect } from 'vitest';
import { countBy, expectContiguous, type StoredEvent } from './tables.ts';

// The students' side of the fault tests over HTTP: the commands they send (each with an
// idempotency key, each recording one event), what the API acknowledged, and the checks that
// the store and the views hold exactly what was acknowledged.

/** A command the API acknowledged: its key, its student, and the stream it wrote. */
export interface Ack {
  readonly key: string;
  readonly student: string;
  readonly mutation: Mutation;
  readonly streamId: string;
}

const PAYLOAD = {
  addContact: '{ contact { id } }',
  planInterview: '{ interview { id version } }',
  addQuestion: '{ interview { id version } }',
  addResearchNote: '{ interview { id version } }',
  recordOutreach: '{ interview { id version } }',
} as const;
export type Mutation = keyof typeof PAYLOAD;

export const mutationText = (name: Mutation): string =>
  `mutation ($input: ${name[0]?.toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) ${PAYLOAD[name]} }`;

/** The stream an answer names: the contact or the interview. */
// biome-ignore lint/suspicious/noExplicitAny: a GraphQL answer's data is whatever the mutation asked for
export const streamOfAnswer = (data: any, mutation: Mutation): string =>
  (data[mutation].interview ?? data[mutation].contact).id;

export const QUESTIONS = [
  ['How did you get started in this field?', 'HOW_THEY_STARTED'],
  ['What career paths do people in your role usually follow?', 'CAREER_PATHS'],
  ['How do you keep a healthy work-life balance?', 'LIFESTYLE'],
  ['Which skills matter most for someone starting out?', 'QUALIFICATIONS'],
] as const;

/**
 * Every acknowledged command is in the store exactly once, in the stream it answered with, and
 * no other event carries a key of the load (`prefix`): each command records one event.
 */
export const expectAcknowledgedOnce = (events: readonly StoredEvent[], acks: readonly Ack[], prefix: string): void => {
  expectContiguous(events);
  const loaded = events.filter((e) => e.idempotencyKey?.startsWith(prefix));
  expect([...countBy(loaded, (e) => e.idempotencyKey)].filter(([, n]) => n !== 1)).toEqual([]);
  const streamOf = new Map(loaded.map((e) => [e.idempotencyKey, e.streamId]));
  expect(acks.map((a) => [a.key, streamOf.get(a.key)])).toEqual(acks.map((a) => [a.key, a.streamId]));
  expect(loaded).toHaveLength(acks.length);
};

/** The projected streams whose checkpoint is not at their last version yet. */
export const lagging = async (views: ViewTable, events: readonly StoredEvent[]): Promise<string[]> => {
  const behind: string[] = [];
  for (const [pk, version] of expectContiguous(events)) {
    const [tenantId, type] = pk.split('#') as [string, string];
    if (!(type in STREAM_PROJECTIONS)) continue;
    const checkpoint = await views.get(viewKeys.checkpoint({ tenantId, generation: 1 }, pk), true);
    if (checkpoint?.v !== version) behind.push(`${pk} at ${String(checkpoint?.v)} of ${version}`);
  }
  return behind;
};

/**
 * The views agree with the store: every checkpoint at its stream's last version, and each
 * student's interviews (version, questions) and counts (contacts, interviews, outreach) as the
 * acknowledged commands' streams have them.
 */
export const expectViewsAgree = async (
  views: ViewTable,
  events: readonly StoredEvent[],
  acks: readonly Ack[],
  students: readonly { readonly tenantId: string; readonly id: string }[],
): Promise<void> => {
  expect(await lagging(views, events)).toEqual([]);
  const last = expectContiguous(events);
  const ofType = (streamId: string, type: string) =>
    events.filter((e) => e.streamId === streamId && e.type === type).length;
  for (const { tenantId, id } of students) {
    const scope = { tenantId, generation: 1 };
    const interviews = acks.filter((a) => a.student === id && a.mutation === 'planInterview');
    const rows = await views.query(viewKeys.studentInterviews(scope, id));
    expect(rows.map((r) => [r.interviewId, r.version, r.questionsPrepared]).sort()).toEqual(
      interviews
        .map((i) => [i.streamId, last.get(`${tenantId}#Interview#${i.streamId}`), ofType(i.streamId, 'QuestionAdded')])
        .sort(),
    );
    const contacts = acks.filter((a) => a.student === id && a.mutation === 'addContact');
    const progress = await views.get(viewKeys.studentProgress(scope, id));
    // a counter never written reads as 0
    expect([progress?.contacts ?? 0, progress?.interviews ?? 0, progress?.outreachSent ?? 0]).toEqual([
      contacts.length,
      interviews.length,
      interviews.reduce((n, i) => n + ofType(i.streamId, 'OutreachSent'), 0),
    ]);
  }
};
