import type { Brand } from './brand.ts';
import { AppError } from './errors.ts';

/** Crockford's base32 alphabet, as ULIDs use it. */
export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ULID_BODY = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const HASH_BODY = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export type TenantId = Brand<string, 'TenantId'>;
/** The control plane's own scope: the tenant list, slug guards, the sub → tenant map. */
export type PlatformScope = Brand<'_platform', 'PlatformScope'>;
/** Whose keys an operation may touch: one tenant, or the control plane. */
export type Scope = TenantId | PlatformScope;

export const PLATFORM = '_platform' as PlatformScope;

export class InvalidIdError extends AppError<'INVALID_ID'> {
  constructor(kind: string, raw: unknown) {
    super(
      'INVALID_ID',
      `${kind} must be a type prefix followed by 26 Crockford base32 characters; got ${JSON.stringify(raw)}`,
      {
        kind,
      },
    );
  }
}

/** Encodes bytes as Crockford base32, 5 bits a character, for `chars` characters. */
export const crockford = (bytes: Uint8Array, chars = 26): string => {
  let out = '';
  let buffer = 0;
  let bits = 0;
  let index = 0;
  while (out.length < chars) {
    if (bits < 5) {
      buffer = (buffer << 8) | (bytes[index++] ?? 0);
      bits += 8;
    }
    out += CROCKFORD[(buffer >>> (bits - 5)) & 31];
    bits -= 5;
  }
  return out;
};

/** True when `raw` is `prefix` + a ULID or a 130-bit hash id. */
export const isPrefixedId = (prefix: string, raw: unknown): raw is string =>
  typeof raw === 'string' && raw.startsWith(prefix) && HASH_BODY.test(raw.slice(prefix.length));

/** True when `body` is a ULID (the first character limits it to 128 bits). */
export const isUlid = (body: string): boolean => ULID_BODY.test(body);

/** Validates a tenant id (`ten_` + ULID). The only way to obtain a {@link TenantId}. */
export const parseTenantId = (raw: unknown): TenantId => {
  if (typeof raw !== 'string' || !raw.startsWith('ten_') || !isUlid(raw.slice(4)))
    throw new InvalidIdError('tenant id', raw);
  return raw as TenantId;
};
