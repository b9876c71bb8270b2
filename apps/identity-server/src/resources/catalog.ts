import { fieldErrors } from '../common/problem.filter.js';

/** Resource types are names; ids are the caller's, any text without control characters. */
export const RESOURCE_TYPE = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;
export const MAX_PROPERTIES_BYTES = 16 * 1024;
export const MAX_PROPERTIES_DEPTH = 6;
/** Names the catalog itself presents to conditions: a property may not shadow them. */
export const RESERVED_PROPERTIES = ['id', 'type', 'ownerMemberId', 'teamId'] as const;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export interface FieldError {
  field: string;
  message: string;
}

export function typeProblem(type: unknown): string | null {
  return typeof type === 'string' && RESOURCE_TYPE.test(type)
    ? null
    : 'a name: a letter, then up to 63 letters, digits, _ . : or -';
}

export function idProblem(id: unknown): string | null {
  if (typeof id !== 'string' || id.length === 0 || id.length > 255) return '1 to 255 characters';
  if (CONTROL.test(id) || LONE_SURROGATE.test(id)) return 'no control characters';
  return null;
}

/** What is wrong in a properties value, walking it once (depth bounded before recursing). */
export function propertiesProblems(properties: unknown, field = 'properties'): FieldError[] {
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties))
    return [{ field, message: 'a JSON object' }];
  const problems: FieldError[] = [];
  for (const key of RESERVED_PROPERTIES)
    if (Object.hasOwn(properties, key))
      problems.push({ field: `${field}.${key}`, message: 'reserved: the catalog sets it' });
  const walk = (value: unknown, path: string, depth: number): void => {
    if (problems.length >= 20) return;
    if (typeof value === 'string') {
      if (value.includes('\u0000') || LONE_SURROGATE.test(value))
        problems.push({ field: path, message: 'no NUL characters or unpaired surrogates' });
      return;
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) problems.push({ field: path, message: 'a finite number' });
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    if (depth > MAX_PROPERTIES_DEPTH) {
      problems.push({ field: path, message: `nests more than ${MAX_PROPERTIES_DEPTH} levels` });
      return;
    }
    const entries = Array.isArray(value)
      ? value.map((v, i) => [String(i), v] as const)
      : Object.entries(value);
    for (const [key, v] of Object.entries(Object.fromEntries(entries))) {
      if (!Array.isArray(value)) {
        if (FORBIDDEN_KEYS.has(key))
          problems.push({ field: `${path}.${key}`, message: 'not an accepted key' });
        if (key.includes('\u0000') || LONE_SURROGATE.test(key))
          problems.push({ field: path, message: 'a key with a NUL character' });
      }
      walk(v, `${path}.${key}`, depth + 1);
    }
  };
  walk(properties, field, 1);
  if (problems.length === 0 && Buffer.byteLength(JSON.stringify(properties)) > MAX_PROPERTIES_BYTES)
    problems.push({ field, message: `at most ${MAX_PROPERTIES_BYTES} bytes as JSON` });
  return problems;
}

export function refProblem(value: unknown): string | null {
  return value === undefined || value === null || (typeof value === 'string' && UUID.test(value))
    ? null
    : 'a UUID or null';
}

/** All problems of one resource write, as field errors (empty when it is valid). */
export function writeProblems(input: {
  type: unknown;
  id: unknown;
  properties?: unknown;
  ownerMemberId?: unknown;
  teamId?: unknown;
}): FieldError[] {
  const problems: FieldError[] = [];
  const type = typeProblem(input.type);
  if (type) problems.push({ field: 'type', message: type });
  const id = idProblem(input.id);
  if (id) problems.push({ field: 'id', message: id });
  problems.push(...propertiesProblems(input.properties ?? {}));
  const owner = refProblem(input.ownerMemberId);
  if (owner) problems.push({ field: 'ownerMemberId', message: owner });
  const team = refProblem(input.teamId);
  if (team) problems.push({ field: 'teamId', message: team });
  return problems;
}

export function assertWrite(input: Parameters<typeof writeProblems>[0]): void {
  const problems = writeProblems(input);
  if (problems.length > 0) throw fieldErrors(problems);
}

/** The key of a (type, id) pair in attribute maps: NUL cannot occur in either. */
export function refKey(type: string, id: string): string {
  return `${type}\u0000${id}`;
}
