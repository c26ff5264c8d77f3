import { DYNAMO_CLIENT_DEFAULTS } from '@app/event-store';
import { createProjector, type ViewsDeps } from '@app/views';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

// The projector's composition root in Lambda: tables named by the stack's environment. The
// local stack builds the same projector (`createProjector`) on DynamoDB Local.

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`the projector needs the environment variable ${name}`);
  return value;
};

export const lambdaDeps = (): ViewsDeps => ({
  client: new DynamoDBClient(DYNAMO_CLIENT_DEFAULTS),
  eventsTable: required('EVENTS_TABLE'),
  viewsTable: required('VIEWS_TABLE'),
});

export { createProjector };
