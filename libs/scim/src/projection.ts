import {
  cloneJson,
  isPlainObject,
  resolveAttribute,
  type JsonObject,
  type Resolved,
} from './attributes.js';
import { splitAttributePath } from './filter.js';
import { COMMON_ATTRIBUTES, type AttributeDefinition, type ResourceSchema } from './schemas.js';

/** More names than any schema has: the rest of a longer list is not read. */
const MAX_NAMES = 200;

/**
 * Applies `attributes` / `excludedAttributes` (RFC 7644 §3.9): comma-separated names,
 * case-insensitive, optionally URN-qualified or dotted (`name.givenName`, `emails.value`).
 * `id` and `schemas` are always kept, `returned: never` attributes never shown, and names the
 * schema does not know are ignored. Returns a new object.
 */
export function project(
  resource: Record<string, unknown>,
  schema: ResourceSchema,
  q: { attributes?: string; excludedAttributes?: string },
): Record<string, unknown> {
  const copy = cloneJson(isPlainObject(resource) ? resource : {}) as JsonObject;
  removeNeverReturned(copy, schema);
  const requested = names(q.attributes, schema);
  const result = requested.length > 0 ? pick(copy, requested, schema) : copy;
  for (const target of names(q.excludedAttributes, schema)) exclude(result, target);
  return result;
}

function names(list: string | undefined, schema: ResourceSchema): Resolved[] {
  if (typeof list !== 'string') return [];
  return list
    .split(',', MAX_NAMES)
    .map((name) => splitAttributePath(name.trim()))
    .map((path) => path && resolveAttribute(schema, path))
    .filter((resolved): resolved is Resolved => resolved !== null && resolved !== undefined);
}

function holderIn(resource: JsonObject, extensionId: string | undefined, create: boolean) {
  if (extensionId === undefined) return resource;
  const existing = resource[extensionId];
  if (isPlainObject(existing)) return existing;
  if (!create) return undefined;
  const created: JsonObject = {};
  resource[extensionId] = created;
  return created;
}

function alwaysReturned(schema: ResourceSchema): AttributeDefinition[] {
  return [...COMMON_ATTRIBUTES, ...schema.core.attributes].filter((a) => a.returned === 'always');
}

function pick(resource: JsonObject, requested: Resolved[], schema: ResourceSchema): JsonObject {
  const result: JsonObject = {};
  if (resource.schemas !== undefined) result.schemas = resource.schemas;
  for (const definition of alwaysReturned(schema))
    if (resource[definition.name] !== undefined)
      result[definition.name] = resource[definition.name];
  for (const target of requested) {
    if ('extensionRoot' in target) {
      const id = target.extensionRoot.id;
      if (resource[id] !== undefined) result[id] = resource[id];
      continue;
    }
    const from = holderIn(resource, target.extension?.id, false);
    const value = from?.[target.definition.name];
    if (value === undefined) continue;
    const to = holderIn(result, target.extension?.id, true) as JsonObject;
    const name = target.definition.name;
    if (!target.sub) to[name] = value;
    else if (to[name] !== value) to[name] = withSub(to[name], value, target.sub.name);
  }
  return result;
}

/**
 * Adds one sub-attribute of `source` (a complex value or a list of them) to what was already
 * picked of it, element by element: `emails.value,emails.type` keeps both.
 */
function withSub(picked: unknown, source: unknown, sub: string): unknown {
  const one = (pickedItem: unknown, item: unknown) => {
    const base = isPlainObject(pickedItem) ? pickedItem : {};
    return isPlainObject(item) && item[sub] !== undefined ? { ...base, [sub]: item[sub] } : base;
  };
  if (Array.isArray(source)) {
    const previous = Array.isArray(picked) ? picked : [];
    return source.map((item, i) => one(previous[i], item));
  }
  return one(picked, source);
}

function exclude(resource: JsonObject, target: Resolved): void {
  if ('extensionRoot' in target) {
    delete resource[target.extensionRoot.id];
    return;
  }
  if (target.definition.returned === 'always' || target.sub?.returned === 'always') return;
  const holder = holderIn(resource, target.extension?.id, false);
  if (!holder) return;
  const name = target.definition.name;
  const sub = target.sub?.name;
  if (sub === undefined) delete holder[name];
  else {
    const value = holder[name];
    for (const item of Array.isArray(value) ? value : [value])
      if (isPlainObject(item)) delete item[sub];
    if (isPlainObject(value) && Object.keys(value).length === 0) delete holder[name];
  }
}

function removeNeverReturned(resource: JsonObject, schema: ResourceSchema): void {
  const groups: [string | undefined, AttributeDefinition[]][] = [
    [undefined, [...COMMON_ATTRIBUTES, ...schema.core.attributes]],
    ...schema.extensions.map((e): [string, AttributeDefinition[]] => [e.id, e.attributes]),
  ];
  for (const [extensionId, attributes] of groups) {
    const holder = holderIn(resource, extensionId, false);
    if (!holder) continue;
    for (const definition of attributes) {
      if (definition.returned === 'never') delete holder[definition.name];
      for (const sub of definition.subAttributes ?? [])
        if (sub.returned === 'never') exclude(holder, { definition, sub });
    }
  }
}
