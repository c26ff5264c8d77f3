import { DYNAMO_CLIENT_DEFAULTS } from '@app/event-store';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { createReactor } from './reactor.ts';

// The reactor as deployed: its parts named by the stack's environment.

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`the reactor needs the environment variable ${name}`);
  return value;
};

export const handler = createReactor({
  dynamo: new DynamoDBClient(DYNAMO_CLIENT_DEFAULTS),
  scheduler: new SchedulerClient({}),
  eventBridge: new EventBridgeClient({}),
  eventsTable: required('EVENTS_TABLE'),
  scheduleGroup: required('SCHEDULE_GROUP'),
  deadlineHandlerArn: required('DEADLINE_HANDLER_ARN'),
  schedulerRoleArn: required('SCHEDULER_ROLE_ARN'),
  deadlineDlqArn: required('DEADLINE_DLQ_ARN'),
  busName: required('EVENT_BUS_NAME'),
});
