import type { TenantId } from '@app/core';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import type { Role, TokenRules } from './auth.ts';

// The local stand-in for Cognito: an ES256 key that signs access tokens with the claims the
// pre-token-generation trigger puts there (`tenant_id`, `roles`, `token_use`, `client_id`), so
// the API verifies local tokens by exactly the rules it applies in AWS.

export const DEV_ISSUER = 'urn:informational-interviews:dev-issuer';
export const DEV_CLIENT_ID = 'dev-frontend';

export interface TokenClaims {
  readonly sub: string;
  readonly roles: readonly Role[];
  readonly tenantId?: TenantId;
  /** Seconds until it expires (default an hour); negative for an expired token. */
  readonly expiresIn?: number;
  /** Claims to add or override (tests forge tokens with these). */
  readonly extra?: Record<string, unknown>;
}

export class DevIssuer {
  private constructor(
    private readonly privateKey: CryptoKey,
    readonly publicKey: CryptoKey,
    private readonly now: () => Date,
  ) {}

  /** A fresh key, or the one saved from an earlier run (`privateJwk`). */
  static async create(options: { privateJwk?: JWK; now?: () => Date } = {}): Promise<DevIssuer> {
    const now = options.now ?? (() => new Date());
    if (options.privateJwk) {
      const { d: _d, ...publicJwk } = options.privateJwk;
      const privateKey = (await importJWK(options.privateJwk, 'ES256')) as CryptoKey;
      const publicKey = (await importJWK(publicJwk, 'ES256')) as CryptoKey;
      return new DevIssuer(privateKey, publicKey, now);
    }
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    return new DevIssuer(privateKey, publicKey, now);
  }

  /** The private key as a JWK, to save beside the local data so tokens survive a restart. */
  exportPrivateJwk(): Promise<JWK> {
    return exportJWK(this.privateKey);
  }

  /** How the API verifies this issuer's tokens. */
  rules(): TokenRules {
    return {
      key: this.publicKey,
      issuer: DEV_ISSUER,
      clientIds: [DEV_CLIENT_ID],
      algorithms: ['ES256'],
      now: this.now,
    };
  }

  /** An access token for a user, as Cognito would issue it after the trigger. */
  token(claims: TokenClaims): Promise<string> {
    const issuedAt = Math.floor(this.now().getTime() / 1_000);
    return new SignJWT({
      iss: DEV_ISSUER,
      token_use: 'access',
      client_id: DEV_CLIENT_ID,
      roles: [...claims.roles],
      ...(claims.tenantId && { tenant_id: claims.tenantId }),
      ...claims.extra,
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + (claims.expiresIn ?? 3_600))
      .sign(this.privateKey);
  }
}
