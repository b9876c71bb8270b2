import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface Keyring {
  /** The key id new secrets are sealed with. */
  current: string;
  keys: Record<string, Buffer>;
}

export class SecretBoxError extends Error {
  constructor(readonly reason: 'malformed' | 'unknown_key' | 'tampered') {
    super(`cannot open sealed secret: ${reason}`);
  }
}

const KID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * AES-256-GCM for small secrets at rest: `v1.<kid>.<iv>.<tag>.<ciphertext>` (base64url). The key
 * id travels with the secret, so keys rotate by adding a new current key and keeping old ones.
 */
export class SecretBox {
  constructor(private readonly keyring: Keyring) {
    if (!Object.hasOwn(keyring.keys, keyring.current))
      throw new Error('the current encryption key is not in the keyring');
  }

  seal(plaintext: Buffer | string, aad = ''): string {
    const key = this.keyring.keys[this.keyring.current] as Buffer;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(aad));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return [
      'v1',
      this.keyring.current,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      ciphertext.toString('base64url'),
    ].join('.');
  }

  open(sealed: string, aad = ''): Buffer {
    const parts = sealed.split('.');
    const [version, kid, iv, tag, ciphertext] = parts;
    if (parts.length !== 5 || version !== 'v1' || !kid || !iv || !tag || ciphertext === undefined) {
      throw new SecretBoxError('malformed');
    }
    // Own keys only: ids such as __proto__ or constructor are unknown, not inherited.
    const key = Object.hasOwn(this.keyring.keys, kid) ? this.keyring.keys[kid] : undefined;
    if (!key) throw new SecretBoxError('unknown_key');
    const ivBytes = Buffer.from(iv, 'base64url');
    const tagBytes = Buffer.from(tag, 'base64url');
    if (ivBytes.length !== 12 || tagBytes.length !== 16) throw new SecretBoxError('malformed');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, ivBytes);
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]);
    } catch {
      throw new SecretBoxError('tampered');
    }
  }

  /** Sealed with an older key: re-seal it with the current one. */
  needsRotation(sealed: string): boolean {
    return sealed.split('.')[1] !== this.keyring.current;
  }
}

/** `kid1:base64key,kid2:base64key`, first entry current; each key exactly 32 bytes. */
export function parseKeyring(value: string): Keyring {
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error('no keys given (expected kid:base64key,...)');
  const keys: Record<string, Buffer> = Object.create(null) as Record<string, Buffer>;
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    const kid = colon > 0 ? entry.slice(0, colon) : '';
    if (!KID.test(kid))
      throw new Error(`entry ${index + 1}: the key id must be 1 to 32 of A-Z a-z 0-9 _ -`);
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (key.length !== 32)
      throw new Error(`entry ${index + 1} (${kid}): the key must be 32 bytes in base64`);
    if (Object.hasOwn(keys, kid))
      throw new Error(`entry ${index + 1}: key id ${kid} appears twice`);
    keys[kid] = key;
  });
  return { current: entries[0]!.slice(0, entries[0]!.indexOf(':')), keys };
}
