import { AppError, parseTenantId, type TenantId } from '@app/core';
import { type CryptoKey, type JWK, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';

// Who is calling (DESIGN.md §7): a bearer JWT verified against the issuer's keys — in AWS the
// Cognito user pool's JWKS, locally the dev issuer's key — with claims `sub`, `tenant_id` and
// `roles`. The tenant comes only from the token. A tenant token's roles are checked against
// the member's own stream (cached briefly), so a removed member or a role taken away stops
// working within a minute; the operator's token is trusted from its signature alone.

export const ROLES = ['PLATFORM_ADMIN', 'TENANT_ADMIN', 'COACH', 'STUDENT'] as const;
export type Role = (typeof ROLES)[number];

/** The verified caller: the user's `sub`, its roles, and its tenant (none for the operator). */
export interface Caller {
  readonly userId: string;
  readonly roles: readonly Role[];
  readonly tenantId: TenantId | null;
}

/** Any failure to establish who is calling; the message says what, never which key or why in detail. */
export class UnauthenticatedError extends AppError<'UNAUTHENTICATED'> {
  constructor(message: string) {
    super('UNAUTHENTICATED', message);
  }
}

export interface TokenRules {
  /** Where the keys come from: a JWKS (`createRemoteJWKSet`) or one public key. */
  readonly key: JWTVerifyGetKey | CryptoKey | JWK | Uint8Array;
  readonly issuer: string;
  /** The app clients whose access tokens are accepted (Cognito's `client_id` claim). */
  readonly clientIds: readonly string[];
  /** Signature algorithms accepted: never `none`, never a symmetric one for a public issuer. */
  readonly algorithms: readonly string[];
  /** Clock skew allowed on `exp`/`nbf`, in seconds. */
  readonly clockToleranceSeconds?: number;
  readonly now?: () => Date;
}

/** The roles a member holds now, from its stream; `null` when it is not an active member of the tenant. */
export type MemberRoles = (tenantId: TenantId, userId: string) => Promise<readonly Role[] | null>;

const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** The bearer token of an `Authorization` header, or an error saying what is wrong with the header. */
export const bearerToken = (header: string | null | undefined): string => {
  if (!header) throw new UnauthenticatedError('sign in: the request has no Authorization header');
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match?.[1]) throw new UnauthenticatedError('the Authorization header must be "Bearer <token>"');
  return match[1];
};

/** The claims of a token that verified, read into a caller (before the membership check). */
export const callerFromClaims = (payload: JWTPayload): Caller => {
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
    throw new UnauthenticatedError('the token names no user (sub)');
  }
  const raw = payload.roles;
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every(isRole)) {
    throw new UnauthenticatedError('the token carries no roles, or a role this API does not know');
  }
  const roles = [...new Set(raw)];
  if (roles.includes('PLATFORM_ADMIN')) {
    if (roles.length > 1 || payload.tenant_id !== undefined) {
      throw new UnauthenticatedError("an operator's token carries no tenant and no other role");
    }
    return { userId: payload.sub, roles, tenantId: null };
  }
  let tenantId: TenantId;
  try {
    tenantId = parseTenantId(payload.tenant_id);
  } catch {
    throw new UnauthenticatedError('the token names no tenant (tenant_id)');
  }
  return { userId: payload.sub, roles, tenantId };
};

/** Verifies bearer tokens into callers, checking a tenant caller's roles against its member stream. */
export class Authenticator {
  private readonly cache = new Map<string, { roles: readonly Role[] | null; until: number }>();

  constructor(
    private readonly rules: TokenRules,
    private readonly memberRoles: MemberRoles,
    private readonly options: { cacheMs?: number; maxCached?: number } = {},
  ) {}

  async authenticate(authorization: string | null | undefined): Promise<Caller> {
    const token = bearerToken(authorization);
    const { rules } = this;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, rules.key as JWTVerifyGetKey, {
        issuer: rules.issuer,
        algorithms: [...rules.algorithms],
        clockTolerance: rules.clockToleranceSeconds ?? 30,
        ...(rules.now && { currentDate: rules.now() }),
      }));
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new UnauthenticatedError(
        code === 'ERR_JWT_EXPIRED' ? 'the token has expired: sign in again' : 'the token could not be verified',
      );
    }
    if (payload.token_use !== 'access') throw new UnauthenticatedError('the token is not an access token');
    if (typeof payload.client_id !== 'string' || !rules.clientIds.includes(payload.client_id)) {
      throw new UnauthenticatedError('the token was issued to another client');
    }
    const caller = callerFromClaims(payload);
    if (caller.tenantId === null) return caller;
    const held = await this.rolesOf(caller.tenantId, caller.userId);
    if (held === null) throw new UnauthenticatedError('the user is not a member of this tenant');
    if (!caller.roles.every((r) => held.includes(r))) {
      throw new UnauthenticatedError('the token claims a role the member does not hold');
    }
    return caller;
  }

  private async rolesOf(tenantId: TenantId, userId: string): Promise<readonly Role[] | null> {
    const key = `${tenantId}/${userId}`;
    const now = Date.now();
    const cached = this.cache.get(key);
    if (cached && cached.until > now) return cached.roles;
    const roles = await this.memberRoles(tenantId, userId);
    if (this.cache.size >= (this.options.maxCached ?? 10_000)) {
      this.cache.delete(this.cache.keys().next().value as string);
    }
    this.cache.set(key, { roles, until: now + (this.options.cacheMs ?? 60_000) });
    return roles;
  }
}
