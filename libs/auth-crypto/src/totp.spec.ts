import {
  base32Decode,
  base32Encode,
  generateTotpSecret,
  totpCode,
  totpUri,
  verifyTotp,
} from './totp.js';

const RFC_SECRET = Buffer.from('12345678901234567890');

describe('TOTP (RFC 6238)', () => {
  // Appendix B, SHA-1, truncated from 8 to 6 digits.
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
    [20000000000, '353130'],
  ])('at %i s the code is %s', (seconds, code) => {
    expect(totpCode(RFC_SECRET, seconds * 1000)).toBe(code);
  });

  it('accepts the current step and one either side, and says which', () => {
    const now = 1_700_000_000_000;
    const step = Math.floor(now / 30_000);
    expect(verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, now), now)).toEqual({ ok: true, step });
    expect(verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, now - 30_000), now)).toEqual({
      ok: true,
      step: step - 1,
    });
    expect(verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, now + 30_000), now)).toEqual({
      ok: true,
      step: step + 1,
    });
    expect(verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, now - 60_000), now)).toEqual({ ok: false });
    expect(verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, now - 60_000), now, { window: 2 }).ok).toBe(
      true,
    );
  });

  it('refuses rather than throws on odd inputs', () => {
    expect(verifyTotp(RFC_SECRET, '287082', 59_000, { window: 1.5 }).ok).toBe(true);
    expect(verifyTotp(RFC_SECRET, '287082', -1)).toEqual({ ok: false });
    expect(verifyTotp(RFC_SECRET, '287082', Number.NaN)).toEqual({ ok: false });
  });

  it('refuses a code whose step was already used', () => {
    const now = 1_700_000_000_000;
    const first = verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, now), now);
    if (!first.ok) throw new Error('expected a match');
    expect(
      verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, now), now, { lastUsedStep: first.step }),
    ).toEqual({ ok: false });
    expect(
      verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, now + 30_000), now, { lastUsedStep: first.step })
        .ok,
    ).toBe(true);
  });

  it.each(['', '12345', '1234567', '12345a', ' 123456', '１２３４５６', '-12345'])(
    'refuses the malformed code %p',
    (code) => {
      expect(verifyTotp(RFC_SECRET, code, 59_000)).toEqual({ ok: false });
    },
  );

  it('makes 160-bit secrets and standard otpauth URIs', () => {
    const secret = generateTotpSecret();
    expect(secret).toHaveLength(20);
    const uri = new URL(totpUri({ secret, accountName: 'ada@example.com', issuer: 'Acme ID' }));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Acme ID:ada@example.com');
    expect(base32Decode(uri.searchParams.get('secret') as string).equals(secret)).toBe(true);
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({
      issuer: 'Acme ID',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });
});

describe('base32 (RFC 4648)', () => {
  it.each([
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ])('%p ↔ %p', (text, encoded) => {
    expect(base32Encode(Buffer.from(text))).toBe(encoded);
    expect(base32Decode(encoded).toString()).toBe(text);
  });

  it('decodes lower case, spaces and padding, and refuses other characters', () => {
    expect(base32Decode('mzxw 6ytb oi======').toString()).toBe('foobar');
    expect(() => base32Decode('MZXW1')).toThrow('invalid base32 character "1"');
  });
});
