import { randomUUID } from 'node:crypto';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, type GraphQLSchema, NoSchemaIntrospectionCustomRule } from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Authenticator } from './auth.ts';
import type { ApiContext, Application } from './context.ts';
import { internalError, publicError } from './errors.ts';
import { RateLimiter } from './rateLimit.ts';

// The GraphQL server the Lambda handler and the local server both run (DESIGN.md §7): the
// caller from the token, the limits clients may rely on, and errors that never leak.

/** The limits DESIGN.md §7 promises, and those that keep one request from costing too much. */
export const LIMITS = {
  bodyBytes: 1024 * 1024,
  depth: 12,
  aliases: 15,
  tokens: 3_000,
  cost: 5_000,
  directives: 20,
} as const;

export interface ApiOptions {
  readonly schema: GraphQLSchema;
  readonly authenticator: Pick<Authenticator, 'authenticate'>;
  readonly app: Application;
  /** Production: no introspection, no GraphiQL, no field suggestions. */
  readonly production: boolean;
  /** Where unexpected errors go, with the id the client is told. */
  readonly logError?: (errorId: string, error: unknown) => void;
  readonly graphqlEndpoint?: string;
  readonly rateLimiter?: RateLimiter;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

/** A body too large, refused before it is read (413). */
const gate = (endpoint: string): Plugin => ({
  onRequest: ({ request, url, endResponse }) => {
    if (url.pathname !== endpoint) return;
    const length = Number(request.headers.get('content-length') ?? 0);
    if (length > LIMITS.bodyBytes) {
      endResponse(
        json(413, {
          errors: [
            {
              message: `the request body is ${length} bytes; at most ${LIMITS.bodyBytes}`,
              extensions: { code: 'BAD_USER_INPUT' },
            },
          ],
        }),
      );
    }
  },
});

/** A query that does not parse or validate is the client's input: BAD_USER_INPUT, as DESIGN.md §7 names it. */
const requestErrors: Plugin = {
  onParse:
    () =>
    ({ result, replaceParseResult }) => {
      if (result instanceof Error) {
        replaceParseResult(new GraphQLError(result.message, { extensions: { code: 'BAD_USER_INPUT' } }));
      }
    },
  onValidate:
    () =>
    ({ valid, result, setResult }) => {
      if (valid) return;
      setResult(
        result.map(
          (e) =>
            new GraphQLError(e.message, {
              ...(e.nodes && { nodes: e.nodes }),
              extensions: { ...e.extensions, code: 'BAD_USER_INPUT' },
            }),
        ),
      );
    },
};

const noIntrospection: Plugin = {
  onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule),
};

export const createApi = (options: ApiOptions): YogaServerInstance<Record<string, unknown>, ApiContext> => {
  const endpoint = options.graphqlEndpoint ?? '/graphql';
  const limiter = options.rateLimiter ?? new RateLimiter();
  const logError =
    options.logError ??
    ((errorId: string, error: unknown) =>
      console.error(JSON.stringify({ level: 'ERROR', errorId, error: String((error as Error)?.stack ?? error) })));
  return createYoga<Record<string, unknown>, ApiContext>({
    schema: options.schema,
    graphqlEndpoint: endpoint,
    // yoga answers it: 200 while the process can serve
    healthCheckEndpoint: '/health',
    landingPage: false,
    // expected failures are answers, not log lines; the unexpected are logged by maskError below
    logging: false,
    graphiql: !options.production,
    context: async ({ request }): Promise<ApiContext> => {
      const caller = await options.authenticator
        .authenticate(request.headers.get('authorization'))
        .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
      if (!(caller instanceof Error) && !limiter.allow(caller.userId, caller.tenantId)) {
        throw new GraphQLError('too many requests: slow down and retry in a second', {
          extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: { 'retry-after': '1' } } },
        });
      }
      return { requestId: request.headers.get('x-request-id') ?? randomUUID(), caller, app: options.app };
    },
    maskedErrors: {
      maskError: (error) => {
        const shown = publicError(error);
        if (shown) return shown;
        const errorId = randomUUID();
        logError(errorId, error);
        return internalError(errorId);
      },
    },
    plugins: [
      gate(endpoint),
      requestErrors,
      EnvelopArmorPlugin({
        maxDepth: { n: LIMITS.depth },
        maxAliases: { n: LIMITS.aliases },
        maxTokens: { n: LIMITS.tokens },
        costLimit: { maxCost: LIMITS.cost },
        maxDirectives: { n: LIMITS.directives },
        blockFieldSuggestion: { enabled: options.production },
      }),
      ...(options.production ? [noIntrospection] : []),
    ],
  });
};
