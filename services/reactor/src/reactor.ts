import { createPublisher, eventBridgeBus } from '@app/bus';
import { createDeadlineConsumer, createDeadlineHandler, eventBridgeScheduler, tenantPolicies } from '@app/deadlines';
import { CommandHandler, EventStore, withoutPersonalData } from '@app/event-store';
import { streamBatchHandler, together } from '@app/streams';
import { domainCatalog } from '@app/views';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';

// The reactor Lambda: the table stream's second reader (AWS throttles a third), running the
// deadline consumer (schedules on EventBridge Scheduler; what is due now handled at once) and
// the publisher (integration events on the EventBridge bus) on every batch.

export interface ReactorDeps {
  readonly dynamo: DynamoDBClient;
  readonly scheduler: SchedulerClient;
  readonly eventBridge: EventBridgeClient;
  readonly eventsTable: string;
  readonly scheduleGroup: string;
  readonly deadlineHandlerArn: string;
  readonly schedulerRoleArn: string;
  readonly deadlineDlqArn: string;
  readonly busName: string;
}

export const createReactor = (deps: ReactorDeps) => {
  const store = new EventStore({
    client: deps.dynamo,
    tableName: deps.eventsTable,
    catalog: domainCatalog(),
    keys: withoutPersonalData,
  });
  const policyOf = tenantPolicies(store);
  const consumer = together('reactor', [
    createDeadlineConsumer({
      store,
      policyOf,
      scheduler: eventBridgeScheduler({
        client: deps.scheduler,
        groupName: deps.scheduleGroup,
        targetArn: deps.deadlineHandlerArn,
        roleArn: deps.schedulerRoleArn,
        deadLetterArn: deps.deadlineDlqArn,
      }),
      fire: createDeadlineHandler({ store, handler: new CommandHandler(store), policyOf }),
    }),
    createPublisher({
      client: deps.dynamo,
      eventsTable: deps.eventsTable,
      bus: eventBridgeBus({ client: deps.eventBridge, busName: deps.busName }),
    }),
  ]);
  return middy<DynamoDBStreamEvent, DynamoDBBatchResponse>().handler(streamBatchHandler(consumer));
};
