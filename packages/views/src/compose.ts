import { DOMAIN_EVENTS } from '@app/domain';
import { EventCatalog, EventStore, withoutPersonalData } from '@app/event-store';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Projector } from './projector.ts';
import { ViewTable } from './viewTable.ts';

export interface ViewsDeps {
  readonly client: DynamoDBClient;
  readonly eventsTable: string;
  readonly viewsTable: string;
}

/** The domain's events, as the stores of the views read them. */
export const domainCatalog = (): EventCatalog => new EventCatalog(Object.values(DOMAIN_EVENTS).flat());

/**
 * A store for building views: it reads events and no personal data (views hold none), so the
 * projector and rebuilds need no access to the master key.
 */
export const viewsStore = (deps: ViewsDeps): EventStore =>
  new EventStore({
    client: deps.client,
    tableName: deps.eventsTable,
    catalog: domainCatalog(),
    keys: withoutPersonalData,
  });

/** The projector as Lambda and the local stream runner both run it. */
export const createProjector = (deps: ViewsDeps): Projector =>
  new Projector({ views: new ViewTable(deps.client, deps.viewsTable), store: viewsStore(deps) });
