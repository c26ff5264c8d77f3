import { type ApiLogger, apiOnTables, toRequest, toResult } from '@app/api';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { GraphqlDeps } from './deps.ts';
import { runAsTenant } from './tenantCredentials.ts';

// The GraphQL Lambda: API Gateway HTTP API (payload v2, not streaming) → yoga → a structured
// result. The caller is verified in-app from the bearer token and must be the one API Gateway's
// JWT authorizer verified. Production settings always: no introspection, no GraphiQL, and no
// dev routes (`/dev/token` exists only in the local server). Each request's work runs as its
// caller's tenant, which the clients' credentials provider turns into that tenant's scoped
// credentials (tenantCredentials.ts; DESIGN.md §8).

export const createHandler = (deps: GraphqlDeps, logger = new Logger({ serviceName: 'graphql-api' })) => {
  const apiLogger: ApiLogger = {
    info: (message, attributes) => logger.info(message, attributes),
    error: (message, attributes) => logger.error(message, attributes),
  };
  const yoga = apiOnTables({
    client: deps.client,
    tables: deps.tables,
    keyWrapper: deps.keyWrapper,
    tokenRules: deps.tokenRules,
    ...(deps.identities && { identities: deps.identities }),
    production: true,
    logger: apiLogger,
    corsOrigins: deps.corsOrigins,
    graphqlEndpoint: deps.graphqlPath,
    tenantScope: runAsTenant,
  });
  return middy<APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      const request = toRequest(event);
      if (!(request instanceof Request)) return request;
      return toResult(
        await yoga.fetch(request, {
          requestId: event.requestContext.requestId,
          // absent claims (a route without the authorizer) match no caller: nothing is served
          authorizerClaims: event.requestContext.authorizer?.jwt?.claims ?? {},
        }),
      );
    });
};
