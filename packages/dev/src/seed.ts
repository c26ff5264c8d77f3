import type { Application, Caller, TenantView } from '@app/api';
import { isAppError, parseTenantId, type TenantId } from '@app/core';
import { deriveStreamId } from '@app/event-store';
import { nextStep, seededRandom } from '@app/views/fixtures';

// The demo university `pnpm dev` seeds: an admin, a coach, a cohort of 20 students and three
// months of their networking, written through the application functions the resolvers call (so
// every rule, stamp and guard applies) on a clock the seed moves. Students differ: most keep a
// rhythm, two stall, two are never answered, one never thanks; refused commands are skipped, as
// a student would do something else. Deterministic for a seed and a `now` (ids too: creating
// commands carry keys), and written once: a store that already holds the demo university's cohort
// is returned as it is (so a run interrupted after the cohort was created is not completed).

/** What `pnpm dev` prints a token per role from. */
export interface DemoSeed {
  readonly tenantId: TenantId;
  readonly adminId: string;
  readonly coachId: string;
  /** The 20 students, in roster order. */
  readonly studentIds: readonly string[];
  readonly cohortId: string;
  /** Commands this call had accepted (0 when the demo was already there). */
  readonly commands: number;
  /** Commands the domain refused and the seed skipped. */
  readonly skipped: number;
  /** False when the store already held the demo: nothing was written. */
  readonly created: boolean;
}

/** The clock the seed's `Application` reads; the seed sets it to each moment it acts at. */
export interface SeedClock {
  set(instant: Date): void;
}

/** The platform operator `pnpm dev` provisions as. */
export const DEMO_OPERATOR: Caller = { userId: 'usr_dev_operator', roles: ['PLATFORM_ADMIN'], tenantId: null };

type Interview = Awaited<ReturnType<Application['interviews']['send']>>['interview'];
type Command = NonNullable<ReturnType<typeof nextStep>>;
type Source = Parameters<Application['contacts']['add']>[1]['source'];
interface Running {
  state: Interview;
  /** Whether this professional ever answers. */
  readonly answers: boolean;
}
interface Habit {
  /** Days between sessions, on average (give or take a quarter). */
  readonly every: number;
  /** Interviews under way at once. */
  readonly maxOpen: number;
  readonly answered: boolean;
  readonly thanks: boolean;
  /** Comes back when something falls due (a follow-up, a meeting to log) rather than only on rhythm. */
  readonly keepsUp: boolean;
  /** The day the student stops altogether. */
  readonly quitsOnDay?: number;
}
interface Student {
  readonly caller: Caller;
  readonly habit: Habit;
  readonly random: () => number;
  open: Running[];
  contacts: number;
  /** The day of the next session. */
  next: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const DAYS = 92;
const KEY = 'dev-demo-university';
const COHORT_KEY = 'demo-cohort';
const DOMAIN = 'demo.example';

const HABITS = {
  eager: { every: 7, maxOpen: 2, answered: true, thanks: true, keepsUp: true },
  steady: { every: 9, maxOpen: 1, answered: true, thanks: true, keepsUp: true },
  slow: { every: 14, maxOpen: 1, answered: true, thanks: true, keepsUp: false },
  stalled: { every: 7, maxOpen: 2, answered: true, thanks: true, keepsUp: false, quitsOnDay: 55 },
  ignored: { every: 10, maxOpen: 3, answered: false, thanks: true, keepsUp: true },
  unthankful: { every: 9, maxOpen: 2, answered: true, thanks: false, keepsUp: true },
} satisfies Record<string, Habit>;

const ROSTER: readonly [string, keyof typeof HABITS][] = [
  ['Aisha Khan', 'eager'],
  ['Ben Carter', 'steady'],
  ['Camila Reyes', 'eager'],
  ['Daniel Kim', 'stalled'],
  ['Emma Schmidt', 'steady'],
  ['Farid Haddad', 'ignored'],
  ['Grace Liu', 'steady'],
  ['Hiro Tanaka', 'slow'],
  ['Isabel Santos', 'eager'],
  ['Jamal Wright', 'unthankful'],
  ['Kavya Patel', 'steady'],
  ['Liam Obrien', 'steady'],
  ['Maya Cohen', 'stalled'],
  ['Noah Fischer', 'ignored'],
  ['Olivia Brown', 'steady'],
  ['Priya Nair', 'eager'],
  ['Quinn Murphy', 'slow'],
  ['Rosa Alvarez', 'steady'],
  ['Samuel Okafor', 'steady'],
  ['Tara Singh', 'steady'],
];

const FIRST =
  'Alex Jordan Taylor Morgan Casey Riley Jamie Avery Drew Robin Elena Marcus Sofia Victor Hannah Omar'.split(' ');
const LAST = 'Nguyen Garcia Miller Johansson Rossi Dubois Mensah Kowalski Ahmed Lopez Park Silva Novak Brooks'.split(
  ' ',
);
const COMPANIES: readonly [string, string][] = [
  ['Northwind Health', 'Healthcare'],
  ['Cobalt Analytics', 'Technology'],
  ['Meridian Bank', 'Finance'],
  ['Harbor & Finch LLP', 'Law'],
  ['Brightline Energy', 'Energy'],
  ['Juniper Design Studio', 'Design'],
  ['Atlas Civil Engineering', 'Engineering'],
  ['Summit Consulting Group', 'Consulting'],
  ['City of Lakeview', 'Government'],
  ['Lumen Media', 'Media'],
];
const TITLES = [
  'Software Engineer',
  'Product Manager',
  'Data Analyst',
  'Senior Consultant',
  'Policy Analyst',
  'UX Designer',
];
const SOURCES: readonly Source[] = ['ALUMNI', 'ALUMNI', 'LINKEDIN', 'PROFESSOR', 'FRIEND', 'CLASSMATE', 'COLD'];
const GOALS = [
  'Learn what a typical week in the role looks like',
  'Understand how they moved into the field',
  'Hear which skills matter most early on',
  'Find out how the industry is changing',
];
const NOTES = [
  'Read their recent talk on the company blog',
  'Went through their career history',
  'Skimmed the annual report',
];

const emailOf = (name: string) =>
  `${name
    .toLowerCase()
    .replace(/[^a-z ]/g, '')
    .replace(' ', '.')}@${DOMAIN}`;
const iso = (ms: number) => new Date(ms).toISOString();
const pick = <T>(random: () => number, from: readonly T[]) => from[Math.floor(random() * from.length)] as T;
const termOf = (at: Date) =>
  `${at.getUTCMonth() < 5 ? 'Spring' : at.getUTCMonth() < 7 ? 'Summer' : 'Fall'} ${at.getUTCFullYear()}`;

/** The scheduled meeting logged as held at its time, once it is over by `t`; `null` before. */
const heldBy = (i: Interview, t: number): Command | null => {
  const m = i.status === 'SCHEDULED' ? i.meeting : null;
  if (!m || Date.parse(m.startsAt) + m.durationMinutes * 60_000 > t) return null;
  return { type: 'RecordMeetingHeld', heldAt: m.startsAt, durationMinutes: m.durationMinutes };
};

/** When the last message the interview awaits an answer to was sent (`null` when it awaits none). */
const lastMessage = (i: Interview): number | null =>
  i.status === 'AWAITING_REPLY' && i.outreach
    ? Math.max(Date.parse(i.outreach.sentAt), ...i.followUps.map((f) => Date.parse(f.sentAt)))
    : null;

/**
 * Seeds the demo university through `app` (whose clock `clock` sets) over the three months up to
 * `now`, or finds it already there and returns it untouched.
 */
export const seedDemo = async (
  app: Application,
  clock: SeedClock,
  options: { readonly now?: Date; readonly seed?: number } = {},
): Promise<DemoSeed> => {
  const end = (options.now ?? new Date()).getTime();
  const seed = options.seed ?? 2026;
  const first = Math.floor(end / DAY) * DAY - (DAYS - 1) * DAY; // midnight (UTC) of the term's first day
  const at = (ms: number) => clock.set(new Date(ms));

  // The university and its people: provisioning (by its key) and invitations (by email) record nothing twice.
  at(first - 3 * DAY + 10 * HOUR);
  const { tenant, admin: adminMember } = await app.tenants.provision(DEMO_OPERATOR, {
    name: 'Northfield State University (demo)',
    slug: 'northfield-demo',
    adminName: 'Morgan Ellis',
    adminEmail: emailOf('Morgan Ellis'),
    idempotencyKey: KEY,
  });
  const tenantId = parseTenantId(tenant.id);
  const admin: Caller = { userId: adminMember.id, roles: ['TENANT_ADMIN'], tenantId };
  at(first - 2 * DAY + 11 * HOUR);
  const invite = (name: string, role: string) => app.people.invite(admin, { name, email: emailOf(name), role });
  const coach = await invite('Dana Whitfield', 'COACH');
  const students = await Promise.all(ROSTER.map(([name]) => invite(name, 'STUDENT')));
  // the cohort's id follows from its key, as the API derives it: that cohort there means the demo is
  const cohortId = deriveStreamId('coh_', {
    scope: tenantId,
    userId: admin.userId,
    commandType: 'CreateCohort',
    idempotencyKey: COHORT_KEY,
  });
  const seeded = {
    tenantId,
    adminId: admin.userId,
    coachId: coach.id,
    studentIds: students.map((s) => s.id),
    cohortId,
  };
  if (await app.people.cohort(admin, cohortId)) return { ...seeded, commands: 0, skipped: 0, created: false };

  at(first - DAY + 9 * HOUR);
  const cohort = await app.people.cohortCommand(
    admin,
    null,
    { type: 'CreateCohort', name: 'Career Explorers', term: termOf(new Date(first)) },
    COHORT_KEY,
  );
  if (cohort.id !== cohortId) throw new Error(`the demo cohort is ${cohort.id}, not ${cohortId} as its key derives`);
  await app.people.cohortCommand(admin, cohortId, { type: 'AssignCoach', coachId: coach.id });
  for (const s of students) await app.people.cohortCommand(admin, cohortId, { type: 'EnrollStudent', studentId: s.id });

  const term = new Term(app, tenant.policy, first);
  term.tally.commands = 1 + 1 + students.length + 2 + students.length; // all of the above
  const random = seededRandom(seed);
  const roster: Student[] = students.map((s, i) => ({
    caller: { userId: s.id, roles: ['STUDENT'], tenantId },
    habit: HABITS[ROSTER[i]?.[1] ?? 'steady'],
    random: seededRandom(seed * 100 + i),
    open: [],
    contacts: 0,
    next: (i * 7) % 20, // starting over the first weeks, one after another
  }));
  // A weekday at a time: whose session falls on it, all at one moment of the day. Sessions at one
  // moment run at once (each student's own random keeps it deterministic), so the seed takes seconds.
  for (let day = 0; day < DAYS; day++) {
    const moment = first + day * DAY + (9 + Math.floor(random() * 12)) * HOUR + Math.floor(random() * 60) * 60_000;
    if (moment > end) break;
    if ([0, 6].includes(new Date(moment).getUTCDay())) continue;
    const group = roster.filter((s) => s.next <= day && day < (s.habit.quitsOnDay ?? DAYS));
    at(moment);
    await Promise.all(group.map((s) => term.session(s, iso(moment))));
    for (const s of group) s.next = term.nextSession(s, day);
  }
  at(end);
  return { ...seeded, ...term.tally, created: true };
};

/** The students' side of the term: their sessions, through the application functions, counted. */
class Term {
  readonly tally = { commands: 0, skipped: 0 };
  private readonly followUpAfter: number;

  constructor(
    private readonly app: Application,
    private readonly policy: TenantView['policy'],
    /** The term's first day. */
    private readonly first: number,
  ) {
    this.followUpAfter = policy.followUpAfterDays * DAY;
  }

  /** One session: someone new now and then, else a step on each of (at most) two interviews that can move. */
  async session(s: Student, now: string): Promise<void> {
    s.open = s.open.filter((r) => r.state.status !== 'CLOSED');
    const room = s.open.length < s.habit.maxOpen;
    if (room && (s.open.length === 0 || s.random() < 0.25)) return this.reachOut(s);
    // what is due first: a meeting that took place, then a reply to log or a follow-up to send
    const t = Date.parse(now);
    const order = s.open
      .map((r) => ({ r, k: heldBy(r.state, t) ? 0 : t - (lastMessage(r.state) ?? t) > DAY ? 1 : 2 + s.random() }))
      .sort((a, b) => a.k - b.k);
    let moved = 0;
    for (const { r } of order) {
      const command = moved < 2 ? this.stepFor(s, r, now) : null;
      if (!command || !(await this.send(s, r, command))) continue;
      moved++;
      // most thank the professional the same day, and log it with the meeting
      if (command.type === 'RecordMeetingHeld' && s.habit.thanks && s.random() < 0.85) {
        const sentAt = iso(Math.min(t, Date.parse(command.heldAt) + (2 + 18 * s.random()) * HOUR));
        await this.send(s, r, { type: 'RecordThankYou', channel: 'EMAIL', sentAt });
      }
    }
    // waiting on everyone: time to write to someone else
    if (moved === 0 && room) await this.reachOut(s);
  }

  /** The day of the student's next session: its rhythm, or sooner when a follow-up or a meeting falls due. */
  nextSession(s: Student, day: number): number {
    const rhythm = day + Math.max(1, Math.round(s.habit.every * (0.75 + 0.5 * s.random())));
    if (!s.habit.keepsUp) return rhythm;
    const dues = s.open.flatMap(({ state: i }) => {
      const last = lastMessage(i);
      if (last !== null) return [last + this.followUpAfter];
      const m = i.status === 'SCHEDULED' ? i.meeting : null;
      return m ? [Date.parse(m.startsAt) + m.durationMinutes * 60_000] : [];
    });
    return Math.max(day + 1, Math.min(rhythm, ...dues.map((due) => Math.floor((due - this.first) / DAY))));
  }

  /** What the student does next on an interview, if anything: the picker's step, as this student would take it. */
  private stepFor(s: Student, r: Running, now: string): Command | null {
    const i = r.state;
    const command = nextStep(i, now, s.random, this.policy.maxFollowUps);
    // a deadline's outcome is the deadline poller's to record, not a student's
    if (!command || 'deadlineId' in command) return null;
    const t = Date.parse(now);
    const last = lastMessage(i) ?? t;
    switch (command.type) {
      case 'RecordReply': {
        // logged when the student looks, dated when it came (a day to five after); some never answer
        if (r.answers) {
          if (t - last < DAY) return null;
          return { ...command, receivedAt: iso(Math.min(t, last + (1 + 4 * s.random()) * DAY)) };
        }
        if (t - last < this.followUpAfter - 12 * HOUR) return null;
        if (t - last > 2 * this.followUpAfter) return { type: 'CloseInterview', outcome: 'No reply; moved on' };
        // past the policy's follow-ups this one is refused (FOLLOW_UP_LIMIT), and skipped
        return i.followUps.length < this.policy.maxFollowUps || s.random() < 0.3
          ? { type: 'RecordFollowUp', channel: 'EMAIL', sentAt: now }
          : null;
      }
      case 'RecordThankYou':
        return s.habit.thanks ? command : null;
      case 'AddQuestion':
        return heldBy(i, t) ?? command;
      case 'RecordMeetingHeld':
        return heldBy(i, t);
      default:
        return command;
    }
  }

  /** A new professional and an interview planned with them (their ids from keys, so the same every time). */
  private async reachOut(s: Student): Promise<void> {
    const n = ++s.contacts;
    const [company, industry] = pick(s.random, COMPANIES);
    const person = `${pick(s.random, FIRST)} ${pick(s.random, LAST)}`;
    const email = `${person.toLowerCase().replace(' ', '.')}@${company.toLowerCase().replace(/[^a-z]/g, '')}.example`;
    const title = pick(s.random, TITLES);
    const source = pick(s.random, SOURCES);
    const added = await this.attempt(() =>
      this.app.contacts.add(s.caller, {
        name: person,
        title,
        company,
        industry,
        email,
        source,
        idempotencyKey: `demo-contact-${n}`,
      }),
    );
    if (!added) return;
    const plan = { type: 'PlanInterview' as const, contactId: added.contact.id, goals: [pick(s.random, GOALS)] };
    const planned = await this.attempt(() =>
      this.app.interviews.send(s.caller, null, plan, { idempotencyKey: `demo-plan-${n}` }),
    );
    if (!planned) return;
    const running: Running = { state: planned.interview, answers: s.habit.answered && s.random() < 0.7 };
    s.open.push(running);
    if (s.random() < 0.3) await this.send(s, running, { type: 'AddResearchNote', text: pick(s.random, NOTES) });
  }

  /** Sends a command for one of the student's interviews; whether the domain accepted it. */
  private async send(s: Student, r: Running, command: Command): Promise<boolean> {
    const sent = await this.attempt(() => this.app.interviews.send(s.caller, r.state.id, command, {}));
    if (sent) r.state = sent.interview;
    return sent !== null;
  }

  /** Runs a command; one the domain refuses is counted and skipped (`null`), as a student would do something else. */
  private async attempt<T>(run: () => Promise<T>): Promise<T | null> {
    try {
      const result = await run();
      this.tally.commands++;
      return result;
    } catch (error) {
      if (!isAppError(error, 'RULE_VIOLATION') && !isAppError(error, 'BAD_USER_INPUT')) throw error;
      this.tally.skipped++;
      return null;
    }
  }
}
