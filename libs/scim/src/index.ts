/**
 * SCIM 2.0 (RFC 7643, RFC 7644), pure: schemas and discovery documents, filters (parse, then
 * translate to parameterized SQL), PATCH (parse, then apply), request-body normalisation and
 * attributes/excludedAttributes projection. Every refusal is a ScimError (status, scimType,
 * detail); `toBody()` gives the RFC 7644 error body.
 *
 * A list endpoint, for instance:
 *   const { sql, params } = filterToSql(parseFilter(q.filter), USER_SQL_ATTRIBUTES, 2);
 *   ... WHERE m.tenant_id = $1 AND (${sql})  -- params: [tenantId, ...params]
 * with a map such as
 *   { username: { kind: 'column', sql: 'm.username', type: 'string', caseExact: false },
 *     emails: { kind: 'jsonArray', sql: "m.scim->'emails'", defaultSub: 'value',
 *               subAttributes: { value: { type: 'string', caseExact: false }, ... } } }
 */
export * from './urns.js';
export * from './errors.js';
export * from './schemas.js';
export * from './filter.js';
export * from './filter-sql.js';
export { isDateTime } from './attributes.js';
export * from './patch.js';
export * from './resource.js';
export * from './projection.js';
export * from './discovery.js';
