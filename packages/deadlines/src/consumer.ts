import type { TenantId } from '@app/core';
import { type Deadline, type InterviewState, interviewDeadlines, interviewDecider, type Policy } from '@app/domain';
import { type EventStore, type RecordedEvent, type StreamRef, streamOf } from '@app/event-store';
import type { EventRecord, StreamConsumer } from '@app/streams';
import type { DeadlineRef, Scheduler } from './port.ts';

// The deadline consumer (DESIGN.md §5), on the table's stream beside the publisher: for each
// interview a batch touches, it compares the deadlines armed before the batch's events with
// those armed after them — both folded from the stream itself, so there is no second record of
// what is scheduled to drift — and arms the new, disarms the stale. Arming is idempotent by
// name and disarming what fired already is no error, so a redelivered batch changes nothing.
// A deadline already due, or due within a minute (an interview logged late), is handled at once
// rather than scheduled: Scheduler is precise to about a minute, and a past `at()` never fires.

/** Within this of now, a deadline is handled at once. */
export const DUE_NOW_MS = 60_000;

export interface DeadlineConsumerDeps {
  readonly store: EventStore;
  readonly scheduler: Scheduler;
  /** The deadline handler, called directly for deadlines due now. */
  readonly fire: (deadline: DeadlineRef) => Promise<unknown>;
  readonly policyOf: (tenantId: TenantId) => Promise<Policy>;
  readonly now?: () => Date;
  /** Told of an interview whose deadlines could not be brought in line (its records are redelivered). */
  readonly onError?: (stream: StreamRef, error: unknown) => void;
}

const logError = (stream: StreamRef, error: unknown) =>
  console.error(
    JSON.stringify({
      level: 'ERROR',
      message: 'deadlines not reconciled; the records will be delivered again',
      tenantId: stream.scope,
      streamId: stream.id,
      error: String(error),
    }),
  );

const fold = (events: readonly RecordedEvent[]): InterviewState =>
  events.reduce((s, e) => interviewDecider.evolve(s, e as never), interviewDecider.initialState as InterviewState);

/** The version a deadline was armed at (its id is `KIND-version`). */
const armedAt = (d: Deadline): number => Number(d.deadlineId.slice(d.deadlineId.lastIndexOf('-') + 1));

export const createDeadlineConsumer = (deps: DeadlineConsumerDeps): StreamConsumer => {
  const now = deps.now ?? (() => new Date());

  /** Brings one interview's schedules in line with its deadlines after version `to`. */
  const reconcile = async (stream: StreamRef, from: number, to: number) => {
    const events = await deps.store.readStream(stream, { toVersion: to });
    const before = new Map(
      interviewDeadlines(fold(events.filter((e) => e.version < from))).map((d) => [d.deadlineId, d]),
    );
    const after = interviewDeadlines(fold(events));
    const ref = (d: Deadline): DeadlineRef => ({
      tenantId: stream.scope,
      streamId: stream.id,
      deadlineId: d.deadlineId,
      kind: d.kind,
    });
    const stale = [...before.values()].filter((d) => !after.some((a) => a.deadlineId === d.deadlineId));
    const armed = after.filter((d) => !before.has(d.deadlineId));
    await Promise.all(stale.map((d) => deps.scheduler.disarm(ref(d))));
    if (armed.length === 0) return;
    const { timeZone } = await deps.policyOf(stream.scope as TenantId);
    const soon = now().getTime() + DUE_NOW_MS;
    for (const d of armed) {
      if (Date.parse(d.dueAt) <= soon) await deps.fire(ref(d));
      else await deps.scheduler.arm({ ...ref(d), dueAt: d.dueAt, armedAtVersion: armedAt(d), timeZone });
    }
  };

  return {
    name: 'deadlines',
    async consume(records: readonly EventRecord[]) {
      // each interview once: from its first version in the batch to its last
      const touched = new Map<string, { stream: StreamRef; from: number; to: number; records: string[] }>();
      for (const record of records) {
        const pk = record.item.pk?.S ?? '';
        if (pk.split('#')[1] !== 'Interview') continue;
        const version = Number(record.item.sk?.N);
        const seen = touched.get(pk);
        if (seen) {
          seen.from = Math.min(seen.from, version);
          seen.to = Math.max(seen.to, version);
          seen.records.push(record.sequenceNumber);
        } else {
          touched.set(pk, { stream: streamOf(pk), from: version, to: version, records: [record.sequenceNumber] });
        }
      }
      const failed: string[] = [];
      await Promise.all(
        [...touched.values()].map(async (t) => {
          try {
            await reconcile(t.stream, t.from, t.to);
          } catch (error) {
            (deps.onError ?? logError)(t.stream, error);
            failed.push(...t.records);
          }
        }),
      );
      return { failed };
    },
  };
};
