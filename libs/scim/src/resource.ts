import { field, isPlainObject, type JsonObject } from './attributes.js';
import { invalidSyntax, invalidValue } from './errors.js';
import { applyPatch } from './patch.js';
import type { ResourceSchema } from './schemas.js';

/**
 * Normalises a POST/PUT body: canonical attribute names, coerced types ("True" → true, a bare
 * manager id → { value }), read-only attributes (id, meta, groups) and unknown attributes
 * dropped, required attributes checked. ScimError 400 invalidSyntax / invalidValue otherwise.
 */
export function normalizeResource(body: unknown, schema: ResourceSchema): Record<string, unknown> {
  if (!isPlainObject(body)) throw invalidSyntax('The request body must be a JSON object');
  const schemas = field(body, 'schemas');
  const core = schema.core.id.toLowerCase();
  if (
    !Array.isArray(schemas) ||
    !schemas.some((urn) => typeof urn === 'string' && urn.toLowerCase() === core)
  )
    throw invalidSyntax(`'schemas' must contain "${schema.core.id}"`);
  // A body is a path-less add onto an empty resource: the same rules for names, types, read-only
  // and unknown attributes as PATCH. The empty resource has no id, so the body's is ignored.
  const resource = applyPatch({}, [{ op: 'add', value: body }], schema);
  checkRequired(resource, schema);
  return resource;
}

function checkRequired(resource: JsonObject, schema: ResourceSchema): void {
  const missing = (holder: unknown, name: string) =>
    !isPlainObject(holder) || holder[name] === undefined || holder[name] === '';
  for (const definition of schema.core.attributes)
    if (definition.required && missing(resource, definition.name))
      throw invalidValue(`Attribute '${definition.name}' is required`);
  for (const extension of schema.extensions)
    for (const definition of extension.attributes)
      if (definition.required && missing(resource[extension.id], definition.name))
        throw invalidValue(`Attribute '${extension.id}:${definition.name}' is required`);
}
