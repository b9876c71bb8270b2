import {
  cloneJson,
  coerceAttribute,
  coerceComplex,
  coerceSimple,
  field,
  isPlainObject,
  resolveAttribute,
  safeEntries,
  shown,
  subAttribute,
  type AttributeTarget,
  type JsonObject,
} from './attributes.js';
import {
  invalidPath,
  invalidSyntax,
  invalidValue,
  mutability,
  noTarget,
  ScimError,
} from './errors.js';
import { compileElementFilter } from './element-filter.js';
import { parsePath, type FilterNode, type PatchPath } from './filter.js';
import type { AttributeDefinition, ResourceSchema, SchemaDefinition } from './schemas.js';
import { SCHEMAS } from './urns.js';

export interface PatchOperation {
  op: 'add' | 'remove' | 'replace';
  path?: string;
  value?: unknown;
}

export const MAX_PATCH_OPERATIONS = 1000;
export const MAX_PATCH_VALUES = 20_000;

const OPS = new Set(['add', 'remove', 'replace']);

/**
 * Validates a PatchOp body and returns its operations with `op` in lower case (Entra sends
 * "Add", "Replace", "Remove"). Extra members (Microsoft's tests send `id` and `name`) are
 * ignored. ScimError 400 invalidSyntax, invalidValue, invalidPath or noTarget otherwise.
 */
export function parsePatch(
  body: unknown,
  options: { maxOperations?: number } = {},
): PatchOperation[] {
  const maxOperations = options.maxOperations ?? MAX_PATCH_OPERATIONS;
  if (!isPlainObject(body)) throw invalidSyntax('The PATCH body must be a JSON object');
  const schemas = field(body, 'schemas');
  const patchOp = SCHEMAS.patchOp.toLowerCase();
  if (
    !Array.isArray(schemas) ||
    !schemas.some((urn) => typeof urn === 'string' && urn.toLowerCase() === patchOp)
  )
    throw invalidSyntax(`'schemas' must contain "${SCHEMAS.patchOp}"`);
  const operations = field(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0)
    throw invalidSyntax("'Operations' must be a non-empty array");
  if (operations.length > maxOperations)
    throw invalidValue(`At most ${maxOperations} operations are accepted in one PATCH`);
  return operations.map((operation: unknown, i) => parseOperation(operation, i));
}

function parseOperation(operation: unknown, i: number): PatchOperation {
  const where = `Operations[${i}]`;
  if (!isPlainObject(operation)) throw invalidSyntax(`${where} must be an object`);
  const op = field(operation, 'op');
  const lower = typeof op === 'string' ? op.toLowerCase() : undefined;
  if (lower === undefined || !OPS.has(lower))
    throw invalidSyntax(`${where}.op must be "add", "remove" or "replace", not ${shown(op)}`);
  const path = field(operation, 'path');
  if (path !== undefined && path !== null && typeof path !== 'string')
    throw invalidPath(`${where}.path must be a string`);
  const value = field(operation, 'value');
  if (lower !== 'remove' && value === undefined)
    throw invalidValue(`${where} (${lower}) needs a value`);
  if (lower === 'remove' && (path === undefined || path === null))
    throw noTarget(`${where} (remove) needs a path`);
  checkSize(value, where, 2);
  return {
    op: lower as PatchOperation['op'],
    ...(typeof path === 'string' && { path }),
    ...(value !== undefined && { value }),
  };
}

/** Arrays in a value (at the top, and inside path-less objects) hold at most MAX_PATCH_VALUES. */
function checkSize(value: unknown, where: string, levels: number): void {
  if (Array.isArray(value) && value.length > MAX_PATCH_VALUES)
    throw invalidValue(`${where}: a value holds at most ${MAX_PATCH_VALUES} elements`);
  if (levels > 1 && isPlainObject(value))
    for (const [, item] of safeEntries(value)) checkSize(item, where, levels - 1);
}

/**
 * Applies operations to a SCIM representation (core attributes at the top, extension
 * attributes under their URN) and returns a new object; the input is not modified. Attribute
 * names are case-insensitive and come out in the schema's spelling; attributes the schema does
 * not know are ignored (clients sync attributes we do not store), read-only ones are refused
 * when named in a path and ignored inside a path-less value.
 */
export function applyPatch(
  resource: Record<string, unknown>,
  operations: PatchOperation[],
  schema: ResourceSchema,
): Record<string, unknown> {
  if (!isPlainObject(resource)) throw invalidSyntax('The resource must be a JSON object');
  if (!Array.isArray(operations)) throw invalidSyntax('The operations must be an array');
  const patcher = new Patcher(cloneJson(resource) as JsonObject, schema);
  const required = requiredAttributes(patcher.resource, schema);
  operations.forEach((operation) => patcher.apply(operation));
  tidyExtensions(patcher.resource, schema);
  for (const { holder, definition } of required) {
    const value = holder(patcher.resource)?.[definition.name];
    if (value === undefined || value === '')
      throw invalidValue(`Attribute '${definition.name}' is required`);
  }
  return patcher.resource;
}

interface Target extends AttributeTarget {
  filter?: FilterNode;
  /** How the client named it, for error messages. */
  label: string;
  /** Named by an explicit `path` (strict) or by a key of a path-less value (lenient). */
  explicit: boolean;
}

class Patcher {
  constructor(
    readonly resource: JsonObject,
    private readonly schema: ResourceSchema,
  ) {}

  apply(operation: PatchOperation): void {
    if (!isPlainObject(operation)) throw invalidSyntax('An operation must be an object');
    const op = typeof operation.op === 'string' ? operation.op.toLowerCase() : '';
    if (!OPS.has(op)) throw invalidSyntax(`Unknown op ${shown(operation.op)}`);
    const kind = op as PatchOperation['op'];
    if (operation.path === undefined || operation.path === null) {
      if (kind === 'remove') throw noTarget('A remove operation needs a path');
      this.applyObject(kind, operation.value, undefined);
      return;
    }
    if (typeof operation.path !== 'string') throw invalidPath('path must be a string');
    this.applyPath(kind, parsePath(operation.path), operation.value, operation.path, true);
  }

  /** A path-less add/replace: each key of the value is a path ('name.givenName', URNs...). */
  private applyObject(
    op: PatchOperation['op'],
    value: unknown,
    extension: SchemaDefinition | undefined,
  ): void {
    if (!isPlainObject(value))
      throw invalidValue(
        `${extension ? `'${extension.id}'` : 'A path-less operation'} needs an object value`,
      );
    for (const [key, item] of safeEntries(value)) {
      const lower = key.toLowerCase();
      if (!extension && (lower === 'schemas' || lower === 'meta')) continue;
      if (!extension && lower === 'id') {
        this.checkOwnId(item);
        continue;
      }
      const text = extension ? `${extension.id}:${key}` : key;
      let path: PatchPath;
      try {
        path = parsePath(text);
      } catch (error) {
        if (error instanceof ScimError) continue; // not an attribute name we could store
        throw error;
      }
      if (extension && path.attrPath.uri?.toLowerCase() !== extension.id.toLowerCase()) continue;
      this.applyPath(op, path, item, key, false);
    }
  }

  // Okta renames a group with a path-less replace that carries the group's own id.
  private checkOwnId(value: unknown): void {
    const own = this.resource.id;
    if (own === undefined || value === own) return;
    throw mutability(`Attribute 'id' is readOnly`);
  }

  private applyPath(
    op: PatchOperation['op'],
    path: PatchPath,
    value: unknown,
    label: string,
    explicit: boolean,
  ): void {
    const resolved = resolveAttribute(this.schema, path.attrPath);
    if (!resolved) return; // not in the schema: accepted and ignored
    if ('extensionRoot' in resolved) {
      if (path.filter) throw invalidPath(`'${label}' cannot take a filter`);
      if (op === 'remove') delete this.resource[resolved.extensionRoot.id];
      else this.applyObject(op, value, resolved.extensionRoot);
      return;
    }
    let sub = resolved.sub;
    if (path.subAttr !== undefined) {
      sub = subAttribute(resolved.definition, path.subAttr);
      if (!sub) return;
    }
    const target: Target = {
      ...resolved,
      ...(sub && { sub }),
      ...(path.filter && { filter: path.filter }),
      label,
      explicit,
    };
    if (!this.writable(target)) return;
    const holder = this.holder(target.extension);
    if (!target.definition.multiValued) applySingle(holder, op, target, value);
    else applyMultiValued(holder, op, target, value);
  }

  /** Read-only attributes: refused when named by a path, silently skipped in a path-less value. */
  private writable(target: Target): boolean {
    const readOnly =
      target.definition.mutability === 'readOnly' || target.sub?.mutability === 'readOnly';
    if (readOnly && target.explicit) throw mutability(`Attribute '${target.label}' is readOnly`);
    if (target.filter && !target.definition.multiValued) {
      if (target.explicit) throw invalidPath(`'${target.label}' is not multi-valued`);
      return false;
    }
    return !readOnly;
  }

  private holder(extension: SchemaDefinition | undefined): JsonObject {
    if (!extension) return this.resource;
    const existing = this.resource[extension.id];
    if (isPlainObject(existing)) return existing;
    const created: JsonObject = {};
    this.resource[extension.id] = created;
    return created;
  }
}

function setOrDelete(holder: JsonObject, name: string, value: unknown): void {
  if (value === undefined) delete holder[name];
  else holder[name] = value;
}

function checkImmutable(
  definition: AttributeDefinition,
  current: unknown,
  next: unknown,
  label: string,
): void {
  if (definition.mutability === 'immutable' && current !== undefined && current !== next)
    throw mutability(`Attribute '${label}' is immutable`);
}

/** Single-valued attributes: simple values are set; complex ones are merged (RFC 7644 §3.5.2). */
function applySingle(
  holder: JsonObject,
  op: PatchOperation['op'],
  target: Target,
  value: unknown,
): void {
  const { definition, sub, label } = target;
  const current = holder[definition.name];
  if (definition.type !== 'complex') {
    const next = op === 'remove' ? undefined : coerceAttribute(value, definition, label);
    checkImmutable(definition, current, next, label);
    setOrDelete(holder, definition.name, next);
    return;
  }
  const object: JsonObject = isPlainObject(current) ? current : {};
  if (sub) setSub(object, op, sub, value, label);
  else if (op === 'remove' || value === null) {
    delete holder[definition.name]; // null means unassigned (RFC 7643 §2.5)
    return;
  } else Object.assign(object, coerceComplex(value, definition, label));
  setOrDelete(holder, definition.name, Object.keys(object).length > 0 ? object : undefined);
}

function nullable(value: unknown, coerce: (value: unknown) => unknown): unknown {
  return value === null || value === undefined ? undefined : coerce(value);
}

function applyMultiValued(
  holder: JsonObject,
  op: PatchOperation['op'],
  target: Target,
  value: unknown,
): void {
  const { definition } = target;
  const current = holder[definition.name];
  const list: unknown[] = Array.isArray(current) ? current : [];
  const result = target.filter
    ? applyFiltered(list, op, target, value)
    : target.sub
      ? applyToEverySub(list, op, target, value)
      : applyWhole(list, op, target, value);
  if (result === undefined) return;
  keepOnePrimary(result.list, result.touched);
  setOrDelete(holder, definition.name, result.list.length > 0 ? result.list : undefined);
}

interface ListChange {
  list: unknown[];
  /** Elements this operation wrote: one of them keeps `primary: true` if it set it. */
  touched: unknown[];
}

/** `emails`, `members`: add appends (deduplicated by value), replace replaces, remove removes. */
function applyWhole(
  list: unknown[],
  op: PatchOperation['op'],
  target: Target,
  value: unknown,
): ListChange {
  const { definition, label } = target;
  const given = (coerceAttribute(value, definition, label) as unknown[] | undefined) ?? [];
  if (op === 'replace') return { list: given, touched: given };
  if (op === 'remove') {
    // Entra removes members with `path: "members"` and the members to remove as the value.
    if (value === undefined || value === null) return { list: [], touched: [] };
    const keyOf = elementKey(definition);
    const removed = new Set(given.map(keyOf));
    return { list: list.filter((element) => !removed.has(keyOf(element))), touched: [] };
  }
  return addElements(list, given, definition);
}

/** Appends elements, merging one whose value is already there into the existing element. */
function addElements(
  list: unknown[],
  added: unknown[],
  definition: AttributeDefinition,
): ListChange {
  const result = [...list];
  const touched: unknown[] = [];
  const keyOf = elementKey(definition);
  const byKey = new Map(result.map((element) => [keyOf(element), element]));
  for (const element of added) {
    const key = keyOf(element);
    const existing = byKey.get(key);
    if (existing === undefined) {
      result.push(element);
      byKey.set(key, element);
      touched.push(element);
    } else if (isPlainObject(existing) && isPlainObject(element)) {
      // Keep immutable sub-attributes (a member's value, display, type) as they were.
      for (const [name, item] of safeEntries(element))
        if (subAttribute(definition, name)?.mutability !== 'immutable') existing[name] = item;
      touched.push(existing);
    }
  }
  return { list: result, touched };
}

/** Elements are the same when their `value` is (case-folded unless caseExact), else when equal. */
function elementKey(definition: AttributeDefinition): (element: unknown) => string {
  const valueSub = subAttribute(definition, 'value');
  const fold = (text: string) => (valueSub?.caseExact ? text : text.toLowerCase());
  return (element) =>
    valueSub && isPlainObject(element) && typeof element.value === 'string'
      ? `value:${fold(element.value)}`
      : `json:${JSON.stringify(element)}`;
}

/** `emails.value` without a filter: every element (or a new one when there is none). */
function applyToEverySub(
  list: unknown[],
  op: PatchOperation['op'],
  target: Target,
  value: unknown,
): ListChange {
  const sub = target.sub as AttributeDefinition;
  const elements = list.filter(isPlainObject);
  if (op !== 'remove' && elements.length === 0) {
    const element = { [sub.name]: coerceSimple(value, sub, target.label) };
    return { list: [element], touched: [element] };
  }
  elements.forEach((element) => setSub(element, op, sub, value, target.label));
  return { list: elements, touched: elements };
}

function setSub(
  element: JsonObject,
  op: PatchOperation['op'],
  sub: AttributeDefinition,
  value: unknown,
  label: string,
): void {
  const next = op === 'remove' ? undefined : nullable(value, (v) => coerceSimple(v, sub, label));
  checkImmutable(sub, element[sub.name], next, label);
  setOrDelete(element, sub.name, next);
}

/**
 * `emails[type eq "work"]` and `emails[type eq "work"].value`: the matching elements. A replace
 * or add that matches nothing adds an element built from the filter's `eq` conditions.
 */
function applyFiltered(
  list: unknown[],
  op: PatchOperation['op'],
  target: Target,
  value: unknown,
): ListChange | undefined {
  const { definition, sub, label } = target;
  const filter = target.filter as FilterNode;
  const matches = compileElementFilter(filter, definition);
  // A filter on sub-attributes the schema lacks names nothing we store: ignore the operation.
  if (!matches) return undefined;
  const matched = new Set(list.filter(matches));
  if (op === 'remove') {
    if (!sub) return { list: list.filter((element) => !matched.has(element)), touched: [] };
    matched.forEach((element) => setSub(element as JsonObject, op, sub, value, label));
    return { list, touched: [] };
  }
  if (matched.size === 0) {
    const template = templateOf(filter, definition, label);
    if (!template) throw noTarget(`No value matches '${label}'`);
    const element = sub
      ? { ...template, [sub.name]: coerceSimple(value, sub, label) }
      : { ...template, ...coerceComplex(value, definition, label) };
    return { list: [...list, element], touched: [element] };
  }
  for (const element of matched as Set<JsonObject>) {
    if (sub) setSub(element, op, sub, value, label);
    else
      for (const [name, item] of Object.entries(coerceComplex(value, definition, label) ?? {}))
        setSub(element, op, subAttribute(definition, name) as AttributeDefinition, item, label);
  }
  return { list, touched: [...matched] };
}

/** The element described by `type eq "work" and primary eq true`; undefined for other shapes. */
function templateOf(
  filter: FilterNode,
  definition: AttributeDefinition,
  label: string,
): JsonObject | undefined {
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.value !== null) {
    const sub = subAttribute(definition, filter.attrPath.name) as AttributeDefinition;
    return { [sub.name]: coerceSimple(filter.value, sub, label) };
  }
  if (filter.kind !== 'logical' || filter.op !== 'and') return undefined;
  const parts = filter.filters.map((f) => templateOf(f, definition, label));
  if (parts.some((part) => part === undefined)) return undefined;
  return Object.assign({}, ...parts) as JsonObject;
}

/** At most one element keeps `primary: true`: the last one this operation set. */
function keepOnePrimary(list: unknown[], touched: unknown[]): void {
  // Only an element this operation wrote can have become a second primary.
  if (!touched.some(isPrimary)) return;
  const primaries = list.filter(isPrimary);
  const winner = [...touched].reverse().find(isPrimary);
  for (const element of primaries) if (element !== winner) element.primary = false;
}

function isPrimary(element: unknown): element is JsonObject {
  return isPlainObject(element) && element.primary === true;
}

interface RequiredAttribute {
  definition: AttributeDefinition;
  holder: (resource: JsonObject) => JsonObject | undefined;
}

/** Required attributes the resource has now: no operation may take them away. */
function requiredAttributes(resource: JsonObject, schema: ResourceSchema): RequiredAttribute[] {
  const all: RequiredAttribute[] = [
    ...schema.core.attributes.map((definition) => ({
      definition,
      holder: (r: JsonObject) => r,
    })),
    ...schema.extensions.flatMap((extension) =>
      extension.attributes.map((definition) => ({
        definition,
        holder: (r: JsonObject) => {
          const object = r[extension.id];
          return isPlainObject(object) ? object : undefined;
        },
      })),
    ),
  ];
  return all.filter(({ definition, holder }) => {
    const value = holder(resource)?.[definition.name];
    return definition.required && value !== undefined && value !== '';
  });
}

/** Drops empty extension objects and lists the extensions in use in `schemas`. */
function tidyExtensions(resource: JsonObject, schema: ResourceSchema): void {
  const used = schema.extensions.filter((extension) => {
    const object = resource[extension.id];
    if (isPlainObject(object) && Object.keys(object).length > 0) return true;
    delete resource[extension.id];
    return false;
  });
  resource.schemas = [schema.core.id, ...used.map((extension) => extension.id)];
}
