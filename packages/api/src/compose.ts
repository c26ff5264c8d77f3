import { CommandHandler, dynamoDataKeys, EventStore, type KeyWrapper } from '@app/event-store';
import type { TableNames } from '@app/tables';
import { domainCatalog, ViewTable } from '@app/views';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { storeApplication } from './app.ts';
import { Authenticator, type TokenRules } from './auth.ts';
import { memberRolesFrom } from './members.ts';
import type { Identities } from './people.ts';
import { schema } from './schema/index.ts';
import { type ApiOptions, createApi, unscoped } from './server.ts';

// The API on the two tables: what the Lambda handler and the local server both compose, so
// they differ only in where their parts come from (KMS or a key file, Cognito or the dev issuer).

export interface TablesApiDeps
  extends Pick<ApiOptions, 'production' | 'logger' | 'corsOrigins' | 'graphqlEndpoint' | 'tenantScope'> {
  readonly client: DynamoDBClient;
  readonly tables: TableNames;
  readonly keyWrapper: KeyWrapper;
  readonly tokenRules: TokenRules;
  readonly identities?: Identities;
}

/** The application functions on the two tables (what resolvers call), on a clock of the caller's choosing. */
export const applicationOnTables = (
  deps: Pick<TablesApiDeps, 'client' | 'tables' | 'keyWrapper' | 'identities'> & { readonly clock?: () => Date },
) => {
  const { client, tables } = deps;
  const store = new EventStore({
    client,
    tableName: tables.events,
    catalog: domainCatalog(),
    keys: dynamoDataKeys({ client, tableName: tables.events, wrapper: deps.keyWrapper }),
  });
  const app = storeApplication({
    store,
    handler: new CommandHandler(store),
    views: new ViewTable(client, tables.views),
    ...(deps.identities && { identities: deps.identities }),
    ...(deps.clock && { clock: deps.clock }),
  });
  return { store, app };
};

export const apiOnTables = (deps: TablesApiDeps) => {
  const { store, app } = applicationOnTables(deps);
  const scope = deps.tenantScope ?? unscoped;
  const memberRoles = memberRolesFrom(store);
  return createApi({
    schema,
    // The member's roles are read as the token's tenant: the token's signature is verified by
    // then, and its own member stream is all the check reads, so it needs nothing wider.
    authenticator: new Authenticator(deps.tokenRules, (tenantId, userId) =>
      scope(tenantId, () => memberRoles(tenantId, userId)),
    ),
    app,
    production: deps.production,
    ...(deps.logger && { logger: deps.logger }),
    ...(deps.corsOrigins && { corsOrigins: deps.corsOrigins }),
    ...(deps.graphqlEndpoint && { graphqlEndpoint: deps.graphqlEndpoint }),
    ...(deps.tenantScope && { tenantScope: deps.tenantScope }),
  });
};
