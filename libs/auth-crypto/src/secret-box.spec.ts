import { parseKeyring, SecretBox, SecretBoxError } from './secret-box.js';

const k1 = Buffer.alloc(32, 1);
const k2 = Buffer.alloc(32, 2);

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof SecretBoxError ? error.reason : 'other';
  }
  return undefined;
}

describe('SecretBox', () => {
  const box = new SecretBox({ current: 'k1', keys: { k1 } });

  it('round-trips, with a fresh IV every time', () => {
    const a = box.seal('seed', 'totp:1');
    const b = box.seal('seed', 'totp:1');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.k1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(box.open(a, 'totp:1').toString()).toBe('seed');
  });

  it('binds the associated data', () => {
    expect(reasonOf(() => box.open(box.seal('seed', 'totp:1'), 'totp:2'))).toBe('tampered');
  });

  it.each([
    [
      'a changed ciphertext',
      (s: string) => s.slice(0, -2) + (s.endsWith('A') ? 'BB' : 'AA'),
      'tampered',
    ],
    [
      'a changed tag',
      (s: string) =>
        s
          .split('.')
          .map((p, i) => (i === 3 ? Buffer.alloc(16).toString('base64url') : p))
          .join('.'),
      'tampered',
    ],
    [
      'a short IV',
      (s: string) =>
        s
          .split('.')
          .map((p, i) => (i === 2 ? 'AAAA' : p))
          .join('.'),
      'malformed',
    ],
    ['a missing part', (s: string) => s.split('.').slice(0, 4).join('.'), 'malformed'],
    ['another version', (s: string) => s.replace(/^v1/, 'v2'), 'malformed'],
    ['an unknown key id', (s: string) => s.replace('.k1.', '.k9.'), 'unknown_key'],
    [
      'an inherited property as key id',
      (s: string) => s.replace('.k1.', '.constructor.'),
      'unknown_key',
    ],
  ])('refuses %s', (_label, mangle, reason) => {
    expect(reasonOf(() => box.open(mangle(box.seal('seed'))))).toBe(reason);
  });

  it('rotates: the old key still opens, new secrets use the new key', () => {
    const old = box.seal('seed');
    const rotated = new SecretBox({ current: 'k2', keys: { k1, k2 } });
    expect(rotated.open(old).toString()).toBe('seed');
    expect(rotated.needsRotation(old)).toBe(true);
    expect(rotated.needsRotation(rotated.seal('seed'))).toBe(false);
  });
});

describe('parseKeyring', () => {
  it('accepts key ids that are names of object properties', () => {
    const ring = parseKeyring(
      `constructor:${k1.toString('base64')},__proto__:${k2.toString('base64')}`,
    );
    expect(ring.current).toBe('constructor');
    expect(new SecretBox(ring).open(new SecretBox(ring).seal('x')).toString()).toBe('x');
  });

  it('takes the first entry as current', () => {
    const ring = parseKeyring(` new:${k2.toString('base64')}, old:${k1.toString('base64')} `);
    expect(ring.current).toBe('new');
    expect(ring.keys.new?.equals(k2)).toBe(true);
    expect(ring.keys.old?.equals(k1)).toBe(true);
  });

  it.each([
    ['', 'no keys given'],
    ['nokid', 'entry 1: the key id'],
    [`bad kid!:${k1.toString('base64')}`, 'entry 1: the key id'],
    ['k1:c2hvcnQ=', 'entry 1 (k1): the key must be 32 bytes'],
    [`k1:${k1.toString('base64')},k1:${k2.toString('base64')}`, 'entry 2: key id k1 appears twice'],
  ])('refuses %p without echoing key material', (value, message) => {
    expect(() => parseKeyring(value)).toThrow(message);
    try {
      parseKeyring(value);
    } catch (error) {
      expect((error as Error).message).not.toContain(k1.toString('base64'));
    }
  });
});
