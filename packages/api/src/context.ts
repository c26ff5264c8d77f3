import type { Tenant } from '@app/domain';
import type { Caller } from './auth.ts';

/** A provisioned tenant, with its id. */
export type TenantView = Extract<Tenant, { status: 'ACTIVE' | 'SUSPENDED' }> & { readonly id: string };

/** What resolvers may call: application functions, never DynamoDB (STYLE.md). */
export interface Application {
  /** The caller's tenant as its stream says now; `null` for the operator, or a tenant not provisioned. */
  tenant(caller: Caller): Promise<TenantView | null>;
}

/** One request's context. */
export interface ApiContext {
  readonly requestId: string;
  /** The verified caller, or why there is none (every field but the public ones answers that error). */
  readonly caller: Caller | Error;
  readonly app: Application;
}

/** The caller, or the reason it could not be established, thrown. */
export const callerOf = (ctx: ApiContext): Caller => {
  if (ctx.caller instanceof Error) throw ctx.caller;
  return ctx.caller;
};
