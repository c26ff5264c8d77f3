import { randomUUID } from 'node:crypto';
import { PLATFORM, parseTenantId, type TenantId } from '@app/core';
import { memberDecider, type Policy, tenantDecider } from '@app/domain';
import {
  type CommandHandler,
  deriveStreamId,
  type EventStore,
  GuardTakenError,
  guard,
  newTenantId,
  parseStreamId,
  streamRef,
  streamType,
} from '@app/event-store';
import type { Caller } from './auth.ts';
import { idempotencyKeyOf } from './commands.ts';
import type { TenantView } from './context.ts';
import { apiError } from './errors.ts';
import { checkInvitation, type Identities, type MemberView } from './people.ts';
import { stateOf } from './state.ts';
import { recordUserTenant } from './userTenants.ts';

// The operator provisions universities; a university's admin tunes its policy. Provisioning
// first registers the tenant on the control plane (its slug unique across the platform, its id
// in the tenant list: one transaction under `_platform`), then writes the tenant's stream and
// its first admin's member stream. Each step is idempotent (the registration by tenant id, the
// tenant by its slug, the member by its email), so a retry completes what a failure left.

/** The operator's list of tenants: one item per tenant under one control-plane partition. */
const registryEntry = (tenantId: TenantId) => ({
  kind: streamType('Tenants'),
  value: parseStreamId(tenantId),
  partition: parseStreamId('registry'),
});

export class Tenants {
  constructor(
    private readonly store: EventStore,
    private readonly handler: CommandHandler,
    private readonly identities: Identities,
    private readonly now: () => string,
  ) {}

  async provision(
    caller: Caller,
    input: {
      name: string;
      slug: string;
      adminEmail: string;
      adminName: string;
      idempotencyKey?: string | null | undefined;
    },
  ): Promise<{ tenant: TenantView; admin: MemberView }> {
    const key = idempotencyKeyOf(input.idempotencyKey);
    // A retried provisioning lands on the same tenant: its id derived from the key (the first
    // character zeroed so the id is a well-formed ULID, as tenant ids must be).
    const derived = (k: string) =>
      deriveStreamId('ten_', {
        scope: PLATFORM,
        userId: caller.userId,
        commandType: 'ProvisionTenant',
        idempotencyKey: k,
      });
    const tenantId = key ? parseTenantId(`ten_0${derived(key).slice(5)}`) : newTenantId();
    const actor = { userId: caller.userId, role: 'PLATFORM_ADMIN' };
    const command = { type: 'ProvisionTenant' as const, name: input.name, slug: input.slug };
    // the input checked (pure) before anything is written, so bad input leaves nothing behind
    tenantDecider.decide(command, tenantDecider.initialState, { now: this.now() });
    checkInvitation({ email: input.adminEmail, name: input.adminName, roles: ['TENANT_ADMIN'] }, this.now());
    await this.register(tenantId, input.slug);
    const provisioned = await this.handler.handle({
      stream: streamRef(tenantId, 'Tenant', tenantId),
      decider: tenantDecider,
      commandType: 'ProvisionTenant',
      command,
      context: () => ({ now: this.now() }),
      actor,
      correlationId: randomUUID(),
      ...(key && { idempotencyKey: key }),
    });
    const adminId = await this.identities.userFor(tenantId, input.adminEmail, input.adminName);
    // the admin's university on the control plane's map (see People.invite)
    await recordUserTenant(this.store, adminId, tenantId);
    const invited = await this.handler.handle({
      stream: streamRef(tenantId, 'Member', adminId),
      decider: memberDecider,
      commandType: 'InviteMember',
      command: { type: 'InviteMember', email: input.adminEmail, name: input.adminName, roles: ['TENANT_ADMIN'] },
      context: () => ({ now: this.now(), memberId: adminId }),
      actor,
      correlationId: randomUUID(),
    });
    if (provisioned.state.status === 'NONE' || invited.state.status === 'NONE') {
      throw new Error(`tenant ${tenantId} or its admin folds to nothing after provisioning`);
    }
    return { tenant: { ...provisioned.state, id: tenantId }, admin: { ...invited.state, id: adminId } };
  }

  /** The tenant ids on the platform, in id order (the operator's list). */
  list(): Promise<string[]> {
    return this.store.guardsIn(PLATFORM, 'Tenants', 'registry');
  }

  /** A tenant as its stream says now, for the operator; `null` when there is none. */
  async get(id: string): Promise<TenantView | null> {
    if (!id.startsWith('ten_')) return null;
    const tenantId = parseTenantId(id);
    const state = await stateOf(this.store, streamRef(tenantId, 'Tenant', tenantId), tenantDecider);
    return state.status === 'NONE' ? null : { ...state, id: tenantId };
  }

  /**
   * The operator suspends a university, or reactivates it: while suspended its members read but
   * every write is refused (FORBIDDEN, `reason: TENANT_SUSPENDED`; see `Commands`). A tenant
   * that does not exist is NOT_FOUND.
   */
  async setStatus(
    caller: Caller,
    input: {
      tenantId: string;
      suspend: boolean;
      reason?: string | null | undefined;
      idempotencyKey?: string | null | undefined;
    },
  ): Promise<TenantView> {
    const key = idempotencyKeyOf(input.idempotencyKey);
    const missing = () => apiError('NOT_FOUND', `no tenant ${input.tenantId}`, { field: 'tenantId' });
    let tenantId: TenantId;
    try {
      tenantId = parseTenantId(input.tenantId);
    } catch {
      throw missing(); // no tenant can have this id
    }
    const command = input.suspend
      ? { type: 'SuspendTenant' as const, reason: input.reason ?? '' }
      : // the domain records a reason for both; a reactivation's is optional here
        { type: 'ReactivateTenant' as const, reason: input.reason?.trim() || 'reactivated by the platform operator' };
    const result = await this.handler.handle({
      stream: streamRef(tenantId, 'Tenant', tenantId),
      decider: tenantDecider,
      commandType: command.type,
      command,
      // one read, not `get` and then a load: the stream as loaded says whether the tenant exists
      authorize: (state) => {
        if (state.status === 'NONE') throw missing();
      },
      context: () => ({ now: this.now() }),
      actor: { userId: caller.userId, role: 'PLATFORM_ADMIN' },
      correlationId: randomUUID(),
      ...(key && { idempotencyKey: key }),
    });
    if (result.state.status === 'NONE') throw new Error(`tenant ${tenantId} folds to nothing after ${command.type}`);
    return { ...result.state, id: tenantId };
  }

  /** The slug claimed for the tenant and the tenant listed, together; a retry finds them its own. */
  private async register(tenantId: TenantId, slug: string): Promise<void> {
    const owner = streamRef(PLATFORM, 'Tenant', tenantId);
    const listed = async () => (await this.list()).includes(tenantId);
    if (await listed()) return;
    try {
      await this.store.appendMany(
        [],
        [
          { op: 'claim', guard: guard('TenantSlug', slug), owner },
          { op: 'claim', guard: registryEntry(tenantId), owner },
        ],
      );
    } catch (error) {
      if (!(error instanceof GuardTakenError)) throw error;
      if (await listed()) return; // a concurrent retry of this provisioning registered it
      throw apiError('CONFLICT', `the slug "${slug}" is taken by another university: choose another`, {
        field: 'slug',
      });
    }
  }

  async changePolicy(
    caller: Caller & { tenantId: TenantId },
    changes: Partial<Omit<Policy, 'version'>>,
    idempotencyKey?: string | null,
  ): Promise<TenantView> {
    const key = idempotencyKeyOf(idempotencyKey);
    const result = await this.handler.handle({
      stream: streamRef(caller.tenantId, 'Tenant', caller.tenantId),
      decider: tenantDecider,
      commandType: 'ChangeTenantPolicy',
      command: { type: 'ChangeTenantPolicy', changes },
      context: () => ({ now: this.now() }),
      actor: { userId: caller.userId, role: 'TENANT_ADMIN' },
      correlationId: randomUUID(),
      ...(key && { idempotencyKey: key }),
    });
    if (result.state.status === 'NONE') throw new Error(`tenant ${caller.tenantId} is not provisioned`);
    return { ...result.state, id: caller.tenantId };
  }
}
