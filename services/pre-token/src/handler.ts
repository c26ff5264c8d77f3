import { memberRolesFrom, tenantOfUser } from '@app/api';
import { DYNAMO_CLIENT_DEFAULTS, EventStore, withoutPersonalData } from '@app/event-store';
import { domainCatalog } from '@app/views';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { preTokenGeneration } from './preToken.ts';

// The pre-token Lambda's composition root: the events table named by the stack's environment,
// read without data keys (a member's roles hold no personal data), so the function needs read
// access to the events table and nothing else.

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`the pre-token trigger needs the environment variable ${name}`);
  return value;
};

const store = new EventStore({
  client: new DynamoDBClient(DYNAMO_CLIENT_DEFAULTS),
  tableName: required('EVENTS_TABLE'),
  catalog: domainCatalog(),
  keys: withoutPersonalData,
});

export const handler: (event: PreTokenGenerationV2TriggerEvent) => Promise<PreTokenGenerationV2TriggerEvent> =
  preTokenGeneration({ tenantOfUser: tenantOfUser(store), memberRoles: memberRolesFrom(store) });
