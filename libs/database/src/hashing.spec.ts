import { issueSecret, parseSecret, secretMatches, sha256 } from './hashing.js';

describe('issued secrets', () => {
  it('carry at least 256 random bits, a findable prefix and only their hash', () => {
    const issued = issueSecret('tk');
    expect(issued.secret).toMatch(/^tk_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(parseSecret(issued.secret)).toEqual({ kind: 'tk', prefix: issued.prefix });
    expect(issued.hash.equals(sha256(issued.secret))).toBe(true);
    expect(issued.hash.toString('hex')).not.toContain(issued.secret);
  });

  it('are unique', () => {
    const secrets = new Set(Array.from({ length: 2000 }, () => issueSecret('tk').secret));
    expect(secrets.size).toBe(2000);
  });

  it('match only the exact credential', () => {
    const issued = issueSecret('op');
    expect(secretMatches(issued.secret, issued.hash)).toBe(true);
    expect(secretMatches(`${issued.secret}x`, issued.hash)).toBe(false);
    expect(secretMatches(issued.secret.slice(0, -1), issued.hash)).toBe(false);
    expect(secretMatches(issued.secret, Buffer.alloc(3))).toBe(false);
  });

  it.each([
    '',
    'tk_short',
    'Bearer x',
    'tk_abcdefghijkl_' + 'a'.repeat(42),
    'TK_abcdefghijkl_' + 'a'.repeat(43),
  ])('rejects the malformed credential %p', (credential) => {
    expect(parseSecret(credential)).toBeNull();
  });
});
