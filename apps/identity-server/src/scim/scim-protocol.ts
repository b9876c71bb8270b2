import type { FastifyReply } from 'fastify';
import type { DataSource } from 'typeorm';
import {
  filterToSql,
  invalidValue,
  parseFilter,
  SCHEMAS,
  ScimError,
  type FilterNode,
  type SqlAttributeMap,
} from '#scim';

/** ListResponse pages: `count` defaults to 100 and is capped at MAX_RESULTS (advertised). */
export const DEFAULT_COUNT = 100;
export const MAX_RESULTS = 1000;

export type ScimResource = Record<string, unknown>;

export interface Projection {
  attributes?: string;
  excludedAttributes?: string;
}

export interface ListParams extends Projection {
  filter?: FilterNode;
  startIndex: number;
  count: number;
  sortBy?: string;
  descending: boolean;
}

type Query = Record<string, unknown>;

function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidValue(`Give "${name}" once`);
  return value;
}

function integer(query: Query, name: string): number | undefined {
  const raw = single(query, name);
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^\s*[+-]?\d{1,15}\s*$/.test(raw)) throw invalidValue(`"${name}" must be an integer`);
  return Number(raw);
}

/** `attributes` / `excludedAttributes` of any request (RFC 7644 §3.9). */
export function projectionOf(query: unknown): Projection {
  const q = (query ?? {}) as Query;
  const attributes = single(q, 'attributes');
  const excludedAttributes = single(q, 'excludedAttributes');
  return {
    ...(attributes ? { attributes } : {}),
    ...(excludedAttributes ? { excludedAttributes } : {}),
  };
}

/**
 * RFC 7644 §3.4.2: a startIndex below 1 is read as 1, a negative count as 0 (§3.4.2.4); count
 * is capped at MAX_RESULTS. Malformed numbers and sort orders are 400 invalidValue.
 */
export function listParams(query: unknown): ListParams {
  const q = (query ?? {}) as Query;
  const filterText = single(q, 'filter');
  const sortBy = single(q, 'sortBy');
  const sortOrder = single(q, 'sortOrder')?.toLowerCase();
  if (sortOrder !== undefined && sortOrder !== 'ascending' && sortOrder !== 'descending')
    throw invalidValue('sortOrder is "ascending" or "descending"');
  return {
    ...(filterText !== undefined ? { filter: parseFilter(filterText) } : {}),
    startIndex: Math.max(1, integer(q, 'startIndex') ?? 1),
    count: Math.min(MAX_RESULTS, Math.max(0, integer(q, 'count') ?? DEFAULT_COUNT)),
    ...(sortBy ? { sortBy } : {}),
    descending: sortOrder === 'descending',
    ...projectionOf(q),
  };
}

export function listResponse(
  resources: object[],
  totalResults: number,
  startIndex: number,
): ScimResource {
  return {
    schemas: [SCHEMAS.listResponse],
    totalResults,
    itemsPerPage: resources.length,
    startIndex,
    Resources: resources,
  };
}

/** A resource table as lists read it: `from` names it with `alias`; `$1` is the tenant. */
export interface ListSource {
  from: string;
  alias: string;
  columns: string;
  /** Conditions every row of the tenant meets (e.g. not removed), besides the tenant itself. */
  conditions: string[];
  attributes: SqlAttributeMap;
  coreSchema: string;
}

/**
 * One ListResponse page in SQL: the filter and sortBy translated through the attribute map, the
 * total counted, the page read in a stable order (creation, then id, after sortBy).
 */
export async function readPage<T>(
  dataSource: DataSource,
  source: ListSource,
  tenantId: string,
  params: ListParams,
): Promise<{ rows: T[]; totalResults: number }> {
  const { alias } = source;
  const where = [`${alias}.tenant_id = $1`, ...source.conditions];
  const args: unknown[] = [tenantId];
  if (params.filter) {
    const filter = filterToSql(params.filter, source.attributes, 2);
    where.push(`(${filter.sql})`);
    args.push(...filter.params);
  }
  const stable = `${alias}.created_at, ${alias}.id`;
  const order = params.sortBy
    ? `${sortExpression(params.sortBy, source.attributes, source.coreSchema)} ${params.descending ? 'DESC' : 'ASC'} NULLS LAST, ${stable}`
    : stable;
  const condition = where.join(' AND ');
  const [total] = await readQuery<{ n: number }>(
    dataSource,
    `SELECT count(*)::int AS n FROM ${source.from} WHERE ${condition}`,
    args,
  );
  const totalResults = total?.n ?? 0;
  if (params.count === 0 || totalResults < params.startIndex) return { rows: [], totalResults };
  const rows = await readQuery<T>(
    dataSource,
    `SELECT ${source.columns} FROM ${source.from} WHERE ${condition} ORDER BY ${order} LIMIT $${args.length + 1} OFFSET $${args.length + 2}`,
    [...args, params.count, params.startIndex - 1],
  );
  return { rows, totalResults };
}

/** A read whose values PostgreSQL cannot compare (a filter's fault) is 400, never a 500. */
async function readQuery<T>(dataSource: DataSource, sql: string, params: unknown[]): Promise<T[]> {
  try {
    return await dataSource.query<T[]>(sql, params);
  } catch (error) {
    const code = (error as { driverError?: { code?: string } }).driverError?.code;
    if (code?.startsWith('22'))
      throw new ScimError(400, 'invalidFilter', 'The filter compares a value of the wrong type');
    throw error;
  }
}

/** A map key for a path as clients write it: case-folded, the core schema URN dropped. */
export function attributeKey(path: string, coreSchema: string): string {
  const lower = path.trim().toLowerCase();
  const core = `${coreSchema.toLowerCase()}:`;
  return lower.startsWith(core) ? lower.slice(core.length) : lower;
}

/** The ORDER BY expression for sortBy (RFC 7644 §3.4.2.3); multi-valued: the primary value. */
function sortExpression(sortBy: string, attributes: SqlAttributeMap, coreSchema: string): string {
  const key = attributeKey(sortBy, coreSchema);
  // `emails.value`: a sub-attribute of a multi-valued attribute sorts by the primary element's.
  const dot = key.lastIndexOf('.');
  const parent = dot > 0 ? attributes[key.slice(0, dot)] : undefined;
  const attribute =
    attributes[key] ??
    (parent?.kind === 'jsonArray' && parent.subAttributes[key.slice(dot + 1)]
      ? { ...parent, defaultSub: key.slice(dot + 1) }
      : undefined);
  if (!attribute) throw invalidValue(`Cannot sort by "${sortBy}": no such attribute`);
  const fold = (sql: string, caseExact: boolean, type: string) =>
    type === 'string' && !caseExact ? `lower(${sql})` : sql;
  switch (attribute.kind) {
    case 'column':
      return fold(attribute.sql, attribute.caseExact, attribute.type);
    case 'json':
      return fold(`(${attribute.sql} #>> '{}')`, attribute.caseExact, attribute.type);
    case 'jsonArray': {
      const sub = attribute.defaultSub ?? 'value';
      const name = attribute.subAttributes[sub]?.name ?? sub;
      return `(SELECT lower(e->>'${name}') FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${attribute.sql}) = 'array' THEN ${attribute.sql} ELSE '[]'::jsonb END) e ORDER BY e->'primary' = 'true'::jsonb DESC NULLS LAST LIMIT 1)`;
    }
  }
}

/** Whether a response will show `name` at all, so that costly attributes are loaded only then. */
export function wants(projection: Projection, name: string, coreSchema: string): boolean {
  const list = (text: string) => text.split(',').map((a) => attributeKey(a, coreSchema));
  const lower = name.toLowerCase();
  if (projection.attributes) {
    return list(projection.attributes).some((a) => a === lower || a.startsWith(`${lower}.`));
  }
  if (projection.excludedAttributes) return !list(projection.excludedAttributes).includes(lower);
  return true;
}

/** meta.version: a weak ETag from the last change (RFC 7644 §3.14). */
export function versionOf(updatedAt: Date): string {
  return `W/"${updatedAt.getTime().toString(36)}"`;
}

/** If-Match (RFC 7644 §3.14): `*` or one of the listed versions; otherwise 412. */
export function checkIfMatch(header: string | string[] | undefined, version: string): void {
  if (header === undefined) return;
  const given = (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  const bare = (v: string) => v.replace(/^W\//, '');
  if (given.some((v) => v === '*' || bare(v) === bare(version))) return;
  throw new ScimError(412, undefined, `The resource changed: its version is now ${version}`);
}

/** Headers of a single-resource answer: its ETag, and Location on creation. */
export function resourceHeaders(
  reply: FastifyReply,
  resource: ScimResource,
  created = false,
): void {
  const meta = resource.meta as { version?: string; location?: string } | undefined;
  if (meta?.version) void reply.header('etag', meta.version);
  if (created && meta?.location) void reply.header('location', meta.location);
}

/** PostgreSQL refuses NUL in text and jsonb: such input is refused up front, not with a 500. */
export function assertNoNul(value: unknown, depth = 0): void {
  if (depth > 64) throw invalidValue('The body is nested too deeply');
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw invalidValue('Strings must not contain NUL characters');
  } else if (Array.isArray(value)) {
    for (const item of value) assertNoNul(item, depth + 1);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      assertNoNul(key, depth + 1);
      assertNoNul(item, depth + 1);
    }
  }
}
