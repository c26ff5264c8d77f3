import { randomBytes } from 'node:crypto';
import { CROCKFORD, crockford } from '@app/core';

// Random bytes drawn from a pooled buffer: one system call per 4 KB instead of one per id or
// nonce, which matters on the write path (every event takes an id and an IV).
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

/** `n` fresh cryptographically random bytes (never handed out twice). */
export const pooledRandomBytes = (n: number): Buffer => {
  if (offset + n > pool.length) {
    pool = randomBytes(Math.max(POOL_SIZE, n));
    offset = 0;
  }
  const out = pool.subarray(offset, offset + n);
  offset += n;
  return out;
};

const encodeTime = (ms: number): string => {
  let out = '';
  for (let i = 0, t = ms; i < 10; i++, t = Math.floor(t / 32)) out = CROCKFORD[t % 32] + out;
  return out;
};

/**
 * A ULID generator that is monotonic within a millisecond: ids made in the same millisecond
 * increment the random part, so they sort in the order they were made.
 */
export const ulidFactory = () => {
  let lastTime = -1;
  let last = Buffer.alloc(10);
  return (now: number = Date.now()): string => {
    if (now <= lastTime) {
      last = Buffer.from(last);
      for (let i = 9; i >= 0; i--) {
        last[i] = ((last[i] as number) + 1) & 0xff;
        if (last[i] !== 0) break;
      }
    } else {
      lastTime = now;
      last = Buffer.from(pooledRandomBytes(10));
    }
    return encodeTime(lastTime) + crockford(last, 16);
  };
};

/** A ULID (not monotonic across calls in the same millisecond: use {@link ulidFactory} for that). */
export const ulid = ulidFactory();
