import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

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

/** One-shot hashing (crypto.hash) is about twice as fast as createHash for a short string. */
export function sha256(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}

/**
 * A credential as a request presents it, hashed once however many stored hashes it is compared
 * with (the operator key's, then the rows its prefix names): hashing is most of what
 * authenticating a key costs.
 */
export class PresentedSecret {
  private digest: Buffer | undefined;

  constructor(readonly text: string) {}

  get hash(): Buffer {
    this.digest ??= sha256(this.text);
    return this.digest;
  }
}

/** Constant-time comparison of a presented credential with a stored SHA-256 hash. */
export function secretMatches(presented: string | PresentedSecret, storedHash: Buffer): boolean {
  const candidate = typeof presented === 'string' ? sha256(presented) : presented.hash;
  return candidate.length === storedHash.length && timingSafeEqual(candidate, storedHash);
}
