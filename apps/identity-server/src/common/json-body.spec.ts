import {
  forbiddenKeyIn,
  jsonDepthExceeds,
  MAX_JSON_DEPTH,
  parsePlainJson,
  prototypeKeyIn,
} from './json-body.js';
import { ErrorCode } from './errors.js';

const nest = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('the JSON depth limit', () => {
  it('lets bodies up to the limit through and refuses one level more', () => {
    expect(jsonDepthExceeds(nest(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonDepthExceeds(nest(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonDepthExceeds('{"a":'.repeat(40) + '1' + '}'.repeat(40))).toBe(true);
  });

  it('counts depth, not the number of containers', () => {
    const wide = `[${Array.from({ length: 10_000 }, () => '{"a":[1,{"b":[]}]}').join(',')}]`;
    expect(jsonDepthExceeds(wide)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds(JSON.stringify({ name: '['.repeat(1000) }))).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ name: `"\\${'{'.repeat(1000)}` }))).toBe(false);
    expect(jsonDepthExceeds(`["\\\\",${nest(40)}]`)).toBe(true);
  });

  it('refuses the 450,000-level body of the issue', () => {
    expect(jsonDepthExceeds(nest(450_000))).toBe(true);
  });

  it('leaves malformed text to JSON.parse', () => {
    expect(jsonDepthExceeds(']]]]{')).toBe(false);
    expect(jsonDepthExceeds('"unterminated [[[[')).toBe(false);
  });
});

describe('prototype keys', () => {
  it('are told apart from malformed JSON', () => {
    expect(forbiddenKeyIn('{"__proto__":{"x":1}}')?.code).toBe(ErrorCode.ForbiddenKey);
    expect(forbiddenKeyIn('{"constructor":{"prototype":{}}}')?.code).toBe(ErrorCode.ForbiddenKey);
    expect(forbiddenKeyIn('{"__proto__":')).toBeNull();
    expect(forbiddenKeyIn('{')).toBeNull();
  });
});

describe('the plain JSON fast path', () => {
  it('parses a body that can hold no prototype key and no escaped character', () => {
    expect(parsePlainJson('{"subject":{"type":"user","id":"a"}}')).toEqual({
      value: { subject: { type: 'user', id: 'a' } },
    });
  });

  it("leaves to fastify's checked parser what it must check or refuse", () => {
    for (const text of [
      '{"__proto__":{"x":1}}',
      '{"constructor":{"prototype":{}}}',
      '{"\\u005f_proto__":{}}',
      '{"name":"a\\u0000b"}',
      '\ufeff{}',
      '',
      '{',
    ])
      expect(parsePlainJson(text)).toBeUndefined();
  });
});

describe('prototype keys in a parsed value', () => {
  const hasConstructorKey = (value: unknown) => prototypeKeyIn(value) === 'constructor';
  it('are found at any depth, in objects and arrays, and only as keys', () => {
    expect(hasConstructorKey(JSON.parse('{"a":[{"b":{"constructor":1}}]}'))).toBe(true);
    expect(hasConstructorKey(JSON.parse('{"\\u0063onstructor":1}'))).toBe(true);
    expect(hasConstructorKey(JSON.parse('{"a":["constructor"],"b":"constructor"}'))).toBe(false);
    expect(hasConstructorKey({ a: 1 })).toBe(false);
    expect(hasConstructorKey(new Array(1_000_000).fill({ a: 1 }))).toBe(false);
    expect(prototypeKeyIn(JSON.parse('{"a":{"prototype":1}}'))).toBe('prototype');
    expect(prototypeKeyIn(JSON.parse('{"__proto__":1}'))).toBe('__proto__');
    expect(prototypeKeyIn({ a: [{ b: 'prototype' }] })).toBeNull();
  });
});
