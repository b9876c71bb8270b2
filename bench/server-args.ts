import { readFileSync } from 'node:fs';
import { sha256 } from '#database';

/**
 * The node arguments of `npm start` (flags and the entry file), read from package.json so that
 * benchmarks run the server exactly as users do.
 */
export function serverArgs(): string[] {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } };
  // `exec` replaces npm's `sh -c` with node, so that npm's forwarded signals reach the server.
  const [node, ...args] = pkg.scripts.start
    .split(/\s+/)
    .filter(Boolean)
    .filter((word, i) => !(i === 0 && word === 'exec'));
  if (node !== 'node') throw new Error(`npm start does not run node: ${pkg.scripts.start}`);
  return args;
}

/**
 * The ENCRYPTION_KEYS of a benchmark's server: the caller's, or one fixed key. A run on
 * DATABASE_URL leaves sealed secrets behind (token signing keys); with a new random key per run,
 * the next run on that database could not open them and its server would not start.
 */
export function benchEncryptionKeys(): string {
  return process.env.ENCRYPTION_KEYS ?? `bench:${sha256('bench').toString('base64')}`;
}
