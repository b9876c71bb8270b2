import { checkPassword } from './password-policy.js';

const lax = {
  minLength: 8,
  requireUppercase: false,
  requireLowercase: false,
  requireDigit: false,
  requireSymbol: false,
};
const strict = {
  minLength: 12,
  requireUppercase: true,
  requireLowercase: true,
  requireDigit: true,
  requireSymbol: true,
};

describe('checkPassword', () => {
  it.each<[string, typeof lax, string[]]>([
    ['longenough', lax, []],
    ['short', lax, ['min_length']],
    ['x'.repeat(257), lax, ['max_length']],
    ['Str0ng!Passphrase', strict, []],
    ['str0ng!passphrase', strict, ['uppercase']],
    ['STR0NG!PASSPHRASE', strict, ['lowercase']],
    ['Strong!Passphrase', strict, ['digit']],
    ['Str0ngPassphrase', strict, ['symbol']],
    ['Str0ng Passphrase', strict, ['symbol']],
    ['abc', strict, ['min_length', 'uppercase', 'digit', 'symbol']],
    ['Ärger1!ärgerlich', strict, []],
    ['Пароль1!пароль', strict, []],
    ['٣ Aa!xxxxxxxxxx', strict, []],
  ])('%p', (password, rules, failed) => {
    expect(checkPassword(password, rules).map((f) => f.rule)).toEqual(failed);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(checkPassword('😀'.repeat(8), lax)).toEqual([]);
    expect(checkPassword('😀'.repeat(7), lax).map((f) => f.rule)).toEqual(['min_length']);
  });

  it('says what is wrong in plain words', () => {
    expect(checkPassword('abc', { ...lax, minLength: 12, requireDigit: true })).toEqual([
      { rule: 'min_length', message: 'must be at least 12 characters' },
      { rule: 'digit', message: 'must contain a digit' },
    ]);
  });
});
