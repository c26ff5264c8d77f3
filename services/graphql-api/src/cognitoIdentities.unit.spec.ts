import { parseTenantId } from '@app/core';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cognitoIdentities, normalisedEmail } from './cognitoIdentities.ts';
import { lambdaDeps } from './deps.ts';
import { runAsTenant } from './tenantCredentials.ts';

// Members as Cognito users: the requests the API makes of the user pool, mocked at the AWS API (no
// call leaves the process), and the credentials it makes them with.

const POOL = 'eu-west-1_AbCdEf';
const TENANT = parseTenantId('ten_01J8Z3K4M5N6P7Q8R9S0T1V2W3');
const SUB = '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';

const cognito = mockClient(CognitoIdentityProviderClient);
const identities = () =>
  cognitoIdentities({ client: new CognitoIdentityProviderClient({ region: 'eu-west-1' }), userPoolId: POOL });

/** A user as Cognito lists it: its attributes, `sub` among them. */
const attributes = (sub: string, email: string) => [
  { Name: 'sub', Value: sub },
  { Name: 'email', Value: email },
  { Name: 'email_verified', Value: 'true' },
  { Name: 'name', Value: 'Ada Lovelace' },
];

const exists = () =>
  new UsernameExistsException({ message: 'An account with the given email already exists.', $metadata: {} });

beforeEach(() => {
  cognito.reset();
});

describe('cognitoIdentities', () => {
  it('creates the user with its email as the username, verified, and Cognito emailing the temporary password', async () => {
    cognito.on(AdminCreateUserCommand).resolves({
      User: { Username: SUB, Attributes: attributes(SUB, 'ada@uni.example.edu'), Enabled: true },
    });

    await expect(identities().userFor(TENANT, '  Ada@Uni.Example.EDU ', 'Ada Lovelace')).resolves.toBe(SUB);

    expect(cognito.calls().map((call) => call.args[0].input)).toEqual([
      {
        UserPoolId: POOL,
        Username: 'ada@uni.example.edu',
        UserAttributes: [
          { Name: 'email', Value: 'ada@uni.example.edu' },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'name', Value: 'Ada Lovelace' },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      },
    ]);
    expect(cognito.commandCalls(AdminCreateUserCommand)).toHaveLength(1);
    // roles are the member stream's: no group is joined
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)).toHaveLength(0);
  });

  it('answers with the existing user’s sub when the email is already a user (idempotent by email)', async () => {
    cognito.on(AdminCreateUserCommand).rejects(exists());
    cognito.on(AdminGetUserCommand).resolves({
      Username: SUB,
      UserAttributes: attributes(SUB, 'ada@uni.example.edu'),
      Enabled: true,
      UserStatus: 'FORCE_CHANGE_PASSWORD',
    });

    await expect(identities().userFor(TENANT, 'ADA@uni.example.edu', 'Ada L.')).resolves.toBe(SUB);

    expect(cognito.commandCalls(AdminCreateUserCommand)).toHaveLength(1);
    expect(cognito.commandCalls(AdminGetUserCommand).map((call) => call.args[0].input)).toEqual([
      { UserPoolId: POOL, Username: 'ada@uni.example.edu' },
    ]);
    expect(cognito.calls()).toHaveLength(2);
  });

  it('answers twice with the same sub for the same email, however it is written', async () => {
    let created = false;
    cognito.on(AdminCreateUserCommand).callsFake(async (input: { Username: string }) => {
      if (created) throw exists();
      created = true;
      return { User: { Username: SUB, Attributes: attributes(SUB, input.Username) } };
    });
    cognito.on(AdminGetUserCommand).resolves({ Username: SUB, UserAttributes: attributes(SUB, 'ada@uni.example.edu') });

    const ids = identities();
    const first = await ids.userFor(TENANT, 'ada@uni.example.edu', 'Ada Lovelace');
    const again = await ids.userFor(TENANT, ' ADA@UNI.EXAMPLE.EDU', 'Ada Lovelace');
    expect([first, again]).toEqual([SUB, SUB]);
    expect(cognito.commandCalls(AdminCreateUserCommand).map((call) => call.args[0].input.Username)).toEqual([
      'ada@uni.example.edu',
      'ada@uni.example.edu',
    ]);
  });

  it('throws any other error of Cognito as it is, without looking the user up', async () => {
    const invalid = new CognitoIdentityProviderServiceException({
      name: 'InvalidParameterException',
      $fault: 'client',
      message: 'Invalid email address format.',
      $metadata: {},
    });
    cognito.on(AdminCreateUserCommand).rejects(invalid);

    await expect(identities().userFor(TENANT, 'not-an-email', 'Ada Lovelace')).rejects.toBe(invalid);
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(0);
  });

  it('throws when looking up the existing user fails', async () => {
    cognito.on(AdminCreateUserCommand).rejects(exists());
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
    cognito.on(AdminGetUserCommand).rejects(throttled);

    await expect(identities().userFor(TENANT, 'ada@uni.example.edu', 'Ada Lovelace')).rejects.toBe(throttled);
  });

  it('refuses an answer with no sub rather than inventing a member id', async () => {
    cognito.on(AdminCreateUserCommand).resolves({ User: { Username: SUB, Attributes: [] } });
    await expect(identities().userFor(TENANT, 'ada@uni.example.edu', 'Ada Lovelace')).rejects.toThrow(
      /AdminCreateUser with no sub/,
    );
  });

  it("deletes an erased student's user by its sub, and counts a user already gone as deleted", async () => {
    cognito
      .on(AdminDeleteUserCommand)
      .resolvesOnce({})
      .rejects(new UserNotFoundException({ message: 'User does not exist.', $metadata: {} }));

    await identities().forget(TENANT, SUB);
    await identities().forget(TENANT, SUB); // a retried erasure

    expect(cognito.calls().map((call) => call.args[0].input)).toEqual([
      { UserPoolId: POOL, Username: SUB },
      { UserPoolId: POOL, Username: SUB },
    ]);
  });

  it('throws any other error of a deletion, so the erasure is retried', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
    cognito.on(AdminDeleteUserCommand).rejects(throttled);
    await expect(identities().forget(TENANT, SUB)).rejects.toBe(throttled);
  });

  it('normalises an email to the username the pool matches: trimmed and lower-case', () => {
    expect(normalisedEmail('  Ada@Uni.Example.EDU\n')).toBe('ada@uni.example.edu');
  });
});

describe('the Lambda’s identities', () => {
  const sts = mockClient(STSClient);
  const OWN = { accessKeyId: 'AKIA-OWN', secretAccessKey: 'own-secret', sessionToken: 'own-token' };
  const env = {
    AWS_REGION: 'eu-west-1',
    EVENTS_TABLE: 'dev-events',
    VIEWS_TABLE: 'dev-views',
    KMS_KEY_ID: 'arn:aws:kms:eu-west-1:123456789012:key/1234',
    USER_POOL_ID: POOL,
    USER_POOL_CLIENT_IDS: 'client-a',
    TENANT_ROLE_ARN: 'arn:aws:iam::123456789012:role/ii-dev-tenant',
  };

  beforeEach(() => {
    sts.reset();
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'AKIA-TENANT',
        SecretAccessKey: 'tenant-secret',
        SessionToken: 'tenant-token',
        Expiration: new Date(Date.now() + 900_000),
      },
    });
    // the function's own credentials, as the Lambda runtime gives them
    vi.stubEnv('AWS_ACCESS_KEY_ID', OWN.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', OWN.secretAccessKey);
    vi.stubEnv('AWS_SESSION_TOKEN', OWN.sessionToken);
    vi.stubEnv('AWS_PROFILE', undefined);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("are the pool's users, created with the function's own credentials even inside a tenant's request", async () => {
    const deps = lambdaDeps(env);
    let signedWith: unknown;
    cognito.on(AdminCreateUserCommand).callsFake(async (input: { UserPoolId: string }, getClient) => {
      expect(input.UserPoolId).toBe(POOL);
      // what the client would sign this request with, had it been sent
      signedWith = await getClient().config.credentials();
      return { User: { Username: SUB, Attributes: attributes(SUB, 'ada@uni.example.edu') } };
    });

    // an admin's invitation runs inside its tenant's scope (the API's tenantScope in AWS)
    const id = await runAsTenant(TENANT, () => deps.identities?.userFor(TENANT, 'ada@uni.example.edu', 'Ada Lovelace'));

    expect(id).toBe(SUB);
    expect(signedWith).toMatchObject(OWN);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    // whereas the same scope gives the table client the tenant's session: the test tells them apart
    await expect(runAsTenant(TENANT, () => deps.client.config.credentials())).resolves.toMatchObject({
      accessKeyId: 'AKIA-TENANT',
    });
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });
});
