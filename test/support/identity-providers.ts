/** The local identity providers live beside the benchmarks, which run them too (bench/sso.ts). */
export * from '../../bench/identity-providers.js';
