/**
 * `npm run bench:auth`: the cost of authenticating a request with an access token (signature,
 * claims, and the session-revocation check the server makes on every request) against a bare
 * `jose` verification of the same token, measured in the same run; and sign-in latency with the
 * configured Argon2id cost. Targets: within 2x of the bare verify; sign-in under 250 ms.
 * Uses DATABASE_URL, or an embedded PostgreSQL in a temporary folder.
 */
import { importJWK, jwtVerify, type JWK } from 'jose';
import { benchEncryptionKeys } from './server-args.js';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startEmbeddedPostgres } from '#database';
import { createApp } from '../apps/identity-server/src/app.factory.js';
import { AccessTokensService } from '../apps/identity-server/src/auth/tokens/access-tokens.service.js';
import { SessionsService } from '../apps/identity-server/src/auth/sessions/sessions.service.js';
import { loadConfig } from '../apps/identity-server/src/config/config.js';
import { signUp } from './signup.js';

const VERIFY_SECONDS = 3;
const LOGINS = 30;

async function perSecond(fn: () => Promise<unknown>, seconds: number): Promise<number> {
  for (let i = 0; i < 200; i++) await fn(); // warm-up
  let count = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) await fn();
    count += 100;
  }
  return count / seconds;
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] as number;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-auth-'));
  const embedded = process.env.DATABASE_URL
    ? null
    : await startEmbeddedPostgres({ dataDir: dir, database: 'bench', log: (m) => console.log(m) });
  const operatorKey = randomBytes(32).toString('hex');
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    PLATFORM_API_KEY: operatorKey,
    ENCRYPTION_KEYS: benchEncryptionKeys(),
  });
  const { app } = await createApp(
    config,
    process.env.DATABASE_URL ?? embedded!.url,
    pino({ level: 'silent' }),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = await app.getUrl();
  try {
    const email = `bench-${Date.now()}@example.com`;
    const password = 'a bench passphrase that is long';
    const { accessToken } = await signUp(base, operatorKey, {
      email,
      password,
      displayName: 'Bench',
    });

    const tokens = app.get(AccessTokensService);
    const sessions = app.get(SessionsService);
    const jwks = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
    const key = await importJWK(jwks.keys[0] as JWK, 'ES256');

    console.log(`measuring ${VERIFY_SECONDS} s of bare jose verification`);
    const bare = await perSecond(
      () => jwtVerify(accessToken, key, { algorithms: ['ES256'] }),
      VERIFY_SECONDS,
    );
    console.log(
      `measuring ${VERIFY_SECONDS} s of the server's check (token + session revocation state)`,
    );
    const ours = await perSecond(async () => {
      const claims = await tokens.verify(accessToken);
      if (!(await sessions.state(claims.sessionId))) throw new Error('session not usable');
    }, VERIFY_SECONDS);

    console.log(`measuring ${LOGINS} sign-ins`);
    const latencies: number[] = [];
    for (let i = 0; i < LOGINS; i++) {
      const started = performance.now();
      const res = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
      latencies.push(performance.now() - started);
    }

    const overhead = bare / ours;
    console.log('');
    console.log(`bare jose verify: ${Math.round(bare)} /s`);
    console.log(
      `server check (verify + session state): ${Math.round(ours)} /s, x${overhead.toFixed(2)} the cost of the bare verify; target within 2x: ${overhead <= 2 ? 'target met' : 'target missed'}`,
    );
    console.log(
      `sign-in (Argon2id m=${config.argon2MemoryKib} KiB, t=${config.argon2Iterations}, over HTTP): median ${pct(latencies, 0.5).toFixed(0)} ms, p95 ${pct(latencies, 0.95).toFixed(0)} ms; target < 250 ms: ${pct(latencies, 0.95) < 250 ? 'target met' : 'target missed'}`,
    );
  } finally {
    await app.close();
    await embedded?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
