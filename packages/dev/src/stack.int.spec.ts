import { testDb } from '@app/testing';
import { ViewReader } from '@app/views';
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
    stack = await startLocalStack({ endpoint: db.endpoint, client: db.client, tables: db.tables, pollIntervalMs: 20 });
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
