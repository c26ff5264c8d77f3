import { scheduleName } from '@app/deadlines';
import { toLambdaItem } from '@app/streams';
import { lambdaRecord } from '@app/streams/fixtures';
import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createReactor } from './reactor.ts';

// The reactor Lambda on a stream batch as Lambda delivers it: DynamoDB Local for the events,
// Scheduler and EventBridge (no local form) mocked at the AWS API.

/** An event item as a stream record Lambda hands over. */
const record = (
  item: Parameters<typeof toLambdaItem>[0],
  sequence: string,
  eventName: 'INSERT' | 'MODIFY' = 'INSERT',
) => lambdaRecord(sequence, eventName, toLambdaItem(item));

describe('the reactor Lambda', () => {
  it('arms the outreach’s follow-up on Scheduler and publishes what happened on the bus', async () => {
    const scheduler = mockClient(SchedulerClient);
    const eventBridge = mockClient(EventBridgeClient);
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:::schedule/x' });
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })),
    }));
    const w = new World(testDb(), { start: new Date(Date.now() - 3_600_000).toISOString() });
    await w.provision();
    const student = await w.member(['STUDENT']);
    const interview = await w.plan(student, await w.contact(student));
    await w.interview(student, interview, { type: 'RecordOutreach', channel: 'EMAIL', sentAt: w.now });
    const handler = createReactor({
      dynamo: w.db.client,
      scheduler: new SchedulerClient({ region: 'eu-west-1' }),
      eventBridge: new EventBridgeClient({ region: 'eu-west-1' }),
      eventsTable: w.db.tables.events,
      scheduleGroup: 'dev-deadlines',
      deadlineHandlerArn: 'arn:aws:lambda:eu-west-1:123456789012:function:deadline-handler',
      schedulerRoleArn: 'arn:aws:iam::123456789012:role/scheduler',
      deadlineDlqArn: 'arn:aws:sqs:eu-west-1:123456789012:deadlines-dlq',
      busName: 'dev-bus',
    });
    const event: DynamoDBStreamEvent = {
      Records: (await w.records()).map((r) => record(r.item, r.sequenceNumber)),
    };

    expect(await handler(event, {} as Context)).toEqual({ batchItemFailures: [] });

    const created = scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      Name: scheduleName({
        tenantId: w.tenantId,
        streamId: interview,
        deadlineId: 'FOLLOW_UP_DUE-2',
        kind: 'FOLLOW_UP_DUE',
      }),
      GroupName: 'dev-deadlines',
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: 'arn:aws:lambda:eu-west-1:123456789012:function:deadline-handler' },
    });
    const published = eventBridge
      .commandCalls(PutEventsCommand)
      .flatMap((c) => c.args[0].input.Entries ?? [])
      .map((e) => e.DetailType);
    expect(published).toContain('Interview.OutreachSent.v1');
    expect(published).toContain('Interview.InterviewPlanned.v1');
  });
});
