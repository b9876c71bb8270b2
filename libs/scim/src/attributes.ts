import { invalidValue } from './errors.js';
import type { AttributePath } from './filter.js';
import {
  COMMON_ATTRIBUTES,
  type AttributeDefinition,
  type ResourceSchema,
  type SchemaDefinition,
} from './schemas.js';

// Attribute lookup and value coercion shared by PATCH, request bodies and projection. Lookups
// are case-insensitive; results always carry the schema's spelling.

export type JsonObject = Record<string, unknown>;

/** Where an attribute lives: at the top level (core, common) or under an extension's URN. */
export interface AttributeTarget {
  /** undefined for core and common attributes; the extension for extension attributes. */
  extension?: SchemaDefinition;
  definition: AttributeDefinition;
  sub?: AttributeDefinition;
}

export type Resolved = AttributeTarget | { extensionRoot: SchemaDefinition };

// Keys that would reach Object.prototype if assigned onto a plain object.
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own enumerable entries, without the keys that could pollute a prototype. */
export function safeEntries(object: JsonObject): [string, unknown][] {
  return Object.entries(object).filter(([key]) => !UNSAFE_KEYS.has(key));
}

/** A member of a JSON object whose name matches case-insensitively (Operations, operations). */
export function field(object: JsonObject, name: string): unknown {
  const lower = name.toLowerCase();
  return safeEntries(object).find(([key]) => key.toLowerCase() === lower)?.[1];
}

/** A deep copy of JSON data that drops prototype-polluting keys. */
export function cloneJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneJson);
  if (!isPlainObject(value)) return value;
  const copy: JsonObject = {};
  for (const [key, item] of safeEntries(value)) copy[key] = cloneJson(item);
  return copy;
}

interface SchemaIndex {
  core: Map<string, AttributeDefinition>;
  extensions: Map<
    string,
    { schema: SchemaDefinition; attributes: Map<string, AttributeDefinition> }
  >;
  coreIds: Set<string>;
}

const byLowerName = (attributes: AttributeDefinition[]) =>
  new Map(attributes.map((attribute) => [attribute.name.toLowerCase(), attribute]));

const indexes = new WeakMap<ResourceSchema, SchemaIndex>();

function indexOf(schema: ResourceSchema): SchemaIndex {
  let index = indexes.get(schema);
  if (!index) {
    index = {
      core: byLowerName([...COMMON_ATTRIBUTES, ...schema.core.attributes]),
      extensions: new Map(
        schema.extensions.map((extension) => [
          extension.id.toLowerCase(),
          { schema: extension, attributes: byLowerName(extension.attributes) },
        ]),
      ),
      coreIds: new Set([schema.core.id.toLowerCase()]),
    };
    indexes.set(schema, index);
  }
  return index;
}

export function subAttribute(
  definition: AttributeDefinition,
  name: string,
): AttributeDefinition | undefined {
  const lower = name.toLowerCase();
  return definition.subAttributes?.find((sub) => sub.name.toLowerCase() === lower);
}

export function extensionById(schema: ResourceSchema, id: string): SchemaDefinition | undefined {
  return indexOf(schema).extensions.get(id.toLowerCase())?.schema;
}

/**
 * Resolves `[uri:]name[.sub]` against a resource schema; undefined when the schema has no such
 * attribute. `urn:...:enterprise:2.0:User` alone resolves to that extension as a whole.
 */
export function resolveAttribute(
  schema: ResourceSchema,
  path: AttributePath,
): Resolved | undefined {
  const index = indexOf(schema);
  const uri = path.uri?.toLowerCase();
  if (uri !== undefined && path.subAttr === undefined) {
    const root = index.extensions.get(`${uri}:${path.name.toLowerCase()}`);
    if (root) return { extensionRoot: root.schema };
  }
  const extension = uri === undefined ? undefined : index.extensions.get(uri);
  if (uri !== undefined && !extension && !index.coreIds.has(uri)) return undefined;
  const definition = (extension?.attributes ?? index.core).get(path.name.toLowerCase());
  if (!definition) return undefined;
  if (path.subAttr === undefined)
    return { ...(extension && { extension: extension.schema }), definition };
  const sub = subAttribute(definition, path.subAttr);
  return sub ? { ...(extension && { extension: extension.schema }), definition, sub } : undefined;
}

/** A value for an error message: short, and never a deep walk of what the client sent. */
export function shown(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** Checks an xsd:dateTime-like value (fields in range); the text itself goes to PostgreSQL. */
export function isDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match
    .slice(1, 7)
    .map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60
  );
}

function typeError(label: string, expected: string, value: unknown) {
  return invalidValue(`Attribute '${label}' must be ${expected}, not ${shown(value)}`);
}

/** Coerces one simple (non-complex) value; Entra sends booleans and numbers as strings. */
export function coerceSimple(
  value: unknown,
  definition: AttributeDefinition,
  label: string,
): unknown {
  switch (definition.type) {
    case 'string':
    case 'reference':
    case 'binary':
      if (typeof value === 'string') return value;
      throw typeError(label, 'a string', value);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
        return value.trim().toLowerCase() === 'true';
      throw typeError(label, 'a boolean', value);
    case 'integer':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      if (typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim())) return Number(value);
      throw typeError(label, 'an integer', value);
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
        return Number(value);
      throw typeError(label, 'a number', value);
    case 'dateTime':
      if (typeof value === 'string' && isDateTime(value)) return value;
      throw typeError(label, 'a dateTime', value);
    case 'complex':
      throw typeError(label, 'a simple value', value);
  }
}

/**
 * Coerces the value of a complex attribute (or one element of a multi-valued one): canonical
 * sub-attribute names, typed values; unknown and read-only sub-attributes are dropped. A bare
 * primitive stands for `{ value }` (manager as an id, members as ids). Undefined when empty.
 */
export function coerceComplex(
  value: unknown,
  definition: AttributeDefinition,
  label: string,
): JsonObject | undefined {
  if (value === null || value === undefined) return undefined;
  if (!isPlainObject(value)) {
    const valueSub = subAttribute(definition, 'value');
    if (valueSub && !Array.isArray(value))
      return { value: coerceSimple(value, valueSub, `${label}.value`) };
    throw typeError(label, 'an object', value);
  }
  // Keys are matched case-insensitively; the result follows the schema's order and spelling.
  const given = new Map(safeEntries(value).map(([key, item]) => [key.toLowerCase(), item]));
  const result: JsonObject = {};
  for (const sub of definition.subAttributes ?? []) {
    const item = given.get(sub.name.toLowerCase());
    if (sub.mutability === 'readOnly' || item === null || item === undefined) continue;
    result[sub.name] = coerceSimple(item, sub, `${label}.${sub.name}`);
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

/** Coerces a whole attribute value; undefined means unassigned (null, empty array, empty object). */
export function coerceAttribute(
  value: unknown,
  definition: AttributeDefinition,
  label: string,
): unknown {
  if (value === null || value === undefined) return undefined;
  if (definition.multiValued) {
    // A single value where an array is expected is taken as a one-element array (Microsoft's
    // reference tests add a member as a bare string).
    const items = Array.isArray(value) ? value : [value];
    const coerced = items
      .map((item) => coerceElement(item, definition, label))
      .filter((item) => item !== undefined);
    return coerced.length > 0 ? coerced : undefined;
  }
  if (definition.type === 'complex') return coerceComplex(value, definition, label);
  return coerceSimple(value, definition, label);
}

export function coerceElement(
  item: unknown,
  definition: AttributeDefinition,
  label: string,
): unknown {
  return definition.type === 'complex'
    ? coerceComplex(item, definition, label)
    : item === null
      ? undefined
      : coerceSimple(item, definition, label);
}
