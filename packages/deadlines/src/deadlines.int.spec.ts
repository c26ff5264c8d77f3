import { type Policy, PRESETS } from '@app/domain';
import { CommandHandler, type RecordedEvent, streamRef } from '@app/event-store';
import type { EventRecord } from '@app/streams';
import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import { describe, expect, it } from 'vitest';
import { createDeadlineConsumer } from './consumer.ts';
import { createDeadlineHandler } from './handler.ts';
import { LocalDeadlinePoller, LocalScheduler } from './localScheduler.ts';

// Time acting on the streams, on a clock the test moves: the consumer arms what events arm,
// the local scheduler holds it, the poller fires it through the handler, and the outcome comes
// back through the consumer like any event.

const HOUR = 3_600_000;

/** A world with the whole deadline loop around it, and a way to let time pass. */
const deadlineWorld = async (options: { start: string; policy?: Partial<Policy> }) => {
  const w = new World(testDb(), options);
  await w.provision();
  const now = () => new Date(w.now);
  const policyOf = async () => w.policy;
  const scheduler = new LocalScheduler(w.db.client, w.db.tables.views);
  const fire = createDeadlineHandler({
    store: w.store,
    handler: new CommandHandler(w.store, { now: () => Date.parse(w.now) }),
    now,
    policyOf,
  });
  const consumer = createDeadlineConsumer({ store: w.store, scheduler, fire, policyOf, now });
  const poller = new LocalDeadlinePoller({ scheduler, fire, now });
  const delivered = new Set<string>();
  /** Delivers what the stream has not delivered yet to the consumer, as the runtime would. */
  const deliver = async () => {
    const key = (r: EventRecord) => `${r.item.pk?.S}/${r.item.sk?.N}`;
    const fresh = (await w.records()).filter((r) => !delivered.has(key(r)));
    for (const r of fresh) delivered.add(key(r));
    expect((await consumer.consume(fresh)).failed).toEqual([]);
  };
  /** Lets `hours` pass: the stream delivered, the poller run, its outcomes delivered too. */
  const pass = async (hours: number) => {
    await deliver();
    w.later(hours);
    const fired = await poller.pollOnce();
    await deliver();
    return fired;
  };
  const events = async (interviewId: string) =>
    (await w.store.readStream(streamRef(w.tenantId, 'Interview', interviewId))) as RecordedEvent[];
  const types = async (interviewId: string) => (await events(interviewId)).map((e) => e.type);
  const student = await w.member(['STUDENT']);
  const interview = async () => w.plan(student, await w.contact(student, { company: 'Acme' }));
  return { w, scheduler, fire, poller, deliver, pass, types, events, student, interview };
};

describe('deadlines on a controlled clock', () => {
  it('a week after the outreach the follow-up falls due; a week after that the outreach is abandoned', async () => {
    const t = await deadlineWorld({ start: '2026-09-01T09:00:00.000Z' });
    const id = await t.interview();
    await t.w.interview(t.student, id, { type: 'RecordOutreach', channel: 'EMAIL', sentAt: t.w.now });
    await t.deliver();
    expect(await t.scheduler.due(new Date('2026-09-08T08:59:00.000Z'))).toEqual([]);
    expect((await t.scheduler.due(new Date('2026-09-08T09:00:00.000Z'))).map((d) => d.kind)).toEqual(['FOLLOW_UP_DUE']);

    expect(await t.pass(6 * 24)).toBe(0);
    expect(await t.types(id)).not.toContain('FollowUpDue');
    expect(await t.pass(24)).toBe(1);
    expect((await t.types(id)).at(-1)).toBe('FollowUpDue');
    // the follow-up was not sent: a week later, leave them alone
    expect(await t.pass(6 * 24)).toBe(0);
    expect(await t.pass(24)).toBe(1);
    expect((await t.types(id)).at(-1)).toBe('OutreachAbandoned');
    const outcome = (await t.events(id)).at(-1);
    expect(outcome?.meta.actor).toEqual({ userId: 'system:deadlines', role: 'SYSTEM' });
  });

  it('a thank-you within 24 hours leaves no ThankYouOverdue; none by then leaves one', async () => {
    const t = await deadlineWorld({ start: '2026-09-01T09:00:00.000Z' });
    const meet = async () => {
      const id = await t.interview();
      await t.w.interview(t.student, id, { type: 'RecordOutreach', channel: 'EMAIL', sentAt: t.w.now });
      await t.w.interview(t.student, id, { type: 'RecordReply', receivedAt: t.w.now, outcome: 'ACCEPTED' });
      await t.w.interview(t.student, id, {
        type: 'ScheduleMeeting',
        startsAt: t.w.now,
        durationMinutes: 20,
        format: 'VIDEO',
      });
      await t.w.interview(t.student, id, { type: 'RecordMeetingHeld', heldAt: t.w.now, durationMinutes: 20 });
      return id;
    };
    const thanked = await meet();
    const forgot = await meet();
    await t.pass(20);
    await t.w.interview(t.student, thanked, { type: 'RecordThankYou', sentAt: t.w.now, channel: 'EMAIL' });
    await t.pass(5); // 25 hours after the meeting
    expect(await t.types(thanked)).not.toContain('ThankYouOverdue');
    expect(await t.types(forgot)).toContain('ThankYouOverdue');
  });

  it('counts the 3B7 preset in business days, across a weekend and a holiday', async () => {
    // Thursday 10:00 in New York; Monday 7 September is Labor Day
    const t = await deadlineWorld({
      start: '2026-09-03T14:00:00.000Z',
      policy: { ...PRESETS.TWO_HOUR_JOB_SEARCH, timeZone: 'America/New_York', holidays: ['2026-09-07'] },
    });
    const id = await t.interview();
    await t.w.interview(t.student, id, { type: 'RecordOutreach', channel: 'EMAIL', sentAt: t.w.now });
    await t.deliver();
    const armed = await t.scheduler.due(new Date('2026-12-31T00:00:00.000Z'));
    const dueOf = (kind: string) => armed.find((d) => d.kind === kind)?.dueAt;
    // 3 business days: Friday, (weekend, holiday,) Tuesday, Wednesday
    expect(dueOf('SECOND_CONTACT_DUE')).toBe('2026-09-09T14:00:00.000Z');
    // 7 business days: Fri 4, Tue 8, Wed 9, Thu 10, Fri 11, Mon 14, Tue 15
    expect(dueOf('FOLLOW_UP_DUE')).toBe('2026-09-15T14:00:00.000Z');
    expect(await t.pass(5 * 24 + 23)).toBe(0); // Wednesday 9th, 13:00 in New York
    expect(await t.pass(1)).toBe(1);
    expect((await t.types(id)).at(-1)).toBe('SecondContactDue');
  });

  it('appends once however often a deadline fires, and nothing for one disarmed', async () => {
    const t = await deadlineWorld({ start: '2026-09-01T09:00:00.000Z' });
    const id = await t.interview();
    await t.w.interview(t.student, id, { type: 'RecordOutreach', channel: 'EMAIL', sentAt: t.w.now });
    await t.deliver();
    const [due] = await t.scheduler.due(new Date('2026-09-09T00:00:00.000Z'));
    if (!due) throw new Error('the follow-up was not armed');
    t.w.later(7 * 24 + 1);
    const fired = await Promise.all(Array.from({ length: 5 }, () => t.fire(due)));
    expect(fired.flatMap((f) => f.appended)).toEqual(['FollowUpDue']);
    expect((await t.types(id)).filter((x) => x === 'FollowUpDue')).toHaveLength(1);

    // a reply disarms what the follow-up armed: firing it anyway appends nothing
    const second = await t.interview();
    await t.w.interview(t.student, second, { type: 'RecordOutreach', channel: 'EMAIL', sentAt: t.w.now });
    await t.deliver();
    const [armed] = (await t.scheduler.due(new Date('2027-01-01T00:00:00.000Z'))).filter((d) => d.streamId === second);
    if (!armed) throw new Error('the second follow-up was not armed');
    await t.w.interview(t.student, second, { type: 'RecordReply', receivedAt: t.w.now, outcome: 'DECLINED' });
    await t.deliver();
    expect((await t.scheduler.due(new Date('2027-01-01T00:00:00.000Z'))).filter((d) => d.streamId === second)).toEqual(
      [],
    );
    t.w.later(8 * 24);
    const before = (await t.types(second)).length;
    expect((await t.fire(armed)).appended).toEqual([]);
    expect(await t.types(second)).toHaveLength(before);
  });

  it('handles a deadline already due when it is armed at once, not through a schedule', async () => {
    const t = await deadlineWorld({ start: '2026-09-10T09:00:00.000Z' });
    const id = await t.interview();
    // logged late: the outreach went out ten days ago
    await t.w.interview(t.student, id, {
      type: 'RecordOutreach',
      channel: 'EMAIL',
      sentAt: new Date(Date.parse(t.w.now) - 10 * 24 * HOUR).toISOString(),
    });
    await t.deliver();
    expect(await t.types(id)).toContain('FollowUpDue');
    expect((await t.scheduler.due(new Date('2026-09-10T09:00:00.000Z'))).map((d) => d.kind)).not.toContain(
      'FOLLOW_UP_DUE',
    );
  });

  it('fails the records of an interview whose schedule could not be armed, so they come again', async () => {
    const w = new World(testDb(), { start: '2026-09-01T09:00:00.000Z' });
    await w.provision();
    const student = await w.member(['STUDENT']);
    const id = await w.plan(student, await w.contact(student));
    await w.interview(student, id, { type: 'RecordOutreach', channel: 'EMAIL', sentAt: w.now });
    const errors: string[] = [];
    const consumer = createDeadlineConsumer({
      store: w.store,
      scheduler: {
        arm: async () => Promise.reject(new Error('ThrottlingException')),
        disarm: async () => undefined,
      },
      fire: async () => undefined,
      policyOf: async () => w.policy,
      now: () => new Date(w.now),
      onError: (stream, error) => errors.push(`${stream.id}: ${String(error)}`),
    });
    const records = await w.records();
    const interviewRecords = records.filter((r) => r.item.pk?.S?.includes('#Interview#')).map((r) => r.sequenceNumber);
    expect([...(await consumer.consume(records)).failed].sort()).toEqual(interviewRecords.sort());
    expect(errors).toEqual([`${id}: Error: ThrottlingException`]);
  });
});
