export * from './totp.js';
export * from './secret-box.js';
export * from './password-policy.js';
