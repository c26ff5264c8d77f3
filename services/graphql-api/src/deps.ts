import type { TokenRules } from '@app/api';
import { type KeyWrapper, kmsKeyWrapper } from '@app/event-store';
import type { TableNames } from '@app/tables';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { STSClient } from '@aws-sdk/client-sts';
import { createRemoteJWKSet } from 'jose';
import { tenantCredentials } from './tenantCredentials.ts';

// The GraphQL Lambda's composition root in AWS: everything from the stack's environment. The
// local server (`pnpm dev`) composes the same API with DynamoDB Local, a key file and the dev issuer.

export interface GraphqlDeps {
  readonly client: DynamoDBClient;
  readonly tables: TableNames;
  /** The master key that wraps the per-student data keys. */
  readonly keyWrapper: KeyWrapper;
  readonly tokenRules: TokenRules;
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
    sts: new STSClient({ region }),
    roleArn: env.TENANT_ROLE_ARN?.trim() || undefined,
  });
  return {
    client: new DynamoDBClient({ credentials }),
    tables: { events: required('EVENTS_TABLE'), views: required('VIEWS_TABLE') },
    keyWrapper: kmsKeyWrapper(new KMSClient({ credentials }), required('KMS_KEY_ID')),
    tokenRules: cognitoRules(region, required('USER_POOL_ID'), list('USER_POOL_CLIENT_IDS')),
    corsOrigins: env.CORS_ORIGINS ? list('CORS_ORIGINS') : [],
    graphqlPath: env.GRAPHQL_PATH?.trim() || '/graphql',
  };
};
