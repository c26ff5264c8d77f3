import { randomUUID } from 'node:crypto';
import { PLATFORM, parseTenantId, type TenantId } from '@app/core';
import { memberDecider, type Policy, tenantDecider } from '@app/domain';
import { type CommandHandler, deriveStreamId, newTenantId, streamRef } from '@app/event-store';
import type { Caller } from './auth.ts';
import { idempotencyKeyOf } from './commands.ts';
import type { TenantView } from './context.ts';
import type { Identities, MemberView } from './people.ts';

// The operator provisions universities; a university's admin tunes its policy. Provisioning
// writes the tenant's stream and its first admin's member stream: two streams, each write
// idempotent (the tenant by its slug, the member by its email), so a retry completes the pair.

export class Tenants {
  constructor(
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
    const provisioned = await this.handler.handle({
      stream: streamRef(tenantId, 'Tenant', tenantId),
      decider: tenantDecider,
      commandType: 'ProvisionTenant',
      command: { type: 'ProvisionTenant', name: input.name, slug: input.slug },
      context: () => ({ now: this.now() }),
      actor,
      correlationId: randomUUID(),
      ...(key && { idempotencyKey: key }),
    });
    const adminId = await this.identities.userFor(tenantId, input.adminEmail, input.adminName);
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
