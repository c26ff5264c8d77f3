import { AppError } from '@app/core';
import type { RuleCode } from './rules/rules.ts';

/** A command a hard rule forbids, or that the stream's state does not accept. */
export class RuleViolationError extends AppError<'RULE_VIOLATION'> {
  constructor(
    readonly rule: RuleCode | 'INVALID_TRANSITION',
    message: string,
  ) {
    super('RULE_VIOLATION', message, { rule });
  }
}

/** Input that is wrong in itself (a length, a format, a time in the future); `field` names it. */
export class InvalidInputError extends AppError<'BAD_USER_INPUT'> {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('BAD_USER_INPUT', `${field}: ${message}`, { field });
  }
}

/** Writes in a suspended tenant: its members may read, not write. */
export class TenantSuspendedError extends AppError<'FORBIDDEN'> {
  readonly reason = 'TENANT_SUSPENDED';
  constructor() {
    super('FORBIDDEN', 'this university’s account is suspended: data can be read but not changed', {
      reason: 'TENANT_SUSPENDED',
    });
  }
}
