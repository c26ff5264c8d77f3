import { describe, expect, it } from 'vitest';
import { crockford, isPrefixedId, parseTenantId } from './ids.ts';

describe('ids', () => {
  it('accepts a tenant id only as ten_ + a ULID', () => {
    expect(parseTenantId('ten_01J9Z3Q4V5W6X7Y8Z9A0B1C2D3')).toBe('ten_01J9Z3Q4V5W6X7Y8Z9A0B1C2D3');
    for (const bad of [
      'ten_01J9Z3Q4V5W6X7Y8Z9A0B1C2D',
      'ten_01J9Z3Q4V5W6X7Y8Z9A0B1C2DU',
      'coh_01J9Z3Q4V5W6X7Y8Z9A0B1C2D3',
      'ten_81J9Z3Q4V5W6X7Y8Z9A0B1C2D3',
      42,
    ]) {
      expect(() => parseTenantId(bad)).toThrow(/tenant id/);
    }
  });

  it('encodes bytes as Crockford base32, five bits a character', () => {
    expect(crockford(new Uint8Array([0xff, 0xff]), 3)).toBe('ZZZ');
    expect(crockford(new Uint8Array([0x08, 0x42]), 3)).toBe('111');
    expect(crockford(new Uint8Array(17), 26)).toBe('0'.repeat(26));
    expect(isPrefixedId('coh_', `coh_${crockford(new Uint8Array(17).fill(0xab))}`)).toBe(true);
  });
});
