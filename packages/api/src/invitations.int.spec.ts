import { testDb } from '@app/testing';
import { World } from '@app/views/fixtures';
import { describe, expect, it } from 'vitest';

import { localIdentities } from './people.ts';
import { worldApplication } from './testApi.ts';

// The identity provider (Cognito in AWS) creates and emails a user: it must never be asked for
// one the member's decider would then refuse.

describe('invitations', () => {
  it('check the email, name and role before the identity provider creates anyone', async () => {
    const w = new World(testDb());
    await w.provision();
    const asked: string[] = [];
    const app = worldApplication(w, {
      identities: {
        ...localIdentities,
        userFor: async (tenantId, email, name) => {
          asked.push(email);
          return localIdentities.userFor(tenantId, email, name);
        },
      },
    });
    const admin = { userId: await w.member(['TENANT_ADMIN']), roles: ['TENANT_ADMIN' as const], tenantId: w.tenantId };
    for (const [input, field] of [
      [{ email: 'not an email', name: 'Pat', role: 'STUDENT' }, 'email'],
      [{ email: 'pat@uni.example', name: '   ', role: 'STUDENT' }, 'name'],
      [{ email: 'pat@uni.example', name: 'Pat', role: 'JANITOR' }, 'roles'],
    ] as const) {
      await expect(app.people.invite(admin, input)).rejects.toMatchObject({ details: { field } });
    }
    expect(asked).toEqual([]);
    await app.people.invite(admin, { email: 'pat@uni.example', name: 'Pat', role: 'STUDENT' });
    expect(asked).toEqual(['pat@uni.example']);

    const operator = { userId: 'usr_operator', roles: ['PLATFORM_ADMIN' as const], tenantId: null };
    await expect(
      app.tenants.provision(operator, { name: 'U', slug: 'u-bad', adminEmail: 'nope', adminName: 'A' }),
    ).rejects.toMatchObject({ details: { field: 'email' } });
    expect(asked).toEqual(['pat@uni.example']);
  });
});
