import { DYNAMO_CLIENT_DEFAULTS } from '@app/event-store';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createHandler } from './deadlineHandler.ts';

// The deadline handler as deployed: the events table named by the stack.

const eventsTable = process.env.EVENTS_TABLE;
if (!eventsTable) throw new Error('the deadline handler needs the environment variable EVENTS_TABLE');

export const handler = createHandler({ client: new DynamoDBClient(DYNAMO_CLIENT_DEFAULTS), eventsTable });
