// SCIM 2.0 (RFC 7643, RFC 7644): schemas, filter to SQL translation, PATCH application. Pure.
export * from './urns.js';
export * from './errors.js';
export * from './schemas.js';
export * from './filter.js';
export * from './filter-sql.js';
export * from './patch.js';
export * from './resource.js';
export * from './projection.js';
export * from './discovery.js';
