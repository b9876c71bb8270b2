// SCIM 2.0 (RFC 7643, RFC 7644): schemas, filter to SQL translation, PATCH application. Pure.
export {};
