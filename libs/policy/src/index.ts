export * from './types.js';
export * from './roles.js';
export * from './ability.js';
export * from './matrix.js';
export * from './ip.js';
export * from './access-rules.js';
export * from './permission-rules.js';
export * from './policy.js';
