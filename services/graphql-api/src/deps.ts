import type { TokenRules } from '@app/api';
import { DYNAMO_CLIENT_DEFAULTS, type KeyWrapper, kmsKeyWrapper } from '@app/event-store';
import type { TableNames } from '@app/tables';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { createRemoteJWKSet } from 'jose';
import { cognitoIdentities, type Identities } from './cognitoIdentities.ts';
import { tenantCredentials } from './tenantCredentials.ts';

// The GraphQL Lambda's composition root in AWS: everything from the stack's environment. The
// local server (`pnpm dev`) composes the same API with DynamoDB Local, a key file, the dev issuer
// and local identities in place of the Cognito users.

export interface GraphqlDeps {
  readonly client: DynamoDBClient;
  readonly tables: TableNames;
  /** The master key that wraps the per-student data keys. */
  readonly keyWrapper: KeyWrapper;
  readonly tokenRules: TokenRules;
  /** Who a new member is: in AWS the Cognito user (absent, the local identities of @app/api). */
  readonly identities?: Identities;
  /** The browser origins of the frontends. */
  readonly corsOrigins: readonly string[];
  /** The route API Gateway sends GraphQL requests on. */
  readonly graphqlPath: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const reader = (env: Env) => (name: string) => {
  const value = env[name]?.trim();
  if (!value) throw new Error(`the GraphQL API needs the environment variable ${name}`);
  return value;
};

/** The Cognito user pool's access tokens: its issuer, its JWKS, its app clients (DESIGN.md §7). */
export const cognitoRules = (region: string, userPoolId: string, clientIds: readonly string[]): TokenRules => {
  const issuer = `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  return {
    issuer,
    // fetched once per cold start, then cached by jose (and refetched for an unknown key id)
    key: createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)),
    clientIds,
    algorithms: ['RS256'],
  };
};

/** Made when first asked for, then kept (clients the cold start need not load: STS, Cognito). */
const once = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make();
    return made;
  };
};

export const lambdaDeps = (env: Env = process.env): GraphqlDeps => {
  const required = reader(env);
  const region = required('AWS_REGION');
  const list = (name: string) =>
    required(name)
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  // the request's tenant's scoped credentials, or the function's own for the control plane; a
  // missing role refuses every tenant's call rather than falling back to the wider role
  const credentials = tenantCredentials({
    sts: once(async () => new (await import('@aws-sdk/client-sts')).STSClient({ region })),
    roleArn: env.TENANT_ROLE_ARN?.trim() || undefined,
  });
  const userPoolId = required('USER_POOL_ID');
  return {
    client: new DynamoDBClient({ ...DYNAMO_CLIENT_DEFAULTS, credentials }),
    tables: { events: required('EVENTS_TABLE'), views: required('VIEWS_TABLE') },
    keyWrapper: kmsKeyWrapper(new KMSClient({ credentials }), required('KMS_KEY_ID')),
    tokenRules: cognitoRules(region, userPoolId, list('USER_POOL_CLIENT_IDS')),
    // the control plane's client: the function's own role, never the tenant's credentials
    identities: cognitoIdentities({
      client: once(
        async (): Promise<CognitoIdentityProviderClient> =>
          new (await import('@aws-sdk/client-cognito-identity-provider')).CognitoIdentityProviderClient({ region }),
      ),
      userPoolId,
    }),
    corsOrigins: env.CORS_ORIGINS ? list('CORS_ORIGINS') : [],
    graphqlPath: env.GRAPHQL_PATH?.trim() || '/graphql',
  };
};
