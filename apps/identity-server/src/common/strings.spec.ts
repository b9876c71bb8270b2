import { badStrings, stringProblem } from './strings.js';

describe('strings the server cannot store', () => {
  it.each([
    ['a NUL', 'a\u0000b', 'contains a NUL character'],
    ['a lone high surrogate', 'x\ud800', 'contains an unpaired UTF-16 surrogate'],
    ['a lone low surrogate', '\udc00x', 'contains an unpaired UTF-16 surrogate'],
    ['surrogates in the wrong order', '\udc00\ud800', 'contains an unpaired UTF-16 surrogate'],
  ])('refuses %s', (_label, value, problem) => {
    expect(stringProblem(value)).toBe(problem);
  });

  it.each([
    ['plain text', 'Ada Lovelace'],
    ['an emoji (a surrogate pair)', 'ok 😀'],
    ['other control characters', 'tab\tnew\nline'],
    ['U+FFFD', '\ufffd'],
    ['empty', ''],
  ])('accepts %s', (_label, value) => {
    expect(stringProblem(value)).toBeNull();
  });
});

describe('badStrings', () => {
  it('names every bad value and key by its dotted path', () => {
    const value = {
      email: 'a\u0000b@x.io',
      profile: { names: ['ok', 'x\ud800'], ['k\u0000']: 'v' },
      count: 3,
      flag: null,
    };
    const byField = (a: { field: string }, b: { field: string }) => a.field.localeCompare(b.field);
    expect(badStrings(value).sort(byField)).toEqual(
      [
        { field: 'email', message: 'contains a NUL character' },
        { field: 'profile.k\u0000', message: 'the field name contains a NUL character' },
        { field: 'profile.names.1', message: 'contains an unpaired UTF-16 surrogate' },
      ].sort(byField),
    );
  });

  it('checks a bare string body and finds nothing in clean values', () => {
    expect(badStrings('\u0000')).toEqual([
      { field: '(body)', message: 'contains a NUL character' },
    ]);
    expect(badStrings({ a: [1, true, null, { b: 'c' }] })).toEqual([]);
    expect(badStrings(undefined)).toEqual([]);
  });

  it('walks deep values without recursion and reports at most 20 fields', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(badStrings(deep)).toHaveLength(1);
    expect(badStrings(Array.from({ length: 100 }, () => '\u0000'))).toHaveLength(20);
  });
});
