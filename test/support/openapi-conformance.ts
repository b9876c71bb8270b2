/**
 * Checks a JSON value against a schema of an OpenAPI 3.0 document, for the subset the server's
 * DTOs produce ($ref, allOf, oneOf, nullable, enum, type, properties, required, items, uuid and
 * date-time formats). An object schema with properties is read as closed: a field the document
 * does not declare is reported, so an answer cannot grow beyond its DTO unnoticed.
 */
type Schema = {
  $ref?: string;
  allOf?: Schema[];
  oneOf?: Schema[];
  nullable?: boolean;
  enum?: unknown[];
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
};

export interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>
  >;
  components: { schemas: Record<string, Schema> };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function conformance(
  document: OpenApiDocument,
  schema: Schema,
  value: unknown,
  at = '$',
): string[] {
  const problems: string[] = [];
  const check = (s: Schema, v: unknown, where: string): void => {
    if (s.$ref) {
      const name = s.$ref.replace('#/components/schemas/', '');
      const target = document.components.schemas[name];
      if (!target) problems.push(`${where}: unknown schema ${s.$ref}`);
      else check(target, v, where);
      return;
    }
    if (v === null) {
      if (!s.nullable) problems.push(`${where}: null, not declared nullable`);
      return;
    }
    for (const part of s.allOf ?? []) check(part, v, where);
    if (s.oneOf && !s.oneOf.some((o) => conformance(document, o, v, where).length === 0))
      problems.push(`${where}: matches none of oneOf`);
    if (s.enum && !s.enum.includes(v)) problems.push(`${where}: ${JSON.stringify(v)} not in enum`);
    switch (s.type) {
      case 'string':
        if (typeof v !== 'string') problems.push(`${where}: not a string`);
        else if (s.format === 'uuid' && !UUID.test(v)) problems.push(`${where}: not a uuid`);
        else if (s.format === 'date-time' && !DATE_TIME.test(v))
          problems.push(`${where}: not a date-time`);
        break;
      case 'number':
      case 'integer':
        if (typeof v !== 'number') problems.push(`${where}: not a number`);
        break;
      case 'boolean':
        if (typeof v !== 'boolean') problems.push(`${where}: not a boolean`);
        break;
      case 'array':
        if (!Array.isArray(v)) problems.push(`${where}: not an array`);
        else if (s.items) v.forEach((item, i) => check(s.items!, item, `${where}[${i}]`));
        break;
      case 'object': {
        if (typeof v !== 'object' || Array.isArray(v)) {
          problems.push(`${where}: not an object`);
          break;
        }
        const record = v as Record<string, unknown>;
        for (const key of s.required ?? [])
          if (!(key in record)) problems.push(`${where}.${key}: required, missing`);
        if (!s.properties) break;
        for (const [key, field] of Object.entries(record)) {
          const declared = s.properties[key];
          if (declared) check(declared, field, `${where}.${key}`);
          else if (s.additionalProperties === undefined || s.additionalProperties === false)
            problems.push(`${where}.${key}: not in the document`);
        }
        break;
      }
      case undefined:
      default:
        // No type of its own ($ref, allOf or oneOf only): checked above.
        break;
    }
  };
  check(schema, value, at);
  return problems;
}

/** The schema the document declares for this method, concrete path and status. */
export function responseSchema(
  document: OpenApiDocument,
  method: string,
  path: string,
  status: number,
): { template: string; schema: Schema | undefined } | undefined {
  const concrete = path.split('?')[0]!;
  for (const [template, methods] of Object.entries(document.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const operation = methods[method.toLowerCase()];
    if (!operation || !pattern.test(concrete)) continue;
    const response = operation.responses[String(status)];
    if (!response) return { template, schema: undefined };
    const content = response.content ?? {};
    const body = content['application/json'] ?? content['application/problem+json'];
    return { template, schema: body?.schema ?? { type: 'none' } };
  }
  return undefined;
}
