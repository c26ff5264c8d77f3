import { createHmac, generateKeyPairSync, KeyObject, sign } from 'node:crypto';

// Tokens an attacker can make from one valid token and what the issuer publishes: the same
// claims unsigned, changed after signing, signed with a key of its own (offered in the header),
// or HMAC-signed with the issuer's public key. Node's crypto only: no JOSE library on this side.

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token's claims (its payload, unverified). */
export const claimsOf = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString());

/** The token's claims with `alg: none` and no signature. */
export const unsigned = (jwt: string): string => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claimsOf(jwt))}.`;

/** The token with claims changed after signing, its header and signature kept. */
export const tampered = (jwt: string, change: Record<string, unknown>): string => {
  const [header, , signature] = jwt.split('.');
  return `${header}.${b64({ ...claimsOf(jwt), ...change })}.${signature}`;
};

const signed = (header: Record<string, unknown>, claims: object, signature: (input: string) => Buffer): string => {
  const input = `${b64({ typ: 'JWT', ...header })}.${b64(claims)}`;
  return `${input}.${signature(input).toString('base64url')}`;
};

/** The classic algorithm confusion: the claims HMAC-signed (HS256) with the issuer's public key as the secret. */
export const hmacWithPublicKey = (jwt: string, publicKey: CryptoKey): string => {
  const secret = KeyObject.from(publicKey).export({ type: 'spki', format: 'pem' });
  return signed({ alg: 'HS256' }, claimsOf(jwt), (input) => createHmac('sha256', secret).update(input).digest());
};

/** The claims signed (ES256) by a fresh key of the caller's own, which the header offers as its `jwk`. */
export const selfSigned = (jwt: string): string => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return signed({ alg: 'ES256', jwk: publicKey.export({ format: 'jwk' }) }, claimsOf(jwt), (input) =>
    sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }),
  );
};
