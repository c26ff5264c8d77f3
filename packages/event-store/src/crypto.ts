import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Scope } from '@app/core';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { SubjectErasedError } from './errors.ts';
import { dataKeyKey } from './keys.ts';
import { pooledRandomBytes } from './random.ts';

/** Wraps and unwraps data keys under a master key: KMS in AWS, a key file locally. */
export interface KeyWrapper {
  wrap(dataKey: Buffer): Promise<string>;
  unwrap(wrapped: string): Promise<Buffer>;
}

const VERSION = 'v1';

/** AES-256-GCM, with `aad` binding the ciphertext to what it belongs to. */
export const seal = (key: Buffer, plaintext: string, aad: string): string => {
  const iv = pooledRandomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = cipher.update(plaintext, 'utf8');
  cipher.final(); // GCM is a stream mode: final() only computes the tag
  return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
};

/** The reverse of {@link seal}; throws when the key or `aad` is wrong or the text was altered. */
export const open = (key: Buffer, sealed: string, aad: string): string => {
  if (!sealed.startsWith(`${VERSION}.`)) throw new Error('not a sealed value');
  const raw = Buffer.from(sealed.slice(VERSION.length + 1), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
};

/** A master key held in memory: for tests, and behind {@link fileKeyWrapper} in dev. */
export const localKeyWrapper = (masterKey: Buffer): KeyWrapper => {
  if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
  return {
    wrap: async (dataKey) => seal(masterKey, dataKey.toString('base64'), 'data-key'),
    unwrap: async (wrapped) => Buffer.from(open(masterKey, wrapped, 'data-key'), 'base64'),
  };
};

/** The dev master key: read from `path`, created there (mode 600) on first use. */
export const fileKeyWrapper = (path: string): KeyWrapper => {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, randomBytes(32).toString('base64'), { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  return localKeyWrapper(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64'));
};

/** The per-subject data keys, kept wrapped in the events table and cached briefly in memory. */
export interface DataKeys {
  /** The subject's key, created on first use; throws {@link SubjectErasedError} after erasure. */
  forWriting(scope: Scope, subject: string): Promise<Buffer>;
  /** The subject's key when it is in the cache and usable for writing; `undefined` means ask {@link forWriting}. */
  cachedForWriting(scope: Scope, subject: string): Buffer | undefined;
  /** The subject's key, or `undefined` when it was erased (or never existed). */
  forReading(scope: Scope, subject: string): Promise<Buffer | undefined>;
  /** Crypto-shredding: the key is replaced by a tombstone, so every sealed field becomes unreadable. */
  erase(scope: Scope, subject: string): Promise<void>;
}

/**
 * The keys of a process that never needs personal data (the projector): every sealed field
 * reads as erased and nothing can be sealed, so such a process needs no access to the master key.
 */
export const withoutPersonalData: DataKeys = {
  forWriting: () => Promise.reject(new Error('this process reads no personal data and writes none')),
  cachedForWriting: () => undefined,
  forReading: () => Promise.resolve(undefined),
  erase: () => Promise.reject(new Error('this process reads no personal data and erases none')),
};

export interface DataKeysOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly wrapper: KeyWrapper;
  /** How long an unwrapped key stays in memory; an erasure elsewhere takes this long to be seen here. */
  readonly cacheTtlMs?: number;
  readonly maxCached?: number;
  readonly now?: () => number;
}

type Cached = { key: Buffer | undefined; until: number };

/** A data-key item: the wrapped key, or the tombstone an erasure leaves. */
const keyItem = (pk: string, fields: Record<string, AttributeValue>): Record<string, AttributeValue> => ({
  pk: { S: pk },
  sk: { N: '0' },
  kind: { S: 'dataKey' },
  ...fields,
});

export const dynamoDataKeys = (options: DataKeysOptions): DataKeys => {
  const { client, tableName, wrapper } = options;
  const ttl = options.cacheTtlMs ?? 5 * 60_000;
  const maxCached = options.maxCached ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, Cached>();

  const remember = (id: string, key: Buffer | undefined) => {
    if (cache.size >= maxCached) cache.delete(cache.keys().next().value as string);
    cache.set(id, { key, until: now() + ttl });
    return key;
  };

  const fetch = async (pk: string) => {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk }, sk: { N: '0' } }, ConsistentRead: true }),
    );
    return Item;
  };

  const read = async (scope: Scope, subject: string, create: boolean): Promise<Buffer | undefined> => {
    const pk = dataKeyKey(scope, subject);
    const hit = cache.get(pk);
    if (hit && hit.until > now() && (hit.key || !create)) return hit.key;
    let item = await fetch(pk);
    if (!item && create) {
      const dataKey = randomBytes(32);
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: keyItem(pk, { wrapped: { S: await wrapper.wrap(dataKey) } }),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return remember(pk, dataKey);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        item = await fetch(pk); // another writer created it first: use theirs
      }
    }
    if (item?.erasedAt && create) throw new SubjectErasedError(subject);
    const wrapped = item?.wrapped?.S;
    return remember(pk, wrapped ? await wrapper.unwrap(wrapped) : undefined);
  };

  return {
    forWriting: async (scope, subject) => (await read(scope, subject, true)) as Buffer,
    cachedForWriting: (scope, subject) => {
      const hit = cache.get(dataKeyKey(scope, subject));
      return hit && hit.until > now() ? hit.key : undefined;
    },
    forReading: (scope, subject) => read(scope, subject, false),
    erase: async (scope, subject) => {
      const pk = dataKeyKey(scope, subject);
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: keyItem(pk, { erasedAt: { S: new Date(now()).toISOString() } }),
        }),
      );
      remember(pk, undefined);
    },
  };
};
