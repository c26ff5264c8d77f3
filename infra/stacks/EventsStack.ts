import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { ITable, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { NAG_REASONS } from '../constructs/nag.ts';
import { ServiceFunction } from '../constructs/serviceFunction.ts';

export interface EventsStackProps extends StackProps {
  readonly stage: string;
  /** Production keeps its logs longer and on stack deletion. */
  readonly production: boolean;
  /** The DataStack's events table (with its stream). */
  readonly events: TableV2;
  /** The DataStack's views table. */
  readonly views: TableV2;
}

/**
 * What reads the events table's stream, and what the deadlines need (DESIGN.md §2, §5):
 *
 * - the projector (stream → views) and the reactor (stream → deadlines on EventBridge Scheduler,
 *   integration events on the bus): the stream's only two readers, since AWS throttles a third on
 *   the same shard;
 * - the stage's EventBridge bus, its Scheduler schedule group (one per stage, never per tenant: an
 *   account has 500 groups), the deadline handler every schedule targets, and the role Scheduler
 *   assumes to invoke it.
 *
 * None of these functions touches the KMS master key: they read and write without data keys.
 */
export class EventsStack extends Stack {
  readonly projector: ServiceFunction;
  readonly reactor: ServiceFunction;
  readonly deadlineHandler: ServiceFunction;
  /** Stream records the projector gave up on (after its retries, or too old): the views missed them. */
  readonly projectorDlq: Queue;
  /** Stream records the reactor gave up on: deadlines not armed, integration events not published. */
  readonly reactorDlq: Queue;
  /** The schedules' dead-letter queue: firings Scheduler could not deliver to the deadline handler. */
  readonly deadlineDlq: Queue;
  /**
   * Firings delivered but failed in the deadline handler. Scheduler invokes Lambda asynchronously, so
   * its own dead-letter queue only sees failed deliveries; an error of the handler ends up here, after
   * Lambda's retries.
   */
  readonly deadlineHandlerFailures: Queue;
  readonly bus: EventBus;
  readonly scheduleGroup: CfnScheduleGroup;
  readonly scheduleGroupName: string;
  /** The role Scheduler assumes to invoke the deadline handler (the reactor passes it to each schedule). */
  readonly schedulerRole: Role;

  constructor(scope: Construct, id: string, props: EventsStackProps) {
    super(scope, id, props);
    const { stage, production, events, views } = props;

    const queue = (queueId: string) => {
      const q = new Queue(this, queueId, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        // the longest SQS keeps a message: time to look at what failed and redrive it
        retentionPeriod: Duration.days(14),
      });
      Validations.of(q).acknowledge({ id: 'AwsSolutions-SQS3', reason: NAG_REASONS.deadLetterQueue });
      return q;
    };
    this.projectorDlq = queue('ProjectorDlq');
    this.reactorDlq = queue('ReactorDlq');
    this.deadlineDlq = queue('DeadlineDlq');
    this.deadlineHandlerFailures = queue('DeadlineHandlerFailures');

    this.bus = new EventBus(this, 'Bus', { eventBusName: `ii-${stage}-integration` });

    this.scheduleGroupName = `ii-${stage}-deadlines`;
    this.scheduleGroup = new CfnScheduleGroup(this, 'ScheduleGroup', { name: this.scheduleGroupName });

    // The target of every schedule.
    this.deadlineHandler = new ServiceFunction(this, 'DeadlineHandler', {
      service: 'deadline-handler',
      description: `${stage}: a deadline's command, when its schedule fires`,
      environment: { EVENTS_TABLE: events.tableName },
      production,
    });
    events.grantReadWriteData(this.deadlineHandler.fn);
    this.deadlineHandler.fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadlineHandlerFailures),
    });

    this.schedulerRole = new Role(this, 'SchedulerRole', {
      description: `${stage}: EventBridge Scheduler invokes the deadline handler`,
      // confused deputy: only schedules of this account may use it
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    });
    this.schedulerRole.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['lambda:InvokeFunction'],
        // the unqualified ARN the schedules target
        resources: [this.deadlineHandler.fn.functionArn],
      }),
    );
    this.schedulerRole.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['sqs:SendMessage'],
        resources: [this.deadlineDlq.queueArn],
      }),
    );

    // Both readers: per-item order (one batch per shard at a time), bad records isolated by
    // bisecting and reported one by one, then set aside in a queue rather than blocking the shard.
    // (TableV2 types its optional stream ARN as `string | undefined`, which ITable does not allow
    // under exactOptionalPropertyTypes; the events table has its stream, and bind checks it)
    const eventsWithStream = events as ITable;
    const streamSource = (dlq: Queue) =>
      new DynamoEventSource(eventsWithStream, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        parallelizationFactor: 1,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 10,
        // the stream keeps a record 24 hours: never give up on one sooner than that
        maxRecordAge: Duration.hours(24),
        onFailure: new SqsDlq(dlq),
      });

    this.projector = new ServiceFunction(this, 'Projector', {
      service: 'projector',
      description: `${stage}: the events table's stream into the views`,
      environment: { EVENTS_TABLE: events.tableName, VIEWS_TABLE: views.tableName },
      production,
    });
    events.grantReadData(this.projector.fn);
    // reads too: checkpoints and generations decide what is applied
    views.grantReadWriteData(this.projector.fn);
    this.projector.fn.addEventSource(streamSource(this.projectorDlq));

    this.reactor = new ServiceFunction(this, 'Reactor', {
      service: 'reactor',
      description: `${stage}: the events table's stream into deadlines and integration events`,
      environment: {
        EVENTS_TABLE: events.tableName,
        SCHEDULE_GROUP: this.scheduleGroup.ref,
        DEADLINE_HANDLER_ARN: this.deadlineHandler.fn.functionArn,
        SCHEDULER_ROLE_ARN: this.schedulerRole.roleArn,
        DEADLINE_DLQ_ARN: this.deadlineDlq.queueArn,
        EVENT_BUS_NAME: this.bus.eventBusName,
      },
      // a burst of armings may wait out Scheduler's throttling
      timeout: Duration.minutes(1),
      production,
    });
    // writes deadline outcomes (what is due within a minute is handled at once)
    events.grantReadWriteData(this.reactor.fn);
    this.reactor.fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
        resources: [
          this.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${this.scheduleGroupName}/*` }),
        ],
      }),
    );
    this.reactor.fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    this.bus.grantPutEventsTo(this.reactor.fn);
    this.reactor.fn.addEventSource(streamSource(this.reactorDlq));
  }
}
