import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { KeyWrapper } from './crypto.ts';

// The master key in AWS (DESIGN.md §8): each per-student data key is encrypted under a KMS key
// and stored beside the events; KMS never sees personal data, only 32-byte keys. The encryption
// context binds a wrapped key to its purpose, and shows in CloudTrail for every Decrypt.

const CONTEXT = { purpose: 'data-key' } as const;
const PREFIX = 'kms.';

export const kmsKeyWrapper = (client: KMSClient, keyId: string): KeyWrapper => ({
  async wrap(dataKey) {
    const out = await client.send(new EncryptCommand({ KeyId: keyId, Plaintext: dataKey, EncryptionContext: CONTEXT }));
    if (!out.CiphertextBlob) throw new Error('KMS Encrypt returned no ciphertext');
    return `${PREFIX}${Buffer.from(out.CiphertextBlob).toString('base64')}`;
  },
  async unwrap(wrapped) {
    if (!wrapped.startsWith(PREFIX)) throw new Error('not a data key wrapped by KMS');
    const out = await client.send(
      new DecryptCommand({
        // naming the key makes KMS refuse a ciphertext made under any other key
        KeyId: keyId,
        CiphertextBlob: Buffer.from(wrapped.slice(PREFIX.length), 'base64'),
        EncryptionContext: CONTEXT,
      }),
    );
    if (!out.Plaintext) throw new Error('KMS Decrypt returned no plaintext');
    return Buffer.from(out.Plaintext);
  },
});
