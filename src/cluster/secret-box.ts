import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM sealing for credentials at rest. Several keys may be configured: the first seals,
 * any of them opens, so keys can be rotated without losing attempts that are still queued.
 *
 * Layout of a sealed value: [format=1][keyId length][keyId utf8][iv 12][tag 16][ciphertext].
 */
export interface SecretKey {
  id: string;
  key: Buffer;
}

const formatVersion = 1;

export class SecretBox {
  private readonly keysById: Map<string, Buffer>;

  constructor(private readonly keys: SecretKey[]) {
    if (keys.length === 0) throw new Error('SecretBox needs at least one key');
    for (const { id, key } of keys) {
      if (key.length !== 32) throw new Error(`secret key "${id}" must be 32 bytes`);
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new Error(`secret key id "${id}" is not valid`);
    }
    this.keysById = new Map(keys.map(({ id, key }) => [id, key]));
  }

  seal(plaintext: string): Uint8Array {
    const [{ id, key }] = this.keys as [SecretKey];
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const idBytes = Buffer.from(id, 'utf8');
    // The header is authenticated too, so a swapped key id cannot go unnoticed.
    const header = Buffer.concat([Buffer.from([formatVersion, idBytes.length]), idBytes]);
    cipher.setAAD(header);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([header, iv, cipher.getAuthTag(), ciphertext]);
  }

  open(sealed: Uint8Array): string {
    const data = Buffer.from(sealed);
    if (data[0] !== formatVersion) throw new Error('sealed secret has an unknown format');
    const idLength = data[1] ?? 0;
    const header = data.subarray(0, 2 + idLength);
    const keyId = header.subarray(2).toString('utf8');
    const key = this.keysById.get(keyId);
    if (!key) throw new Error(`sealed secret uses key "${keyId}", which is not configured`);
    const iv = data.subarray(2 + idLength, 14 + idLength);
    const tag = data.subarray(14 + idLength, 30 + idLength);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(header);
    decipher.setAuthTag(tag);
    return Buffer.concat([
      decipher.update(data.subarray(30 + idLength)),
      decipher.final(),
    ]).toString('utf8');
  }
}

/** Parses `id:base64,id:base64` (first one seals). */
export function parseSecretKeys(text: string): SecretKey[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const separator = entry.indexOf(':');
      if (separator <= 0) throw new Error('each key is written as id:base64');
      return {
        id: entry.slice(0, separator),
        key: Buffer.from(entry.slice(separator + 1), 'base64'),
      };
    });
}
