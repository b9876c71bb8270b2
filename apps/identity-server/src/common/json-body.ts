import { DomainException, ErrorCode } from './errors.js';

/**
 * The deepest nesting of arrays and objects a request body may have. The deepest body the API
 * and SCIM define (a SCIM PATCH with a complex value) has 6 levels; 32 leaves room for clients
 * while keeping every later step that walks the value (class-transformer, the validators, the
 * string check) far from the stack limit.
 */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether the JSON text nests arrays and objects deeper than `limit`, counted on the raw text in
 * one pass (brackets inside strings do not count), so that a hostile body is refused before
 * JSON.parse builds it and before anything recurses into it. Malformed text is left to JSON.parse.
 */
export function jsonDepthExceeds(text: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Skip the string: to the next quote that is not escaped.
      for (i++; i < length; i++) {
        const s = text.charCodeAt(i);
        if (s === BACKSLASH) i++;
        else if (s === QUOTE) break;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/**
 * A body that cannot hold a prototype key nor a string to refuse, parsed directly: no
 * `__proto__` or `constructor` in its text, and no `\u` escape (which could spell either, or a NUL
 * or a lone surrogate). Undefined for any other text, and for text JSON.parse refuses: those go
 * through fastify's checked parser, which says what is wrong. Most bodies take this path, which
 * skips that parser's two scans of the text.
 */
export function parsePlainJson(text: string): { value: unknown } | undefined {
  if (text.includes('\\u') || text.includes('__proto__') || text.includes('constructor'))
    return undefined;
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

export function bodyTooDeep(limit = MAX_JSON_DEPTH): DomainException {
  return new DomainException(
    ErrorCode.BodyTooDeep,
    `The request body nests arrays and objects more than ${limit} levels deep`,
  );
}

/**
 * What a prototype key in a body becomes. Fastify's JSON parser refuses `__proto__` and
 * `constructor.prototype` (onProtoPoisoning and onConstructorPoisoning are 'error') with the
 * same error as malformed JSON; this tells the two apart, reading as its own code when the text
 * itself is valid JSON. Only called on a refused body, so the second parse costs nothing on the
 * normal path.
 */
export function forbiddenKeyIn(text: string): DomainException | null {
  if (!text.includes('__proto__') && !text.includes('constructor')) return null;
  try {
    JSON.parse(text);
  } catch {
    return null;
  }
  return new DomainException(
    ErrorCode.ForbiddenKey,
    'The request body has a __proto__ or constructor.prototype key, which is not accepted',
  );
}

/**
 * The first `__proto__`, `prototype` or `constructor` key at any depth of a request value, or
 * null. Nest's ValidationPipe deletes such keys in place before class-transformer runs, so the
 * value a service checks and stores silently differed from the one sent (a role's conditions, a
 * resource's properties); the app's pipe refuses them instead (validation.ts).
 */
export function prototypeKeyIn(value: unknown): string | null {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== 'object') continue;
    if (!Array.isArray(current))
      for (const key of PROTOTYPE_KEYS) if (Object.hasOwn(current, key)) return key;
    // One by one: spreading a body's 500,000-item array would overflow the call stack.
    for (const item of Object.values(current))
      if (item !== null && typeof item === 'object') stack.push(item);
  }
  return null;
}
const PROTOTYPE_KEYS = ['__proto__', 'prototype', 'constructor'] as const;

export function forbiddenPrototypeKey(key: string): DomainException {
  return new DomainException(
    ErrorCode.ForbiddenKey,
    `The request has a ${key} key, which is not accepted`,
  );
}

/** Whether a parsed query string has a `__proto__` or `constructor` parameter. */
export function hasPrototypeKey(query: unknown): boolean {
  if (query === null || typeof query !== 'object') return false;
  return Object.hasOwn(query, '__proto__') || Object.hasOwn(query, 'constructor');
}

export function forbiddenQueryKey(): DomainException {
  return new DomainException(
    ErrorCode.ForbiddenKey,
    'The query has a __proto__ or constructor parameter, which is not accepted',
  );
}
