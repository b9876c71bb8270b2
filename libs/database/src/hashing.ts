import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * High-entropy secrets (API keys, tokens): `<kind>_<prefix>_<secret>`.
 * The prefix is not secret and is used to find the row; the whole string is hashed with SHA-256
 * (no slow hash is needed for 256 random bits) and compared in constant time.
 */
export interface IssuedSecret {
  /** The full credential, shown to the user once. */
  secret: string;
  prefix: string;
  hash: Buffer;
}

const SECRET_RE = /^([a-z]{2,8})_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export function issueSecret(kind: string): IssuedSecret {
  const prefix = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
  const secret = `${kind}_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { secret, prefix, hash: sha256(secret) };
}

export function parseSecret(credential: string): { kind: string; prefix: string } | null {
  const match = SECRET_RE.exec(credential);
  if (!match) return null;
  return { kind: match[1] as string, prefix: match[2] as string };
}

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time comparison of a presented credential with a stored SHA-256 hash. */
export function secretMatches(presented: string, storedHash: Buffer): boolean {
  const candidate = sha256(presented);
  return candidate.length === storedHash.length && timingSafeEqual(candidate, storedHash);
}
