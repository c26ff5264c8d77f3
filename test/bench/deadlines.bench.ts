/**
 * `pnpm bench:deadlines`: time acting on the streams locally, on its own DynamoDB Local, in one
 * run. A tenant with students enrolled in a cohort (through the command handler) and interviews
 * with an outreach each (decided by the real deciders, bulk-loaded), so that each has a
 * FOLLOW_UP_DUE deadline armed. Then:
 * 1. throughput: the deadline consumer arms a round's deadlines, the clock moves past them, and
 *    one `pollOnce()` fires them all through the real handler (the FollowUpDue events appended
 *    through the command handler): deadlines per second, medians of 3 rounds, beside DynamoDB
 *    Local's ceiling for the calls one fire makes, issued by hand in the same rounds;
 * 2. delay: on the real clock, deadlines due at instants spread over the next seconds, the poller
 *    started with its real interval (1 s, then 100 ms): how long after its due time each
 *    FollowUpDue event was recorded (median, p99).
 */
import type { DecidedEvent, Decider, TenantId } from '@app/core';
import {
  createDeadlineConsumer,
  createDeadlineHandler,
  type DeadlineRef,
  type Fired,
  LocalDeadlinePoller,
  LocalScheduler,
  scheduleName,
  tenantPolicies,
} from '@app/deadlines';
import {
  contactDecider,
  DEFAULT_POLICY,
  type Deadline,
  type InterviewContext,
  interviewDeadlines,
  interviewDecider,
} from '@app/domain';
import {
  CommandHandler,
  type CommandMeta,
  enrolmentGuard,
  guardItemKey,
  type Item,
  logPartition,
  logSortKey,
  newId,
  type StreamRef,
  streamKey,
  streamRef,
} from '@app/event-store';
import { createTables, localClientConfig, startDynamoLocal } from '@app/local';
import type { EventRecord } from '@app/streams';
import { tableNames } from '@app/tables';
import { makeStore, World } from '@app/views/fixtures';
import {
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { percentile, timed } from './stats.ts';

/** Deadlines fired in each throughput round (fresh interviews each round). */
const PER_ROUND = Number(process.env.BENCH_DEADLINES ?? 500);
/** Deadlines due in the delay phase, for each poll interval. */
const DELAY_COUNT = Number(process.env.BENCH_DELAY_COUNT ?? 200);
/** Over how many seconds their due times are spread. */
const DELAY_SECONDS = Number(process.env.BENCH_DELAY_SECONDS ?? 10);
const ROUNDS = 3;
const WARMUP = Math.min(100, PER_ROUND);
const INTERVALS_MS = [1_000, 100];
const STUDENTS = 20;
/** How far ahead of the first due time the delay phase arms (loading and arming fit well within it). */
const LEAD_MS = 3_000;
/** The whole run gives up after this, whatever the machine. */
const GIVE_UP_MS = 5 * 60_000;
const DAY = 86_400_000;
const FOLLOW_UP_DAYS = DEFAULT_POLICY.followUpAfterDays;
const MESSAGE =
  'Dear Ms. Okafor, I am a junior studying chemical engineering; Professor Lee suggested I reach out. Could we talk for 20 minutes about your path into process safety?';

const median = (xs: readonly number[]) => percentile(xs, 50);
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Runs `op` on every item, `concurrency` at a time. */
const each = async <T>(items: readonly T[], concurrency: number, op: (item: T) => Promise<unknown>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await op(items[next++] as T);
    }),
  );
};

/** Commands run through a pure decider from its initial state: the batches of events it decided. */
const decide = <S, C, E extends DecidedEvent, X>(decider: Decider<S, C, E, X>, steps: readonly [C, X][]) => {
  let state = decider.initialState;
  let version = 0;
  const batches: E[][] = [];
  for (const [command, context] of steps) {
    const { events } = decider.decide(command, state, context);
    for (const e of events) state = decider.evolve(state, { ...e, version: ++version });
    batches.push([...events]);
  }
  return { state, batches };
};

/** One interview with its outreach recorded: the deadline its state says is armed. */
interface Armed {
  readonly stream: StreamRef;
  readonly student: string;
  readonly deadline: Deadline;
}

const main = async () => {
  const giveUp = setTimeout(() => {
    console.error(`\nthe benchmark ran past ${GIVE_UP_MS / 60_000} minutes: giving up`);
    process.exit(1);
  }, GIVE_UP_MS);
  giveUp.unref();
  const started = performance.now();
  const dynamo = await startDynamoLocal();
  const client = new DynamoDBClient(localClientConfig(dynamo.endpoint));
  const tables = tableNames('bench_');
  await createTables(client, tables);
  const db = { endpoint: dynamo.endpoint, client, tables };

  /** The DynamoDB calls made while `counting` is set, by command. */
  let counting: Map<string, number> | undefined;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context.commandName as string).replace(/Command$/, '');
      if (counting) counting.set(name, (counting.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );

  // One clock for the store, the handler and the poller: moved forward to make a week pass.
  let shiftMs = 0;
  const clock = () => new Date(Date.now() + shiftMs);

  process.stdout.write('seeding… ');
  // The tenant, its students and their enrolments through the command handler (enrolment items included).
  const w = new World(db, { start: clock().toISOString() });
  await w.provision('Bench University');
  const cohort = await w.cohort('Class of 2027');
  const students: string[] = [];
  for (let i = 0; i < STUDENTS; i++) {
    const student = await w.member(['STUDENT']);
    await w.cohortCommand(cohort, { type: 'EnrollStudent', studentId: student });
    students.push(student);
  }
  const tenantId: TenantId = w.tenantId;

  const store = makeStore(db, clock);
  const scheduler = new LocalScheduler(client, tables.views);
  const policyOf = tenantPolicies(store);
  const fire = createDeadlineHandler({
    store,
    handler: new CommandHandler(store, { now: () => clock().getTime() }),
    now: clock,
  });
  const consumer = createDeadlineConsumer({ store, scheduler, fire, policyOf, now: clock });

  /** `count` interviews, each planned and reached out to (`sentAt(i)`), decided and bulk-loaded. */
  let serial = 0;
  const interviews = async (count: number, sentAt: (i: number) => string): Promise<Armed[]> => {
    const out: Armed[] = [];
    const histories: { stream: StreamRef; batches: { events: DecidedEvent[]; meta: CommandMeta }[] }[] = [];
    for (let i = 0; i < count; i++) {
      const student = students[serial++ % students.length] as string;
      const meta: CommandMeta = {
        actor: { userId: student, role: 'STUDENT' },
        correlationId: `bench-${serial}`,
        cohorts: [cohort],
      };
      const now = sentAt(i);
      const contactId = newId('con_');
      const contact = decide(contactDecider, [
        [
          { type: 'AddContact', name: 'Pat Doe', source: 'ALUMNI', company: 'Acme' },
          { now, studentId: student, referrer: null },
        ],
      ]);
      const ctx: InterviewContext = {
        now,
        policy: DEFAULT_POLICY,
        studentId: student,
        newId: (prefix) => newId(`${prefix}_`),
        contact: {
          id: contactId,
          ownerId: student,
          status: 'ACTIVE',
          organization: 'acme',
          preferredChannel: null,
          referrerName: null,
        },
        openRequestsToContact: 0,
        organizationReplies: [],
      };
      const stream = streamRef(tenantId, 'Interview', newId('int_'));
      const interview = decide(interviewDecider, [
        [{ type: 'PlanInterview', contactId, goals: ['learn how process safety engineers work'] }, ctx],
        [{ type: 'RecordOutreach', channel: 'EMAIL', sentAt: now, message: MESSAGE }, ctx],
      ]);
      const armed = interviewDeadlines(interview.state);
      const deadline = armed[0];
      if (armed.length !== 1 || deadline?.kind !== 'FOLLOW_UP_DUE') {
        throw new Error(`an outreach armed ${armed.map((d) => d.kind).join(', ')}, not one FOLLOW_UP_DUE`);
      }
      histories.push(
        {
          stream: streamRef(tenantId, 'Contact', contactId),
          batches: contact.batches.map((events) => ({ events, meta })),
        },
        { stream, batches: interview.batches.map((events) => ({ events, meta })) },
      );
      out.push({ stream, student, deadline });
    }
    await store.bulkLoad(histories);
    return out;
  };

  /** What the table's stream would deliver for these interviews, to the consumer, in batches of 100. */
  let sequence = 0;
  const armThroughConsumer = async (batch: readonly Armed[]) => {
    const records: EventRecord[] = batch.flatMap((x) =>
      [1, 2].map((version) => ({
        sequenceNumber: String(++sequence).padStart(21, '0'),
        // the keys are all the consumer reads of an item: it folds the stream itself
        item: { pk: { S: streamKey(x.stream) }, sk: { N: String(version) } },
      })),
    );
    for (let i = 0; i < records.length; i += 100) {
      const { failed } = await consumer.consume(records.slice(i, i + 100));
      if (failed.length > 0) throw new Error(`the consumer failed ${failed.length} records`);
    }
  };

  /** One round of ours: armed by the consumer, a week passes, one pass of the poller fires them all. */
  const ours = async (count: number) => {
    const batch = await interviews(count, () => clock().toISOString());
    await armThroughConsumer(batch);
    shiftMs += (FOLLOW_UP_DAYS + 1) * DAY;
    const starts: number[] = [];
    let appended = 0;
    const errors: unknown[] = [];
    const poller = new LocalDeadlinePoller({
      scheduler,
      fire: async (d: DeadlineRef): Promise<Fired> => {
        starts.push(performance.now());
        const result = await fire(d);
        if (result.appended.includes('FollowUpDue')) appended++;
        return result;
      },
      now: clock,
      onError: (_, error) => errors.push(error),
    });
    counting = new Map();
    const began = performance.now();
    const fired = await poller.pollOnce();
    const ms = performance.now() - began;
    const calls = counting;
    counting = undefined;
    if (errors.length > 0) throw errors[0];
    if (fired !== count || appended !== count) {
      throw new Error(`${count} deadlines due: ${fired} fired, ${appended} FollowUpDue appended`);
    }
    // each deadline's share of the pass: from its call to the next one's (the due pages included)
    const per = starts.map((t, i) => (starts[i + 1] ?? began + ms) - t);
    return { perSecond: count / (ms / 1_000), per, calls, sample: batch[0] as Armed };
  };

  // The raw calls of one fire, by hand: what the handler and the scheduler send, with the same overlap.
  const query = (input: Omit<QueryCommandInput, 'TableName'>) =>
    client.send(new QueryCommand({ TableName: tables.events, ConsistentRead: true, ...input }));
  const queryStream = (pk: string) =>
    query({
      KeyConditionExpression: 'pk = :pk AND sk >= :from',
      ExpressionAttributeValues: { ':pk': { S: pk }, ':from': { N: '1' } },
    });
  const tenantPk = streamKey(streamRef(tenantId, 'Tenant', tenantId));
  const enrolmentsPk = (student: string) => guardItemKey(tenantId, enrolmentGuard(student, cohort)).pk;
  const rawScheduleKey = (name: string) => ({ pk: { S: `_bench#Deadline#${name}` }, sk: { S: 'deadline' } });
  let template: Item | undefined;
  /** The FollowUpDue item the store wrote, moved to another interview's stream at its next version. */
  const handWritten = (pk: string, version: number): Item => {
    const recordedAt = new Date().toISOString();
    return {
      ...template,
      pk: { S: pk },
      sk: { N: String(version) },
      gsi1pk: { S: logPartition(tenantId, recordedAt) },
      gsi1sk: { S: logSortKey(recordedAt, pk, version) },
    };
  };

  /** One round by hand: per deadline the Queries, the conditional PutItem and the DeleteItem one fire makes. */
  const raw = async (count: number) => {
    const batch = await interviews(count, () => clock().toISOString());
    // the items the DeleteItems remove: armed ones' shape, in an index partition the poller never reads
    await each(batch, 8, (x) => {
      const ref = { tenantId, streamId: x.stream.id, deadlineId: x.deadline.deadlineId, kind: x.deadline.kind };
      const name = scheduleName(ref);
      return client.send(
        new PutItemCommand({
          TableName: tables.views,
          Item: {
            ...rawScheduleKey(name),
            gsi1pk: { S: '_bench#RawDue' },
            gsi1sk: { S: `${x.deadline.dueAt}#${name}` },
            ref: { S: JSON.stringify(ref) },
            armedAtVersion: { N: '2' },
          },
        }),
      );
    });
    const times: number[] = [];
    counting = new Map();
    const began = performance.now();
    for (const x of batch) {
      const pk = streamKey(x.stream);
      times.push(
        await timed(async () => {
          // the handler reads the tenant's policy while it loads the interview
          await Promise.all([queryStream(pk), queryStream(tenantPk)]);
          await query({
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: enrolmentsPk(x.student) } },
          });
          await client.send(
            new PutItemCommand({
              TableName: tables.events,
              Item: handWritten(pk, 3),
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
          const name = scheduleName({
            tenantId,
            streamId: x.stream.id,
            deadlineId: x.deadline.deadlineId,
            kind: x.deadline.kind,
          });
          await client.send(new DeleteItemCommand({ TableName: tables.views, Key: rawScheduleKey(name) }));
        }),
      );
    }
    const ms = performance.now() - began;
    const calls = counting;
    counting = undefined;
    return { perSecond: count / (ms / 1_000), per: times, calls };
  };

  // Warm-up (untimed): DynamoDB Local's JIT and pages, our JIT, every student's data key cached.
  const warm = await ours(WARMUP);
  const written = await query({
    KeyConditionExpression: 'pk = :pk AND sk = :v',
    ExpressionAttributeValues: { ':pk': { S: streamKey(warm.sample.stream) }, ':v': { N: '3' } },
  });
  template = written.Items?.[0];
  if (template?.type?.S !== 'FollowUpDue') throw new Error('the warm-up appended no FollowUpDue');
  await raw(WARMUP);
  process.stdout.write('done\n');

  const oursRounds: Awaited<ReturnType<typeof ours>>[] = [];
  const rawRounds: Awaited<ReturnType<typeof raw>>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    process.stdout.write(`\rthroughput round ${round + 1}/${ROUNDS}`);
    // alternate which goes first, so that the emulator's drift hits both alike
    if (round % 2 === 0) {
      oursRounds.push(await ours(PER_ROUND));
      rawRounds.push(await raw(PER_ROUND));
    } else {
      rawRounds.push(await raw(PER_ROUND));
      oursRounds.push(await ours(PER_ROUND));
    }
  }
  process.stdout.write('\n');

  /** One delay run: deadlines due over the next seconds on the real clock, the poller at its interval. */
  const delay = async (intervalMs: number) => {
    shiftMs = 0;
    const first = Date.now() + LEAD_MS;
    const dueOf = (i: number) => first + Math.round((i * DELAY_SECONDS * 1_000) / Math.max(1, DELAY_COUNT - 1));
    const batch = await interviews(DELAY_COUNT, (i) => new Date(dueOf(i) - FOLLOW_UP_DAYS * DAY).toISOString());
    // due within a minute, the consumer would handle them at once: armed as it arms the later ones
    const { timeZone } = await policyOf(tenantId);
    await each(batch, 8, (x) =>
      scheduler.arm({
        tenantId,
        streamId: x.stream.id,
        deadlineId: x.deadline.deadlineId,
        kind: x.deadline.kind,
        dueAt: x.deadline.dueAt,
        armedAtVersion: 2,
        timeZone,
      }),
    );
    const dues = batch.map((x) => Date.parse(x.deadline.dueAt));
    const armedLate = Date.now() - Math.min(...dues);
    const returned = new Map<string, number>();
    const errors: unknown[] = [];
    const poller = new LocalDeadlinePoller({
      scheduler,
      fire: async (d: DeadlineRef): Promise<Fired> => {
        const result = await fire(d);
        if (result.appended.includes('FollowUpDue')) returned.set(d.streamId, Date.now());
        return result;
      },
      now: clock,
      intervalMs,
      onError: (_, error) => errors.push(error),
    });
    poller.start();
    const until = Math.max(...dues) + 3 * intervalMs + 5_000;
    while (returned.size < batch.length && Date.now() < until) await sleep(20);
    await poller.stop();
    if (errors.length > 0) throw errors[0];
    // read back: when each FollowUpDue was recorded, and that none was appended twice
    const delays: number[] = [];
    const handled: number[] = [];
    let twice = 0;
    await each(batch, 8, async (x) => {
      const followUps = (await store.readStream(x.stream)).filter((e) => e.type === 'FollowUpDue');
      const event = followUps[0];
      if (event) delays.push(Date.parse(event.meta.recordedAt) - Date.parse(x.deadline.dueAt));
      if (followUps.length > 1) twice++;
      const back = returned.get(x.stream.id);
      if (back !== undefined) handled.push(back - Date.parse(x.deadline.dueAt));
    });
    return { intervalMs, delays, handled, twice, armedLate };
  };
  const delays = [];
  for (const intervalMs of INTERVALS_MS) {
    process.stdout.write(`\rdelay: interval ${intervalMs} ms…   `);
    delays.push(await delay(intervalMs));
  }
  process.stdout.write('\n\n');

  const table = (lines: string[][]) => {
    const widths = lines[0]?.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length))) ?? [];
    for (const line of lines)
      console.log(
        line
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd(),
      );
  };
  const perFire = (calls: Map<string, number> | undefined, n: number) =>
    [...(calls ?? [])]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, c]) => `${name} ${fmt(c / n, 2)}`)
      .join(' · ');

  console.log(
    `Throughput: ${PER_ROUND} deadlines due a round, fired by one pollOnce() (fresh interviews each round); medians of ${ROUNDS} rounds`,
  );
  const oursRate = median(oursRounds.map((r) => r.perSecond));
  const rawRate = median(rawRounds.map((r) => r.perSecond));
  const oursEach = oursRounds.flatMap((r) => r.per);
  const rawEach = rawRounds.flatMap((r) => r.per);
  table([
    [
      '',
      ...oursRounds.map((_, i) => `round ${i + 1}`),
      'median',
      'per deadline p50',
      'p99',
      'DynamoDB calls per deadline',
    ],
    [
      'poller → handler (fired/s)',
      ...oursRounds.map((r) => fmt(r.perSecond, 1)),
      fmt(oursRate, 1),
      `${fmt(median(oursEach), 2)} ms`,
      `${fmt(percentile(oursEach, 99), 2)} ms`,
      perFire(oursRounds[0]?.calls, PER_ROUND),
    ],
    [
      'raw calls by hand (/s)',
      ...rawRounds.map((r) => fmt(r.perSecond, 1)),
      fmt(rawRate, 1),
      `${fmt(median(rawEach), 2)} ms`,
      `${fmt(percentile(rawEach, 99), 2)} ms`,
      perFire(rawRounds[0]?.calls, PER_ROUND),
    ],
  ]);
  console.log(
    `ratio: ${fmt(oursRate / rawRate, 3)}× DynamoDB Local's ceiling for the same calls (time per deadline ${fmt(rawRate / oursRate, 3)}×)`,
  );

  console.log(
    `\nDelay: ${DELAY_COUNT} deadlines due evenly over ${DELAY_SECONDS} s on the real clock; from each due time to its FollowUpDue's recordedAt (and to the handler's return)`,
  );
  const lines = [['poll interval', 'fired', 'p50', 'p99', 'max', 'handler returned p50', 'p99', 'twice', '']];
  for (const d of delays) {
    lines.push([
      `${fmt(d.intervalMs)} ms`,
      `${d.delays.length}/${DELAY_COUNT}`,
      `${fmt(median(d.delays))} ms`,
      `${fmt(percentile(d.delays, 99))} ms`,
      `${fmt(Math.max(...d.delays))} ms`,
      `${fmt(median(d.handled))} ms`,
      `${fmt(percentile(d.handled, 99))} ms`,
      String(d.twice),
      d.armedLate > 0 ? `(armed ${fmt(d.armedLate)} ms after the first due time)` : '',
    ]);
  }
  table(lines);
  console.log(`\n(${fmt((performance.now() - started) / 1_000, 1)} s in all)`);

  client.destroy();
  await dynamo.stop();
  clearTimeout(giveUp);
};

await main();
