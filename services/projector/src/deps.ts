import { DOMAIN_EVENTS } from '@app/domain';
import { EventCatalog, EventStore, withoutPersonalData } from '@app/event-store';
import { Projector, ViewTable } from '@app/views';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

// The projector's composition root: the same for Lambda and for the local stream runner; only
// the client and the table names differ. It reads no personal data (views hold none), so it
// is given no data keys and needs no access to the master key.

export interface ProjectorDeps {
  readonly client: DynamoDBClient;
  readonly eventsTable: string;
  readonly viewsTable: string;
}

export const projectorFrom = (deps: ProjectorDeps): Projector => {
  const store = new EventStore({
    client: deps.client,
    tableName: deps.eventsTable,
    catalog: new EventCatalog(Object.values(DOMAIN_EVENTS).flat()),
    keys: withoutPersonalData,
  });
  return new Projector({ views: new ViewTable(deps.client, deps.viewsTable), store });
};

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`the projector needs the environment variable ${name}`);
  return value;
};

/** In Lambda: tables named by the stack's environment. */
export const lambdaDeps = (): ProjectorDeps => ({
  client: new DynamoDBClient({}),
  eventsTable: required('EVENTS_TABLE'),
  viewsTable: required('VIEWS_TABLE'),
});
