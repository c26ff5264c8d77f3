import { streamRef } from '@app/event-store';
import { testDb } from '@app/testing';
import { ViewReader, viewKeys } from '@app/views';
import { runScenario, World } from '@app/views/fixtures';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from './stack.ts';

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe('the local stack', () => {
  it('projects what is appended, through the stream, as Lambda would', async () => {
    const db = testDb();
    // the scenario fires its deadlines on its own timeline
    stack = await startLocalStack({ ...db, pollIntervalMs: 20, deadlines: false });
    const w = new World(db, { policy: { timeZone: 'Europe/London' } });
    const { cohortA, students } = await runScenario(w);
    await stack.drain();

    const reader = new ViewReader(w.views);
    const scope = await reader.scope(w.tenantId);
    const ada = await reader.studentProgress(scope, students[0] as string, w.now);
    expect(ada).toMatchObject({ contacts: 2, outreachSent: 1, meetingsHeld: 1, thankYousSent: 1, thankYousOnTime: 1 });
    const analytics = await reader.cohortAnalytics(scope, cohortA, {
      from: '2026-09-01',
      to: '2026-09-30',
      now: w.now,
    });
    expect(analytics).toMatchObject({ studentsEnrolled: 2, meetingsHeld: 2, referralsReceived: 1 });
  });

  it('keeps up: one more event is in the views soon after it is appended', async () => {
    const db = testDb();
    stack = await startLocalStack({ endpoint: db.endpoint, client: db.client, tables: db.tables, pollIntervalMs: 20 });
    expect(stack.healthy()).toBe(true);
    const w = new World(db);
    await w.provision();
    const student = await w.member(['STUDENT']);
    await w.contact(student);
    const reader = new ViewReader(w.views);
    const scope = await reader.scope(w.tenantId);
    await expect
      .poll(async () => (await reader.studentProgress(scope, student, w.now)).contacts, {
        timeout: 5_000,
        interval: 20,
      })
      .toBe(1);
    await stack.stop();
    expect(stack.healthy()).toBe(false);
    stack = undefined;
  });
});

describe('deadlines in the local stack', () => {
  it('a meeting logged as held two days ago is overdue for its thank-you within seconds', async () => {
    const db = testDb();
    stack = await startLocalStack({ endpoint: db.endpoint, client: db.client, tables: db.tables, pollIntervalMs: 20 });
    const w = new World(db, { start: new Date().toISOString() });
    await w.provision();
    const student = await w.member(['STUDENT']);
    const interview = await w.plan(student, await w.contact(student));
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
    await w.interview(student, interview, { type: 'RecordOutreach', channel: 'EMAIL', sentAt: daysAgo(9) });
    await w.interview(student, interview, { type: 'RecordReply', receivedAt: daysAgo(8), outcome: 'ACCEPTED' });
    await w.interview(student, interview, {
      type: 'ScheduleMeeting',
      startsAt: daysAgo(2),
      durationMinutes: 20,
      format: 'VIDEO',
    });
    await w.interview(student, interview, { type: 'RecordMeetingHeld', heldAt: daysAgo(2), durationMinutes: 20 });
    const types = async () =>
      (await w.store.readStream(streamRef(w.tenantId, 'Interview', interview))).map((e) => e.type);
    await expect.poll(types, { timeout: 5_000, interval: 50 }).toContain('ThankYouOverdue');
    // and the student's nudge list shows it, through the projector
    const reader = new ViewReader(w.views);
    const nudges = async () =>
      (await w.views.query(viewKeys.studentNudges(await reader.scope(w.tenantId), student))).map((n) => n.outcome);
    await expect.poll(nudges, { timeout: 5_000, interval: 50 }).toEqual(['ThankYouOverdue']);
    // the university's other systems hear of it on the bus, with ids only
    const published = () => stack?.bus.published.map((e) => e.detailType) ?? [];
    await expect.poll(published, { timeout: 5_000, interval: 50 }).toContain('Interview.ThankYouOverdue.v1');
    expect(stack.healthy()).toBe(true);
  });
});
