import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { type DeadlineRef, type ScheduledDeadline, type Scheduler, scheduleName } from './port.ts';

// The local twin of EventBridge Scheduler (DESIGN.md §5): one item per armed deadline in the
// views table (which has no stream, so nothing projects it), found by due time through gsi1, and
// a poller that calls the deadline handler for those due on an injectable clock — so a test
// makes a week pass in a millisecond. Like Scheduler it may call a deadline more than once (a
// poll racing a disarm, a crash between the call and the delete): the handler re-checks the
// stream, so that changes nothing.

const DUE = '_local#DeadlinesDue';
const keyOf = (name: string) => ({ pk: { S: `_local#Deadline#${name}` }, sk: { S: 'deadline' } });

export class LocalScheduler implements Scheduler {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  async arm(d: ScheduledDeadline): Promise<void> {
    const name = scheduleName(d);
    const ref: DeadlineRef = { tenantId: d.tenantId, streamId: d.streamId, deadlineId: d.deadlineId, kind: d.kind };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            ...keyOf(name),
            gsi1pk: { S: DUE },
            gsi1sk: { S: `${new Date(d.dueAt).toISOString()}#${name}` },
            ref: { S: JSON.stringify(ref) },
            armedAtVersion: { N: String(d.armedAtVersion) },
          },
          // arming again is a no-op, as a schedule of the same name is
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async disarm(d: DeadlineRef): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.table, Key: keyOf(scheduleName(d)) }));
  }

  /** The deadlines due at `now` (at most `limit`), soonest first. */
  async due(now: Date, limit = 100): Promise<(DeadlineRef & { readonly dueAt: string })[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :due AND gsi1sk <= :now',
        ExpressionAttributeValues: { ':due': { S: DUE }, ':now': { S: `${now.toISOString()}~` } },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => ({
      ...(JSON.parse(item.ref?.S ?? '{}') as DeadlineRef),
      dueAt: (item.gsi1sk?.S ?? '').split('#')[0] as string,
    }));
  }
}

export interface PollerOptions {
  readonly scheduler: LocalScheduler;
  /** The deadline handler: what Scheduler's target is in AWS. */
  readonly fire: (deadline: DeadlineRef) => Promise<unknown>;
  readonly now?: () => Date;
  readonly intervalMs?: number;
  /** Told of a deadline whose handler failed (it stays armed and is tried again next poll). */
  readonly onError?: (deadline: DeadlineRef, error: unknown) => void;
}

/** Fires due deadlines: each handled, then disarmed; a failure stays armed for the next poll. */
export class LocalDeadlinePoller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private failedLast = false;

  constructor(private readonly options: PollerOptions) {}

  /** One pass: fires what is due now, and says how many fired. */
  async pollOnce(): Promise<number> {
    const { scheduler, fire } = this.options;
    const now = (this.options.now ?? (() => new Date()))();
    let fired = 0;
    let failed = false;
    // the index may still show what this pass already handled: each deadline once a pass
    const seen = new Set<string>();
    for (;;) {
      const page = (await scheduler.due(now)).filter((d) => !seen.has(scheduleName(d)));
      if (page.length === 0) break;
      for (const deadline of page) {
        seen.add(scheduleName(deadline));
        try {
          await fire(deadline);
          await scheduler.disarm(deadline);
          fired += 1;
        } catch (error) {
          failed = true;
          this.options.onError?.(deadline, error);
        }
      }
    }
    this.failedLast = failed;
    return fired;
  }

  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.running = this.pollOnce()
        .catch((error: unknown) => {
          this.failedLast = true;
          console.error(JSON.stringify({ level: 'ERROR', message: 'deadline poll failed', error: String(error) }));
        })
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.options.intervalMs ?? 1_000);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    const timer = this.timer;
    this.timer = undefined;
    if (timer) clearTimeout(timer);
    await this.running;
  }

  /** Polling, and its last pass did not fail (what a health check reports). */
  get healthy(): boolean {
    return this.timer !== undefined && !this.failedLast;
  }
}
