import { InvalidInputError, RuleViolationError, TenantSuspendedError } from '@app/domain';
import { ConcurrencyError } from '@app/event-store';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { UnauthenticatedError } from './auth.ts';
import { apiError, internalError, publicError } from './errors.ts';

const seen = (error: unknown) => {
  const e = publicError(error);
  return e && { message: e.message, extensions: e.extensions };
};

describe('errors as clients see them', () => {
  it('gives a refusal its rule, bad input its field, a suspended tenant its reason', () => {
    expect(seen(new RuleViolationError('THANK_YOU_BEFORE_MEETING', 'hold the meeting first'))).toEqual({
      message: 'hold the meeting first',
      extensions: { code: 'RULE_VIOLATION', rule: 'THANK_YOU_BEFORE_MEETING' },
    });
    expect(seen(new InvalidInputError('sentAt', 'is in the future'))).toEqual({
      message: 'sentAt: is in the future',
      extensions: { code: 'BAD_USER_INPUT', field: 'sentAt' },
    });
    expect(seen(new TenantSuspendedError())?.extensions).toEqual({ code: 'FORBIDDEN', reason: 'TENANT_SUSPENDED' });
    expect(seen(new UnauthenticatedError('the token has expired: sign in again'))?.extensions).toEqual({
      code: 'UNAUTHENTICATED',
    });
  });

  it('turns a lost race into CONFLICT, and keeps an error the API raised itself', () => {
    expect(seen(new ConcurrencyError('ten_x#Interview#int_1', 'version 5 exists', 4))?.extensions?.code).toBe(
      'CONFLICT',
    );
    const notFound = apiError('NOT_FOUND', 'no interview int_1');
    expect(publicError(notFound)).toBe(notFound);
    // as graphql-js wraps what a resolver throws
    const wrapped = new GraphQLError('wrapped', { originalError: new InvalidInputError('to', 'before from') });
    expect(seen(wrapped)?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'to' });
  });

  it('masks everything else: no internal message, no stack, only a request id', () => {
    expect(publicError(new Error('ProvisionedThroughputExceededException at arn:aws:dynamodb:…'))).toBeNull();
    expect(publicError(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBeNull();
    expect(publicError(new GraphQLError('x', { originalError: new Error('secret') }))).toBeNull();
    const masked = internalError('req-123');
    expect(masked.message).not.toMatch(/secret|arn:|undefined/);
    expect(masked.extensions).toEqual({ code: 'INTERNAL', requestId: 'req-123' });
  });
});
