import { randomUUID } from 'node:crypto';
import type { TenantId } from '@app/core';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  NoSchemaIntrospectionCustomRule,
  type OperationDefinitionNode,
  visit,
} from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { type Authenticator, type Caller, UnauthenticatedError } from './auth.ts';
import { MAX_PAGE } from './connections.ts';
import type { ApiContext, Application } from './context.ts';
import { apiError, internalError, plain, publicError } from './errors.ts';
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
  /** Structured logs: a line per request (ids only, never personal data) and every unexpected error. */
  readonly logger?: ApiLogger;
  readonly graphqlEndpoint?: string;
  readonly rateLimiter?: RateLimiter;
  /** Origins browsers may call from; none in production unless given, any in dev. */
  readonly corsOrigins?: readonly string[];
  /** Whose credentials each request's table calls use (in AWS); locally none is given and nothing changes. */
  readonly tenantScope?: TenantScope;
}

/**
 * Runs work as a tenant, or on the control plane (`null`): in AWS the table calls made inside it
 * use that tenant's scoped credentials, or the function's own (DESIGN.md §8, the third wall).
 */
export type TenantScope = <T>(tenantId: TenantId | null, work: () => T) => T;

/** No scoping: the local server, and tests. */
export const unscoped: TenantScope = (_tenantId, work) => work();

/** What the server logs through: Powertools' Logger in Lambda, JSON lines locally. */
export interface ApiLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** What the host passes with each request (API Gateway's request id, its authorizer's claims). */
export interface ServerContext {
  readonly requestId?: string;
  /**
   * The claims API Gateway's JWT authorizer verified. When present, the caller the API verifies
   * from the same bearer token must agree with them, or the request is not authenticated.
   */
  readonly authorizerClaims?: Readonly<Record<string, unknown>>;
}

/** JSON lines on stdout/stderr: what a log shipper reads. */
export const jsonLogger: ApiLogger = {
  info: (message, attributes) => console.log(JSON.stringify({ level: 'INFO', message, ...attributes })),
  error: (message, attributes) => console.error(JSON.stringify({ level: 'ERROR', message, ...attributes })),
};

/** Whether the caller verified in-app is the one the gateway's authorizer verified. */
const agrees = (caller: Caller, claims: Readonly<Record<string, unknown>>): boolean =>
  claims.sub === caller.userId && (claims.tenant_id ?? null) === caller.tenantId;

/** The operation's name, or its kind when it has none. */
const operationOf = (document: DocumentNode, name: string | null | undefined): string => {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const chosen = operations.find((o) => !name || o.name?.value === name) ?? operations[0];
  return chosen?.name?.value ?? chosen?.operation ?? 'unknown';
};

/** One log line per executed operation: who, which tenant, what, how long, which error codes. */
const requestLog = (logger: ApiLogger): Plugin<ApiContext> => ({
  onExecute: ({ args }) => {
    const started = performance.now();
    return {
      onExecuteDone: ({ result }) => {
        if (!('errors' in result || 'data' in result)) return;
        const ctx = args.contextValue;
        const caller = ctx.caller instanceof Error ? null : ctx.caller;
        logger.info('graphql request', {
          requestId: ctx.requestId,
          tenantId: caller?.tenantId ?? null,
          userId: caller?.userId ?? null,
          operation: operationOf(args.document, args.operationName),
          ms: Math.round((performance.now() - started) * 10) / 10,
          errors: result.errors?.map((e) => e.extensions?.code ?? 'INTERNAL') ?? [],
        });
      },
    };
  },
});

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
        replaceParseResult(new GraphQLError(plain(result.message), { extensions: { code: 'BAD_USER_INPUT' } }));
      }
    },
  onValidate:
    () =>
    ({ valid, result, setResult }) => {
      if (valid) return;
      setResult(
        result.map(
          (e) =>
            new GraphQLError(plain(e.message), {
              ...(e.nodes && { nodes: e.nodes }),
              extensions: { ...e.extensions, code: 'BAD_USER_INPUT' },
            }),
        ),
      );
    },
};

const INT32 = 2 ** 31;

/**
 * Numbers written in the query, checked before GraphQL Armor's cost limit, which would otherwise
 * refuse them first with a cost no one can act on: an Int beyond 32 bits, and a page size
 * (`first`) outside 0..MAX_PAGE. Thrown, as Armor throws: the first problem is the answer.
 */
const literalNumbers: Plugin = {
  onValidate: ({ addValidationRule }) =>
    addValidationRule(() => ({
      Document: (document: DocumentNode) => {
        visit(document, {
          Argument: (argument) => {
            if (argument.value.kind !== Kind.INT) return;
            const value = Number(argument.value.value);
            const field = argument.name.value;
            if (value >= INT32 || value < -INT32) {
              throw apiError(
                'BAD_USER_INPUT',
                `${field}: Int cannot represent non 32-bit signed integer value: ${argument.value.value}`,
                { field },
              );
            }
            if (field === 'first' && (value < 0 || value > MAX_PAGE)) {
              throw apiError('BAD_USER_INPUT', `first: between 0 and ${MAX_PAGE}`, { field });
            }
          },
        });
      },
    })),
};

/**
 * Each operation runs as its verified caller's tenant, once the context has verified it. The
 * operator (no tenant) runs on the control plane, as does a caller that failed to verify (every
 * field refuses it before any read).
 */
const asCallersTenant = (scope: TenantScope): Plugin<ApiContext> => ({
  onExecute: ({ args, executeFn, setExecuteFn }) => {
    const caller = args.contextValue.caller;
    const tenantId = caller instanceof Error ? null : caller.tenantId;
    setExecuteFn((execution) => scope(tenantId, () => executeFn(execution)));
  },
});

/**
 * Member administration (invite, remove, change roles) runs on the control plane once the
 * schema's TENANT_ADMIN check has passed (DESIGN.md §8): it also writes the `_platform` sub →
 * tenant map, which no tenant's credentials reach. Everything else of the application runs as
 * the request's tenant.
 */
const withControlPlane = (app: Application, scope: TenantScope): Application => {
  const { people } = app;
  return {
    ...app,
    people: {
      member: (caller, id) => people.member(caller, id),
      cohort: (caller, id) => people.cohort(caller, id),
      cohortCommand: (caller, cohortId, command, key) => people.cohortCommand(caller, cohortId, command, key),
      memberIds: (caller, role) => people.memberIds(caller, role),
      invite: (caller, input) => scope(null, () => people.invite(caller, input)),
      remove: (caller, input) => scope(null, () => people.remove(caller, input)),
      changeRoles: (caller, input) => scope(null, () => people.changeRoles(caller, input)),
      // the member stream and the student's data key both lead with the tenant: no map to write
      eraseStudent: (caller, input) => people.eraseStudent(caller, input),
    },
  };
};

const noIntrospection: Plugin = {
  onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule),
};

export const createApi = (options: ApiOptions): YogaServerInstance<ServerContext, ApiContext> => {
  const endpoint = options.graphqlEndpoint ?? '/graphql';
  const limiter = options.rateLimiter ?? new RateLimiter();
  const logger = options.logger ?? jsonLogger;
  const scope = options.tenantScope ?? unscoped;
  const app = options.tenantScope ? withControlPlane(options.app, scope) : options.app;
  const cors = options.corsOrigins
    ? { origin: [...options.corsOrigins], methods: ['GET', 'POST'], allowedHeaders: ['authorization', 'content-type'] }
    : !options.production;
  return createYoga<ServerContext, ApiContext>({
    cors,
    schema: options.schema,
    graphqlEndpoint: endpoint,
    // yoga answers it: 200 while the process can serve
    healthCheckEndpoint: '/health',
    landingPage: false,
    // expected failures are answers, not log lines; the unexpected are logged by maskError below
    logging: false,
    graphiql: !options.production,
    context: async ({ request, requestId, authorizerClaims }): Promise<ApiContext> => {
      let caller = await options.authenticator
        .authenticate(request.headers.get('authorization'))
        .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
      if (!(caller instanceof Error) && authorizerClaims && !agrees(caller, authorizerClaims)) {
        caller = new UnauthenticatedError('the token is not the one the gateway verified');
      }
      if (!(caller instanceof Error) && !limiter.allow(caller.userId, caller.tenantId)) {
        throw new GraphQLError('too many requests: slow down and retry in a second', {
          extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: { 'retry-after': '1' } } },
        });
      }
      return { requestId: requestId ?? request.headers.get('x-request-id') ?? randomUUID(), caller, app };
    },
    maskedErrors: {
      maskError: (error) => {
        const shown = publicError(error);
        if (shown) return shown;
        const errorId = randomUUID();
        logger.error('unexpected error', { errorId, error: String((error as Error)?.stack ?? error) });
        return internalError(errorId);
      },
    },
    plugins: [
      gate(endpoint),
      requestLog(logger),
      requestErrors,
      literalNumbers,
      EnvelopArmorPlugin({
        maxDepth: { n: LIMITS.depth },
        maxAliases: { n: LIMITS.aliases },
        maxTokens: { n: LIMITS.tokens },
        costLimit: { maxCost: LIMITS.cost },
        maxDirectives: { n: LIMITS.directives },
        blockFieldSuggestion: { enabled: options.production },
      }),
      ...(options.production ? [noIntrospection] : []),
      // last, so that it wraps whatever the plugins before it made of execution
      ...(options.tenantScope ? [asCallersTenant(scope)] : []),
    ],
  });
};
