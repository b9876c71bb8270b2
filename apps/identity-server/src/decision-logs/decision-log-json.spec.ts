import { jsonOf, MAX_JSON_BYTES } from './decision-log-json.js';

describe('decision log JSON values', () => {
  it('are stored as given when small', () => {
    expect(jsonOf({ type: 'Doc', id: 'd1', tags: ['a'] })).toBe(
      '{"type":"Doc","id":"d1","tags":["a"]}',
    );
    expect(jsonOf(undefined)).toBeNull();
    expect(jsonOf(null)).toBeNull();
  });

  it('become { truncated: true } past 8 KB, or when they cannot be serialized', () => {
    const truncated = '{"truncated":true}';
    expect(jsonOf({ blob: 'x'.repeat(MAX_JSON_BYTES) })).toBe(truncated);
    // Bytes, not characters: 3000 three-byte characters are over 8 KB.
    expect(jsonOf({ blob: '€'.repeat(3000) })).toBe(truncated);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(jsonOf(cycle)).toBe(truncated);
    expect(jsonOf({ n: 1n })).toBe(truncated);
  });

  it('lose what PostgreSQL refuses in jsonb: NUL and lone surrogates, in values and keys', () => {
    const text = jsonOf({ id: 'a\u0000b', 'k\u0000': ['\ud800', '\udc00x', '😀'] });
    expect(JSON.parse(text as string)).toEqual({
      id: 'a\ufffdb',
      'k\ufffd': ['\ufffd', '\ufffdx', '😀'],
    });
  });
});
