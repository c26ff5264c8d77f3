import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { localKeyWrapper, open, seal } from './crypto.ts';

describe('sealing', () => {
  const key = randomBytes(32);

  it('round-trips, and fails on another key, another subject or a changed byte', () => {
    const sealed = seal(key, 'Ada Lovelace', 'usr_ada');
    expect(sealed).not.toContain('Ada');
    expect(open(key, sealed, 'usr_ada')).toBe('Ada Lovelace');
    expect(() => open(randomBytes(32), sealed, 'usr_ada')).toThrow();
    expect(() => open(key, sealed, 'usr_bo')).toThrow();
    const bytes = Buffer.from(sealed.slice(3), 'base64');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1;
    const tampered = `v1.${bytes.toString('base64')}`;
    expect(() => open(key, tampered, 'usr_ada')).toThrow();
  });

  it('wraps data keys under the master key', async () => {
    const wrapper = localKeyWrapper(randomBytes(32));
    const dataKey = randomBytes(32);
    const wrapped = await wrapper.wrap(dataKey);
    expect(wrapped).not.toContain(dataKey.toString('base64'));
    expect((await wrapper.unwrap(wrapped)).equals(dataKey)).toBe(true);
    expect(() => localKeyWrapper(randomBytes(16))).toThrow(/32 bytes/);
  });
});
