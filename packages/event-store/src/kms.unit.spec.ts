import { randomBytes } from 'node:crypto';
import { DecryptCommand, EncryptCommand, KMSClient, KMSInvalidStateException } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { kmsKeyWrapper } from './kms.ts';

// KMS has no local form: its two calls are checked against the request shapes the KMS API
// documents (Encrypt: KeyId, Plaintext ≤ 4 KB, EncryptionContext; Decrypt: CiphertextBlob,
// KeyId, the same EncryptionContext).

const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const kms = mockClient(KMSClient);

beforeEach(() => kms.reset());

describe('the KMS key wrapper', () => {
  it('encrypts a data key under the key with its purpose as context, and decrypts it back', async () => {
    const dataKey = randomBytes(32);
    const blob = randomBytes(184); // what KMS returns is opaque to us
    kms.on(EncryptCommand).resolves({ CiphertextBlob: blob, KeyId: KEY });
    kms.on(DecryptCommand).resolves({ Plaintext: dataKey, KeyId: KEY });
    const wrapper = kmsKeyWrapper(new KMSClient({ region: 'eu-west-1' }), KEY);

    const wrapped = await wrapper.wrap(dataKey);
    expect(wrapped).toBe(`kms.${blob.toString('base64')}`);
    const [encrypt] = kms.commandCalls(EncryptCommand);
    expect(encrypt?.args[0].input).toEqual({
      KeyId: KEY,
      Plaintext: dataKey,
      EncryptionContext: { purpose: 'data-key' },
    });

    expect(await wrapper.unwrap(wrapped)).toEqual(dataKey);
    const [decrypt] = kms.commandCalls(DecryptCommand);
    expect(decrypt?.args[0].input).toEqual({
      KeyId: KEY,
      CiphertextBlob: blob,
      EncryptionContext: { purpose: 'data-key' },
    });
  });

  it('refuses what it did not wrap, and lets a KMS refusal through', async () => {
    const wrapper = kmsKeyWrapper(new KMSClient({ region: 'eu-west-1' }), KEY);
    await expect(wrapper.unwrap('v1.abc')).rejects.toThrow(/not a data key wrapped by KMS/);
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(0);
    kms.on(DecryptCommand).rejects(new KMSInvalidStateException({ message: 'key is disabled', $metadata: {} }));
    await expect(wrapper.unwrap('kms.AAAA')).rejects.toThrow(/disabled/);
  });
});
