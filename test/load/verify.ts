import { isDeepStrictEqual } from 'node:util';
import type { TenantId } from '@app/core';
import type { TableNames } from '@app/tables';
import { rebuildViews, servingOf, type ViewScope, ViewTable, viewKeys, viewsStore } from '@app/views';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tenantViews } from '../faults/tables.ts';
import type { University, Write } from './workload.ts';

// The check after `pnpm load`: every acknowledged write is in the event store exactly once, and
// the views agree with the store — each interview's version and question count, each student's
// contact count, and every touched stream's projector checkpoint at its last version (a skipped
// event would leave it behind; one applied twice would inflate the counts) — and then every
// view item of each university equals what a rebuild from the events makes.
// A write whose answer never came may have happened or not: it is allowed once, never twice.

type Kind = Write['kind'];
const EVENT_OF: Record<Exclude<Kind, 'contact'>, string> = {
  question: 'QuestionAdded',
  researchNote: 'ResearchNoteAdded',
};

const tally = (writes: readonly Write[]) => {
  const n = new Map<string, number>();
  for (const w of writes) {
    const key = `${w.kind}|${w.kind === 'contact' ? w.student.id : w.streamId}`;
    n.set(key, (n.get(key) ?? 0) + 1);
  }
  return (kind: Kind, id: string) => n.get(`${kind}|${id}`) ?? 0;
};

export const verify = async (
  client: DynamoDBClient,
  tables: TableNames,
  universities: readonly University[],
  acknowledged: readonly Write[],
  unanswered: readonly Write[],
  seededContacts: number,
) => {
  const store = viewsStore({ client, eventsTable: tables.events, viewsTable: tables.views });
  const views = new ViewTable(client, tables.views);
  const acked = tally(acknowledged);
  const maybe = tally(unanswered);
  const problems: string[] = [];
  let lost = 0;
  let doubled = 0;
  let streams = 0;
  let events = 0;
  /** A stored count against what was acknowledged (and what may have landed unanswered). */
  const compare = (what: string, stored: number, ack: number, unknown: number) => {
    if (stored < ack) {
      lost += ack - stored;
      problems.push(`${what}: ${ack} acknowledged, ${stored} stored`);
    }
    if (stored > ack + unknown) {
      doubled += stored - ack - unknown;
      problems.push(`${what}: ${ack} acknowledged (+${unknown} unanswered), ${stored} stored`);
    }
  };
  /** The stream's events, its checkpoint in the views at its last version. */
  const loadChecked = async (scope: ViewScope, type: 'Interview' | 'Contact', id: string) => {
    const loaded = await store.load({ scope: scope.tenantId as never, type: type as never, id: id as never });
    streams++;
    events += loaded.events.length;
    const last = loaded.position.version;
    const checkpoint = await views.get(viewKeys.checkpoint(scope, `${scope.tenantId}#${type}#${id}`), true);
    if (checkpoint?.v !== last)
      problems.push(`${type} ${id}: stored to version ${last}, projected to ${checkpoint?.v}`);
    return loaded;
  };

  for (const university of universities) {
    const scope: ViewScope = {
      tenantId: university.tenantId,
      generation: servingOf(await views.get(viewKeys.generations(university.tenantId), true)),
    };
    for (const student of university.students) {
      for (const interviewId of student.interviews) {
        const loaded = await loadChecked(scope, 'Interview', interviewId);
        const count = (type: string) => loaded.events.filter((e) => e.type === type).length;
        for (const kind of ['question', 'researchNote'] as const) {
          compare(
            `${kind}s on ${interviewId}`,
            count(EVENT_OF[kind]),
            acked(kind, interviewId),
            maybe(kind, interviewId),
          );
        }
        const row = await views.get(viewKeys.studentInterview(scope, student.id, interviewId), true);
        if (row?.version !== loaded.position.version || row?.questionsPrepared !== count('QuestionAdded')) {
          problems.push(
            `interview ${interviewId}: store at version ${loaded.position.version} with ${count('QuestionAdded')} questions, view at ${row?.version} with ${row?.questionsPrepared}`,
          );
        }
      }
      const created = acknowledged.filter((w) => w.kind === 'contact' && w.student === student);
      for (const w of created) {
        const loaded = await loadChecked(scope, 'Contact', w.streamId as string);
        if (loaded.events[0]?.type !== 'ContactAdded') {
          lost++;
          problems.push(`contact ${w.streamId}: acknowledged, not stored`);
        }
      }
      const progress = await views.get(viewKeys.studentProgress(scope, student.id), true);
      compare(
        `contacts of ${student.id} in the views`,
        Number(progress?.contacts ?? 0) - seededContacts,
        acked('contact', student.id),
        maybe('contact', student.id),
      );
    }
  }
  // Last, the views as a whole: each university's, rebuilt from its events into a new
  // generation, item for item the same as those the projector built under the load (a counter
  // applied twice or a change skipped shows here, whichever view it is in).
  let items = 0;
  for (const university of universities) {
    const tenantId = university.tenantId as TenantId;
    const live = await views.get(viewKeys.generations(tenantId), true);
    const served = servingOf(live);
    const { generation } = await rebuildViews({
      store,
      views,
      eventsTable: tables.events,
      tenantId,
      projectorCacheMs: 0,
    });
    const [projected, rebuilt] = await Promise.all([
      tenantViews(client, tables.views, tenantId, served),
      tenantViews(client, tables.views, tenantId, generation),
    ]);
    items += projected.length;
    const key = (item: (typeof projected)[number]) => `${item.pk?.S} ${item.sk?.S}`;
    const differing = rebuilt.filter((item, i) => !isDeepStrictEqual(item, projected[i]));
    if (projected.length !== rebuilt.length || differing.length > 0) {
      const first = differing[0];
      problems.push(
        `views of ${tenantId}: ${projected.length} items projected, ${rebuilt.length} rebuilt, ${differing.length} differ${first ? ` (first: ${key(first)})` : ''}`,
      );
    }
  }
  const byKind = (kind: Kind) => acknowledged.filter((w) => w.kind === kind).length;
  return {
    lost,
    doubled,
    problems,
    summary:
      `${acknowledged.length} acknowledged writes (${byKind('question')} questions, ${byKind('researchNote')} research notes, ` +
      `${byKind('contact')} contacts; ${unanswered.length} unanswered); ${streams} streams, ${events} events read back; ` +
      `lost ${lost}, doubled ${doubled}; views ${problems.length === 0 ? `agree with the store, and all ${items} items equal a rebuild's` : `disagree in ${problems.length} places`}`,
  };
};
