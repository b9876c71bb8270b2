/**
 * `npm run bench:sso`: sign-in latency per method, end to end over HTTP against local identity
 * providers (oauth2-mock-server, the same the tests use): the browser's start at the server, the
 * provider's redirect back, the callback, and the exchange of the code for tokens. Password
 * sign-in (Argon2id with the configured cost) is measured in the same run as the baseline, and
 * the server's own share of an SSO sign-in (its three requests, without the provider's) is
 * shown apart. Uses DATABASE_URL, or an embedded PostgreSQL in a temporary folder.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { benchEncryptionKeys } from './server-args.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startEmbeddedPostgres } from '#database';
import { createApp } from '../apps/identity-server/src/app.factory.js';
import { loadConfig } from '../apps/identity-server/src/config/config.js';
import { freePort, startIdp, type IdpUser, type LocalIdp } from './identity-providers.js';
import { signUp } from './signup.js';

const RUNS = Number(process.env.BENCH_SSO_RUNS ?? 40);
const WARMUP = 5;

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] as number;

interface Timing {
  total: number;
  server: number;
}

/** One SSO sign-in as a browser makes it; `server` sums the three requests to our server. */
async function ssoSignIn(
  base: string,
  startPath: string,
  idp: LocalIdp,
  user: IdpUser,
): Promise<Timing> {
  idp.next(user);
  const began = performance.now();
  let server = 0;
  const timed = async (url: string, init?: RequestInit, ours = true) => {
    const t0 = performance.now();
    const res = await fetch(url, { redirect: 'manual', ...init });
    await res.arrayBuffer();
    if (ours) server += performance.now() - t0;
    return res;
  };
  const start = await timed(`${base}${startPath}?returnTo=/done`);
  const cookie = (start.headers.getSetCookie()[0] ?? '').split(';')[0] as string;
  const atIdp = await timed(start.headers.get('location') as string, undefined, false);
  const callback = await timed(atIdp.headers.get('location') as string, { headers: { cookie } });
  const back = new URL(callback.headers.get('location') as string);
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`sign-in refused: ${back.searchParams.get('error')}`);
  const exchanged = await timed(`${base}/api/v1/auth/sso/exchange`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  if (exchanged.status !== 200) throw new Error(`exchange failed: ${exchanged.status}`);
  return { total: performance.now() - began, server };
}

async function measure(label: string, fn: () => Promise<Timing>): Promise<Timing[]> {
  process.stdout.write(`measuring ${RUNS} sign-ins: ${label} `);
  for (let i = 0; i < WARMUP; i++) await fn();
  const out: Timing[] = [];
  for (let i = 0; i < RUNS; i++) {
    out.push(await fn());
    if (i % 10 === 9) process.stdout.write('.');
  }
  process.stdout.write('\n');
  return out;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-sso-'));
  const embedded = process.env.DATABASE_URL
    ? null
    : await startEmbeddedPostgres({ dataDir: dir, database: 'bench', log: (m) => console.log(m) });
  const [google, entra, okta] = await Promise.all([
    startIdp('google'),
    startIdp('entra'),
    startIdp('oidc'),
  ]);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const operatorKey = randomBytes(32).toString('hex');
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dir,
    PORT: String(port),
    PUBLIC_URL: base,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    PLATFORM_API_KEY: operatorKey,
    ENCRYPTION_KEYS: benchEncryptionKeys(),
    GOOGLE_CLIENT_ID: 'bench-google',
    GOOGLE_CLIENT_SECRET: 'bench-google-secret',
    GOOGLE_ISSUER: google.url,
    MICROSOFT_CLIENT_ID: 'bench-entra',
    MICROSOFT_CLIENT_SECRET: 'bench-entra-secret',
    MICROSOFT_AUTHORITY: entra.url,
    OIDC_CONNECTIONS_ALLOW_LOOPBACK: 'true',
    SIGNUP_RATE_LIMIT: '0',
  });
  const { app } = await createApp(
    config,
    process.env.DATABASE_URL ?? embedded!.url,
    pino({ level: 'silent' }),
  );
  await app.listen({ port, host: '127.0.0.1' });
  try {
    const email = `bench-${randomUUID()}@example.com`;
    const password = 'a bench passphrase that is long';
    await signUp(base, operatorKey, { email, password, displayName: 'Bench' });
    const tenant = (await (
      await fetch(`${base}/api/v1/tenants`, {
        method: 'POST',
        headers: { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Bench ${randomUUID()}` }),
      })
    ).json()) as { id: string };
    const connection = (await (
      await fetch(`${base}/api/v1/tenants/${tenant.id}/sso-connections`, {
        method: 'POST',
        headers: { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'Okta',
          issuer: okta.url,
          clientId: 'bench-okta',
          clientSecret: 'bench-okta-secret',
        }),
      })
    ).json()) as { id: string };

    const passwordTimes = await measure('password', async () => {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
      const ms = performance.now() - t0;
      return { total: ms, server: ms };
    });
    const googleUser = {
      sub: `g-${randomUUID()}`,
      email: `g-${randomUUID()}@gmail.example`,
      email_verified: true,
    };
    const entraUser = {
      tid: randomUUID(),
      oid: randomUUID(),
      email: `e-${randomUUID()}@contoso.example`,
      xms_edov: true,
    };
    const oktaUser = {
      sub: `o-${randomUUID()}`,
      email: `o-${randomUUID()}@acme.example`,
      email_verified: true,
    };
    const rows: [string, Timing[]][] = [
      ['password', passwordTimes],
      [
        'google',
        await measure('google', () =>
          ssoSignIn(base, '/api/v1/auth/sso/google', google, googleUser),
        ),
      ],
      [
        'microsoft',
        await measure('microsoft', () =>
          ssoSignIn(base, '/api/v1/auth/sso/microsoft', entra, entraUser),
        ),
      ],
      [
        'oidc (tenant connection)',
        await measure('oidc', () =>
          ssoSignIn(base, `/api/v1/auth/sso/oidc/${connection.id}`, okta, oktaUser),
        ),
      ],
    ];
    const baseline = pct(
      passwordTimes.map((t) => t.total),
      0.5,
    );
    console.log('');
    console.log(
      `sign-in latency, ${RUNS} returning sign-ins each, one at a time, over HTTP on 127.0.0.1`,
    );
    console.log('| method | p50 | p95 | server share p50 | p50 vs password |');
    console.log('|---|---|---|---|---|');
    for (const [name, times] of rows) {
      const totals = times.map((t) => t.total);
      const servers = times.map((t) => t.server);
      console.log(
        `| ${name} | ${pct(totals, 0.5).toFixed(1)} ms | ${pct(totals, 0.95).toFixed(1)} ms | ${pct(servers, 0.5).toFixed(1)} ms | ${(pct(totals, 0.5) / baseline).toFixed(2)}x |`,
      );
    }
    console.log(
      `(password: Argon2id m=${config.argon2MemoryKib} KiB, t=${config.argon2Iterations}; SSO: start, provider, callback with token and JWKS checks, exchange)`,
    );
  } finally {
    await app.close();
    await Promise.all([google.close(), entra.close(), okta.close()]);
    await embedded?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
