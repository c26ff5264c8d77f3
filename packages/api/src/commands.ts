import { randomUUID } from 'node:crypto';
import type { DecidedEvent, Decider } from '@app/core';
import { type Tenant, TenantSuspendedError, tenantDecider } from '@app/domain';
import {
  type CommandHandler,
  type CommandResult,
  deriveStreamId,
  type EventStore,
  type GuardChange,
  newId,
  streamRef,
} from '@app/event-store';
import type { Caller } from './auth.ts';
import { apiError } from './errors.ts';
import { stateOf } from './state.ts';

// How the API sends a command: the stream from the caller's tenant (never from the input), the
// actor from the token, a creating command's stream id derived from its idempotency key (so a
// retry lands on the same stream and finds its own event), and every event stamped with the
// cohorts the student is enrolled in when it is recorded (DESIGN.md §4).
//
// A suspended tenant (the operator's `suspendTenant`) keeps its data readable by its members, but
// every write is FORBIDDEN with `reason: TENANT_SUSPENDED` (DESIGN.md §7) until it is reactivated.
// Every tenant write passes through `send`, so the check is here: the Tenant stream is read beside
// the written stream's load (not before it), once per request — the interview writes read that
// same promise for the tenant's policy, so they pay nothing more, and any other write one small
// read in parallel. It is checked when the command is about to be decided: after the stream's
// owner check (another's id still answers NOT_FOUND, revealing nothing) and after a repeated
// idempotency key (a retry of a write that landed before the suspension answers as it did, and
// writes nothing). A policy change is refused by the tenant's own decider.

export interface Send<S, C extends { type: string }, E extends DecidedEvent, X> {
  readonly caller: Caller;
  /** The stream type, and either the id of an existing stream or the prefix of a new one. */
  readonly stream: { readonly type: string } & ({ readonly id: string } | { readonly create: string });
  readonly decider: Decider<S, C, E, X>;
  readonly command: C;
  readonly context: (state: S) => X | Promise<X>;
  /** Refuses a caller who may not act on the stream as loaded (see CommandHandler). */
  readonly authorize?: (state: S) => void | Promise<void>;
  readonly idempotencyKey?: string | null | undefined;
  readonly expectedVersion?: number | null | undefined;
  readonly guards?: (events: readonly E[], state: S) => readonly GuardChange[];
}

/** The longest idempotency key accepted: a client's request id, not a payload. */
export const MAX_IDEMPOTENCY_KEY = 200;

/** An idempotency key as given, checked: a non-empty string of at most {@link MAX_IDEMPOTENCY_KEY} characters. */
export const idempotencyKeyOf = (key: string | null | undefined): string | undefined => {
  if (key === null || key === undefined) return undefined;
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY) {
    throw apiError('BAD_USER_INPUT', `idempotencyKey: 1 to ${MAX_IDEMPOTENCY_KEY} characters`, {
      field: 'idempotencyKey',
    });
  }
  return key;
};

/** The role an actor acted in: the most specific it holds. */
const actingRole = (caller: Caller): string =>
  (['STUDENT', 'COACH', 'TENANT_ADMIN', 'PLATFORM_ADMIN'] as const).find((r) => caller.roles.includes(r)) ?? 'UNKNOWN';

export class Commands {
  constructor(
    private readonly store: EventStore,
    private readonly handler: CommandHandler,
  ) {}

  /** Each request's callers, with their tenant as that request first read it. */
  private readonly tenants = new WeakMap<Caller, Promise<Tenant>>();

  /** The caller's tenant as its stream says, read once per request (each request has its own caller). */
  tenant(caller: Caller): Promise<Tenant> {
    const tenantId = caller.tenantId;
    if (tenantId === null) return Promise.reject(apiError('FORBIDDEN', 'the operator acts on tenants, not inside one'));
    let tenant = this.tenants.get(caller);
    if (!tenant) {
      tenant = stateOf(this.store, streamRef(tenantId, 'Tenant', tenantId), tenantDecider);
      tenant.catch(() => {}); // awaited by each reader; one unread must not go unhandled
      this.tenants.set(caller, tenant);
    }
    return tenant;
  }

  /** Refuses a write in a suspended tenant (reads go on). */
  async writable(caller: Caller): Promise<void> {
    if ((await this.tenant(caller)).status === 'SUSPENDED') throw new TenantSuspendedError();
  }

  async send<S, C extends { type: string }, E extends DecidedEvent, X>(
    s: Send<S, C, E, X>,
  ): Promise<CommandResult<S, E> & { id: string }> {
    const { caller } = s;
    const tenantId = caller.tenantId;
    if (tenantId === null) throw apiError('FORBIDDEN', 'the operator acts on tenants, not inside one');
    const idempotencyKey = idempotencyKeyOf(s.idempotencyKey);
    const id =
      'id' in s.stream
        ? s.stream.id
        : idempotencyKey
          ? deriveStreamId(s.stream.create, {
              scope: tenantId,
              userId: caller.userId,
              commandType: s.command.type,
              idempotencyKey,
            })
          : newId(s.stream.create);
    const student = caller.roles.includes('STUDENT') ? caller.userId : null;
    // read beside the stream's load rather than after the decision: enrolments change rarely,
    // and a command racing one is concurrent with it either way
    const cohorts = student ? this.store.guardsIn(tenantId, 'Enrolments', student) : Promise.resolve([]);
    cohorts.catch(() => {}); // awaited below; a refusal before then must not leave it unhandled
    const writable = this.writable(caller);
    writable.catch(() => {}); // awaited when deciding; a refusal before then must not leave it unhandled
    const result = await this.handler.handle({
      stream: streamRef(tenantId, s.stream.type, id),
      decider: s.decider,
      commandType: s.command.type,
      command: s.command,
      context: async (state) => {
        await writable;
        return s.context(state);
      },
      actor: { userId: caller.userId, role: actingRole(caller) },
      correlationId: randomUUID(),
      ...(idempotencyKey !== undefined && { idempotencyKey }),
      ...(s.expectedVersion !== undefined && s.expectedVersion !== null && { expectedVersion: s.expectedVersion }),
      stamp: async () => ({ cohorts: await cohorts }),
      ...(s.authorize && { authorize: s.authorize }),
      ...(s.guards && { guards: s.guards }),
    });
    return { ...result, id };
  }
}
