import { isAppError } from '@app/core';
import { GraphQLError } from 'graphql';

// Every failure a client sees is a GraphQL error with one of the codes DESIGN.md §7 lists, a
// message a person can act on, and the details that code promises (`rule`, `field`, `reason`).
// Anything else is a bug: the client gets INTERNAL and a request id, the log gets the error.

export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'RULE_VIOLATION',
  'CONFLICT',
  'RATE_LIMITED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The code clients see for an application error's own code; `undefined` for one that is a bug. */
const PUBLIC: Readonly<Record<string, ErrorCode>> = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  RULE_VIOLATION: 'RULE_VIOLATION',
  RATE_LIMITED: 'RATE_LIMITED',
  // another writer got there first: the client reloads and tries again
  CONCURRENCY: 'CONFLICT',
  // an idempotency key reused for a different request
  IDEMPOTENCY_KEY_REUSED: 'CONFLICT',
  // something unique (an email, a slug) is held by another
  GUARD_TAKEN: 'CONFLICT',
  // what a client sent is too big to store: its input, not our fault
  EVENT_TOO_LARGE: 'BAD_USER_INPUT',
  // an id no stream can have (characters or length outside what stream ids allow)
  INVALID_ID: 'BAD_USER_INPUT',
  SUBJECT_ERASED: 'FORBIDDEN',
};

/** The details each public code carries, and nothing else from the error. */
const DETAILS = ['rule', 'field', 'reason'] as const;

/** GraphQL Armor reports its limits as syntax errors; they are not: say only which limit was passed. */
export const plain = (message: string): string => message.replace(/^Syntax Error: (?=.* limit of )/, '');

/** The input field a variable error names (`… at "input.sentAt"` → `sentAt`), if it names one. */
const variableField = (message: string): string | undefined =>
  /at "(?:[^"]*\.)?([A-Za-z_][A-Za-z0-9_]*)(?:\[\d+\])*"/.exec(message)?.[1];

/** An error thrown while resolving, as the client sees it; `null` when it must be masked. */
export const publicError = (error: unknown): GraphQLError | null => {
  if (error instanceof GraphQLError) {
    const code = error.extensions?.code;
    if (typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code)) {
      const field = code === 'BAD_USER_INPUT' && error.extensions.field === undefined && variableField(error.message);
      if (!field) return error;
      return new GraphQLError(error.message, {
        ...(error.nodes && { nodes: error.nodes }),
        ...(error.path && { path: error.path }),
        extensions: { ...error.extensions, field },
      });
    }
    if (error.originalError && !error.extensions?.http) return publicError(error.originalError);
    // the request itself is wrong (unparsable, invalid, over a limit, not JSON): its HTTP status
    // kept, also for `Accept: application/json` (whose spec-compliant answer is 200), as DESIGN.md
    // §7 promises 400; and a variable's path, when the message names one, as its field
    const http = error.extensions?.http as { status?: number; spec?: boolean } | undefined;
    const field = variableField(error.message);
    return new GraphQLError(plain(error.message), {
      ...(error.nodes && { nodes: error.nodes }),
      extensions: {
        code: 'BAD_USER_INPUT',
        ...(field && { field }),
        ...(http !== undefined && { http: { ...http, spec: false } }),
      },
    });
  }
  if (!isAppError(error)) return null;
  const code = PUBLIC[error.code];
  if (!code) return null;
  const extensions: Record<string, unknown> = { code };
  for (const name of DETAILS) {
    const value = error.details[name];
    if (typeof value === 'string') extensions[name] = value;
  }
  return new GraphQLError(error.message, { extensions });
};

/** What a client sees of a bug: a fixed message and the request id to quote to support. */
export const internalError = (requestId: string): GraphQLError =>
  new GraphQLError(`something went wrong on our side; quote request ${requestId} if you contact support`, {
    extensions: { code: 'INTERNAL', requestId },
  });

/** An error with a public code, for the API's own checks (visibility, roles, limits). */
export const apiError = (code: Exclude<ErrorCode, 'INTERNAL'>, message: string, details: Record<string, string> = {}) =>
  new GraphQLError(message, { extensions: { code, ...details } });
