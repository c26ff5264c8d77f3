import { AsyncLocalStorage } from 'node:async_hooks';
import { parseTenantId, type TenantId } from '@app/core';
import type { STSClient } from '@aws-sdk/client-sts';

// The third wall (DESIGN.md §8): in AWS each request's table calls run with credentials that can
// reach only its tenant's items. The API runs a verified caller's work inside `tenantContext`;
// the DynamoDB (and KMS) client's credentials provider reads it on every call and answers with
// that tenant's session of the tenant-scoped role (STS AssumeRole with a `tenant_id` session
// tag; the role's policy allows only keys that begin with `${aws:PrincipalTag/tenant_id}#`),
// cached per tenant. Work run with no tenant (the control plane: the operator, member
// administration) uses the function's own, wider, credentials.

/** The tenant whose work is running: its table calls use its scoped credentials; `null` or unset, the control plane's. */
export const tenantContext = new AsyncLocalStorage<TenantId | null>();

/** Runs `work` as the tenant (`null`: on the control plane); what the API's `tenantScope` is in AWS. */
export const runAsTenant = <T>(tenantId: TenantId | null, work: () => T): T => tenantContext.run(tenantId, work);

/** AWS credentials, as the SDK's clients take them. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/**
 * A provider the SDK calls before every request. `memoized` tells the SDK not to wrap it in its
 * own cache, which would keep the first tenant's credentials for every later call.
 */
export type CredentialsProvider = (() => Promise<Credentials>) & { readonly memoized: true };

/** How long a tenant's session lasts (STS's minimum). */
export const TENANT_SESSION_SECONDS = 900;
/** A session is replaced this long before it expires, so no call is signed with one about to lapse. */
export const REFRESH_BEFORE_MS = 60_000;

export interface TenantCredentialsOptions {
  /** The STS client, or how to make it when first needed (its module then loads only then: a cold start does not pay for it). */
  readonly sts: STSClient | (() => Promise<STSClient>);
  /** The tenant-scoped role. Absent, every tenant's call is refused (the wall fails closed); the control plane works. */
  readonly roleArn: string | undefined;
  /** The function's own credentials, for the control plane; by default the STS client's (the Lambda's role). */
  readonly own?: () => Promise<Credentials>;
  readonly durationSeconds?: number;
  readonly refreshBeforeMs?: number;
  /** Tenants whose sessions are kept; the oldest is dropped beyond this. */
  readonly maxTenants?: number;
  readonly now?: () => number;
}

interface Session {
  readonly credentials: Promise<Credentials>;
  /** When it expires (ms), once STS has answered; `undefined` while the AssumeRole is in flight. */
  expiresAt?: number;
}

/** The credentials provider of the Lambda's DynamoDB and KMS clients: the current tenant's session, or the function's own. */
export const tenantCredentials = (options: TenantCredentialsOptions): CredentialsProvider => {
  const { roleArn } = options;
  const sts = (): Promise<STSClient> =>
    typeof options.sts === 'function' ? options.sts() : Promise.resolve(options.sts);
  const own = options.own ?? (async () => (await sts()).config.credentials());
  const durationSeconds = options.durationSeconds ?? TENANT_SESSION_SECONDS;
  const refreshBeforeMs = options.refreshBeforeMs ?? REFRESH_BEFORE_MS;
  const maxTenants = options.maxTenants ?? 1_000;
  const now = options.now ?? Date.now;
  const sessions = new Map<TenantId, Session>();

  const assume = async (tenantId: TenantId): Promise<Credentials> => {
    if (!roleArn) {
      throw new Error('the GraphQL API needs the environment variable TENANT_ROLE_ARN to serve a tenant');
    }
    const { AssumeRoleCommand } = await import('@aws-sdk/client-sts');
    const out = await (await sts()).send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: tenantId,
        DurationSeconds: durationSeconds,
        Tags: [{ Key: 'tenant_id', Value: tenantId }],
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new Error('STS AssumeRole returned no credentials');
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  };

  const forTenant = (tenantId: TenantId): Promise<Credentials> => {
    const current = sessions.get(tenantId);
    // one in flight is shared by every caller that asks meanwhile
    if (current && (current.expiresAt === undefined || current.expiresAt - refreshBeforeMs > now())) {
      return current.credentials;
    }
    const session: Session = { credentials: assume(tenantId) };
    session.credentials.then(
      (c) => {
        session.expiresAt = c.expiration?.getTime() ?? 0;
      },
      // a failure is not kept: the next call asks STS again
      () => {
        if (sessions.get(tenantId) === session) sessions.delete(tenantId);
      },
    );
    sessions.delete(tenantId);
    if (sessions.size >= maxTenants) sessions.delete(sessions.keys().next().value as TenantId);
    sessions.set(tenantId, session);
    return session.credentials;
  };

  const provider = async (): Promise<Credentials> => {
    const tenantId = tenantContext.getStore();
    if (tenantId === undefined || tenantId === null) return own();
    // the id becomes a session tag inside an IAM pattern: only a well-formed one (no wildcards) gets there
    return forTenant(parseTenantId(tenantId));
  };
  return Object.assign(provider, { memoized: true as const });
};
