export * from './ids.js';
export * from './cursor.js';
export * from './hashing.js';
export * from './embedded-postgres.js';
export * from './migrate.js';
export * from './processes.js';
