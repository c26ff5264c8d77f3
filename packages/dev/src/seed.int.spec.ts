import type { Application, Caller } from '@app/api';
import { worldApplication } from '@app/api/testing';
import type { EventRecord } from '@app/streams';
import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import { type AttributeValue, ScanCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DemoSeed, seedDemo } from './seed.ts';

// The demo seed on DynamoDB Local, through the real application functions, with the views
// projected from what it wrote: what a coach sees on `pnpm dev`'s first start, and on a restart.

const NOW = new Date('2026-03-18T16:30:00.000Z');
const DAY = 86_400_000;

let w: World;
let app: Application;
let seed: DemoSeed;
let seconds: number;
let coach: Caller;

/** The seed's clock: the World's, which its store and the application read. */
const clock = {
  set: (instant: Date) => {
    w.now = instant.toISOString();
  },
};

/** Every event item of the tenant, as stream records in recorded order (what the projector consumes). */
const records = async (tenantId: string): Promise<EventRecord[]> => {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await w.db.client.send(
      new ScanCommand({ TableName: w.db.tables.events, ...(start && { ExclusiveStartKey: start }) }),
    );
    items.push(...(page.Items ?? []).filter((i) => i.kind?.S === 'event' && i.pk?.S?.startsWith(`${tenantId}#`)));
    start = page.LastEvaluatedKey;
  } while (start);
  items.sort((a, b) => (a.gsi1sk?.S ?? '').localeCompare(b.gsi1sk?.S ?? ''));
  return items.map((item, i) => ({ sequenceNumber: String(i + 1).padStart(21, '0'), item }));
};

beforeAll(async () => {
  w = new World(testDb());
  app = worldApplication(w);
  const started = performance.now();
  seed = await seedDemo(app, clock, { now: NOW });
  seconds = (performance.now() - started) / 1000;
  console.log(`seeded ${seed.commands} commands (${seed.skipped} refused and skipped) in ${seconds.toFixed(1)} s`);
  coach = { userId: seed.coachId, roles: ['COACH'], tenantId: seed.tenantId };
  expect((await w.projector().consume(await records(seed.tenantId))).failed).toEqual([]);
}, 180_000);

describe('the demo university', () => {
  it('is one university with one cohort: its coach and 20 students enrolled, a few hundred commands in all', async () => {
    const admin: Caller = { userId: seed.adminId, roles: ['TENANT_ADMIN'], tenantId: seed.tenantId };
    expect(await app.tenants.list()).toEqual([seed.tenantId]);
    expect(await app.insight.cohortIds(admin)).toEqual([seed.cohortId]);
    expect(await app.insight.cohort(coach, seed.cohortId)).toMatchObject({ coaches: [seed.coachId], students: 20 });
    expect(new Set(seed.studentIds).size).toBe(20);
    expect((await app.insight.enrolledStudentIds(admin, seed.cohortId)).sort()).toEqual([...seed.studentIds].sort());
    expect(await app.people.member(admin, seed.studentIds[0] as string)).toMatchObject({
      name: 'Aisha Khan',
      email: 'aisha.khan@demo.example',
      roles: ['STUDENT'],
    });
    expect((await app.people.member(admin, seed.coachId))?.roles).toEqual(['COACH']);
    expect(seed.created).toBe(true);
    expect(seed.commands).toBeGreaterThan(200);
    expect(seed.commands + seed.skipped).toBeLessThan(500);
    // a follow-up past the policy's limit is refused, skipped, and the seed goes on
    expect(seed.skipped).toBeGreaterThan(0);
    expect(seed.skipped).toBeLessThan(seed.commands / 10);
  });

  it('gives every student interviews, in many statuses, over months up to now and not after', async () => {
    const statuses = new Map<string, number>();
    for (const student of seed.studentIds) {
      const ids = await app.lists.studentInterviewIds(coach, student);
      expect(ids.length, `interviews of ${student}`).toBeGreaterThan(0);
      for (const id of ids) {
        const status = (await app.interviews.get(coach, id))?.status ?? 'MISSING';
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }
    console.log('interviews by status', Object.fromEntries(statuses));
    expect(statuses.has('MISSING')).toBe(false);
    expect(statuses.size).toBeGreaterThanOrEqual(5);
    expect([...statuses.keys()]).toEqual(expect.arrayContaining(['AWAITING_REPLY', 'SCHEDULED', 'CLOSED']));
    expect(['HELD', 'FOLLOWING_UP'].some((after) => statuses.has(after))).toBe(true);

    const log = w.store.readTenantLog(seed.tenantId, {
      from: new Date(NOW.getTime() - 200 * DAY).toISOString(),
      to: new Date(NOW.getTime() + DAY).toISOString(),
    });
    const times: string[] = [];
    for await (const event of log) times.push(event.occurredAt);
    expect(times.length).toBe((await records(seed.tenantId)).length);
    expect(new Set(times.map((t) => t.slice(0, 7))).size).toBeGreaterThanOrEqual(3);
    expect(times.filter((t) => t > NOW.toISOString())).toEqual([]);
  });

  it("shows the coach's dashboard activity and students at risk, but not the whole cohort", async () => {
    const from = new Date(NOW.getTime() - 130 * DAY).toISOString().slice(0, 10);
    const analytics = await app.insight.analytics(coach, seed.cohortId, { from, to: NOW.toISOString().slice(0, 10) });
    expect(analytics).toMatchObject({ studentsEnrolled: 20, activeStudents: 20 });
    expect(analytics.outreachSent).toBeGreaterThan(20);
    expect(analytics.meetingsHeld).toBeGreaterThan(5);
    expect(analytics.thankYousSent).toBeGreaterThan(0);
    const atRisk = await analytics.atRiskStudents();
    console.log(
      'at risk',
      atRisk.map((s) => `${seed.studentIds.indexOf(s.studentId)}: ${s.reasons.join(', ')}`),
    );
    expect(atRisk.length).toBeGreaterThan(0);
    expect(atRisk.length).toBeLessThan(10);
    const reasonsOf = (i: number) => atRisk.find((s) => s.studentId === seed.studentIds[i])?.reasons ?? [];
    // the two who stopped weeks ago (Daniel Kim, Maya Cohen), the two nobody answers (Farid Haddad,
    // Noah Fischer), the one who never thanks (Jamal Wright)
    for (const stalled of [3, 12]) expect(reasonsOf(stalled)).toContain('NO_ACTIVITY_14D');
    for (const ignored of [5, 13]) expect(reasonsOf(ignored)).toContain('NO_REPLY_AFTER_5');
    expect(reasonsOf(9)).toContain('THANK_YOU_OVERDUE');
  });

  it('is found again on a restart weeks later: the same university, and nothing written', async () => {
    const before = (await records(seed.tenantId)).length;
    const again = await seedDemo(app, clock, { now: new Date(NOW.getTime() + 40 * DAY) });
    expect(again).toEqual({ ...seed, commands: 0, skipped: 0, created: false });
    expect((await records(seed.tenantId)).length).toBe(before);
    expect(await app.tenants.list()).toEqual([seed.tenantId]);
  });
});
