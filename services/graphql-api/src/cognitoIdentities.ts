import type { TablesApiDeps } from '@app/api';
import type { AttributeType, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

// Who a new member is in AWS (DESIGN.md §7): a user of the Cognito pool, whose `sub` is its member
// id. Inviting a member (and provisioning a university's first admin) creates the user, and Cognito
// emails it a temporary password; a second invitation of the same email finds the user already
// there and answers with the same `sub` (so a retried invitation lands on the same member stream).
//
// The user carries no tenant and no roles: its university is the control plane's map (written next,
// which refuses a user another university holds) and its roles are its member stream, both read by
// the pre-token trigger. The pool's role groups are left alone: they would be a second copy of the
// roles that the trigger never reads, and one that drifts as roles change.
//
// These are control-plane calls: the client must be built with the function's own credentials,
// never with the tenant-scoped provider (tenantCredentials.ts), whose sessions reach only DynamoDB
// and KMS.

/** The API's port for the identity provider (`Identities` in @app/api's people.ts). */
export type Identities = NonNullable<TablesApiDeps['identities']>;

export interface CognitoIdentitiesOptions {
  /**
   * A client signing with the function's own role (not the tenant credentials), or how to make it
   * when first needed (invitations are rare: a cold start does not load Cognito's client for them).
   */
  readonly client: CognitoIdentityProviderClient | (() => Promise<CognitoIdentityProviderClient>);
  readonly userPoolId: string;
}

/** The email as the pool's username: the pool matches it without regard to case, so it is stored lower-case. */
export const normalisedEmail = (email: string): string => email.trim().toLowerCase();

// no email in the message: errors are logged, and logs carry ids only (DESIGN.md §8)
const subOf = (attributes: readonly AttributeType[] | undefined, what: string): string => {
  const sub = attributes?.find((a) => a.Name === 'sub')?.Value;
  if (!sub) throw new Error(`Cognito answered ${what} with no sub`);
  return sub;
};

const isNamed = (error: unknown, name: string): boolean =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;

export const cognitoIdentities = (options: CognitoIdentitiesOptions): Identities => ({
  // the pool is the platform's, not a tenant's: the tenant is recorded on the control plane's map
  async userFor(_tenantId, email, name) {
    const { userPoolId } = options;
    const client = typeof options.client === 'function' ? await options.client() : options.client;
    const { AdminCreateUserCommand, AdminGetUserCommand } = await import('@aws-sdk/client-cognito-identity-provider');
    const username = normalisedEmail(email);
    try {
      const created = await client.send(
        new AdminCreateUserCommand({
          UserPoolId: userPoolId,
          Username: username,
          UserAttributes: [
            { Name: 'email', Value: username },
            // the invitation goes to this address: reading the temporary password there verifies it
            { Name: 'email_verified', Value: 'true' },
            { Name: 'name', Value: name },
          ],
          DesiredDeliveryMediums: ['EMAIL'],
        }),
      );
      return subOf(created.User?.Attributes, 'AdminCreateUser');
    } catch (error) {
      if (!isNamed(error, 'UsernameExistsException')) throw error;
    }
    // already a user (invited before, or by another university, which the map then refuses)
    const existing = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
    return subOf(existing.UserAttributes, 'AdminGetUser');
  },
  // an erased student: the user goes, with its email and name (the username may be the user's sub)
  async forget(_tenantId, userId) {
    const client = typeof options.client === 'function' ? await options.client() : options.client;
    const { AdminDeleteUserCommand } = await import('@aws-sdk/client-cognito-identity-provider');
    try {
      await client.send(new AdminDeleteUserCommand({ UserPoolId: options.userPoolId, Username: userId }));
    } catch (error) {
      // deleted by an earlier attempt: what a retry of an erasure finds
      if (!isNamed(error, 'UserNotFoundException')) throw error;
    }
  },
});
