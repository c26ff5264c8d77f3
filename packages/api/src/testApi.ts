import { CommandHandler, type EventStore } from '@app/event-store';
import type { World } from '@app/views/fixtures';
import { storeApplication } from './app.ts';
import { Authenticator, type Role } from './auth.ts';
import { DevIssuer } from './devIssuer.ts';
import { memberRolesFrom } from './members.ts';
import type { Identities } from './people.ts';
import { schema } from './schema/index.ts';
import { createApi, jsonLogger } from './server.ts';

// Tests' way in: the real server over a World's store, called with real tokens through fetch.

// biome-ignore lint/suspicious/noExplicitAny: a GraphQL response is whatever the query asks for
export type GqlResult = { data: any; errors?: { message: string; extensions: Record<string, unknown> }[] };

/** The application functions over a World's store (or one standing in for it) and views, on its clock. */
export const worldApplication = (w: World, options: { identities?: Identities; store?: EventStore } = {}) =>
  storeApplication({
    store: options.store ?? w.store,
    handler: new CommandHandler(options.store ?? w.store),
    views: w.views,
    clock: () => new Date(w.now),
    ...(options.identities && { identities: options.identities }),
  });

export const testApi = async (w: World) => {
  const issuer = await DevIssuer.create();
  const api = createApi({
    schema,
    authenticator: new Authenticator(issuer.rules(), memberRolesFrom(w.store)),
    app: worldApplication(w),
    production: false,
    // a line per request is noise in tests; unexpected errors still show
    logger: { info: () => {}, error: jsonLogger.error },
  });
  /** Runs `query` as `user` holding `roles` in the World's tenant. */
  const gql = async (
    user: string,
    roles: Role[],
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<GqlResult> => {
    const operator = roles.includes('PLATFORM_ADMIN');
    const token = await issuer.token({ sub: user, roles, ...(!operator && { tenantId: w.tenantId }) });
    const response = await api.fetch('http://api.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GqlResult;
  };
  return { api, issuer, gql };
};
