/**
 * `npm run bench:scim`: the SCIM endpoint over HTTP against PostgreSQL, in one run —
 * (a) POST /Users throughput, sequential and 16 concurrent, next to raw single-row `pg` INSERTs
 *     into memberships in the same run, and a burst of 32 concurrent creates (more than the
 *     server's pool) that must answer no 5xx;
 * (b) `userName eq` and `externalId eq` lookups on a tenant with 100,000 users, p50/p99;
 * (c) adding 1,000 members to a group with one PATCH.
 * Targets: ≥ 500 creates/s, ≥ 0.25× the raw INSERT rate, lookup p99 < 20 ms.
 * The server runs in its own process, exactly as `npm start` runs it.
 * Uses DATABASE_URL (an empty database), or an embedded PostgreSQL in a temporary folder.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { freePort, startEmbeddedPostgres } from '#database';
import { benchEncryptionKeys, serverArgs } from './server-args.js';

const CREATES = Number(process.env.BENCH_CREATES ?? 3000);
const CONCURRENCY = 16;
/** More requests in flight than the server's pool has connections (DB_POOL_SIZE, 10). */
const BURST = 32;
const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const LOOKUPS = 500;
const GROUP_MEMBERS = 1000;
const GROUP_RUNS = 5;
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] as number;

function scimUser(userName: string): string {
  return JSON.stringify({
    schemas: [USER_SCHEMA],
    userName,
    externalId: randomUUID(),
    active: true,
    displayName: `Bench ${userName}`,
    name: { givenName: 'Bench', familyName: userName },
    emails: [{ value: `${userName}@example.com`, type: 'work', primary: true }],
  });
}

/** Creates over HTTP with autocannon: `connections` requests in flight, every body a new user. */
async function httpCreates(
  base: string,
  token: string,
  connections: number,
  label: string,
  amount = CREATES,
): Promise<{ rate: number; failed: number; serverErrors: number }> {
  let n = 0;
  let last = 0;
  const started = performance.now();
  let instance: autocannon.Instance | undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: `${base}/scim/v2/Users`,
        connections,
        amount,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => ({ ...request, body: scimUser(`${label}-${n++}`) }),
          },
        ],
      },
      (error: unknown, result) =>
        error
          ? reject(error instanceof Error ? error : new Error('autocannon failed'))
          : resolve(result),
    );
  });
  // autocannon notices the end of an `amount` run on its once-a-second tick: time the run to its
  // last answer instead, or every rate is rounded to whole seconds.
  instance?.on('response', () => {
    last = performance.now();
  });
  const result = await done;
  const seconds = (last - started) / 1000;
  return {
    rate: result.requests.total / seconds,
    failed: result.non2xx + result.errors,
    serverErrors: result['5xx'] + result.errors,
  };
}

/** The rate of a run that must not fail. */
function allCreated(run: { rate: number; failed: number }, label: string): number {
  if (run.failed > 0) throw new Error(`${run.failed} of the ${label} creates failed`);
  return run.rate;
}

/** Raw single-row INSERTs of the same membership rows, `connections` clients in parallel. */
async function rawInserts(url: string, tenantId: string, connections: number, label: string) {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < CREATES) {
        const i = next++;
        await pool.query(
          `INSERT INTO memberships (tenant_id, id, account_id, username, email, display_name, role, status, external_id, scim, created_at, updated_at)
           VALUES ($1, $2, NULL, $3, $4, $5, 'member', 'active', $6, $7, now(), now())`,
          [
            tenantId,
            randomUUID(),
            `${label}-${i}`,
            `${label}-${i}@example.com`,
            `Raw ${i}`,
            randomUUID(),
            { name: { givenName: 'Raw', familyName: String(i) } },
          ],
        );
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.end();
  return CREATES / seconds;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-scim-'));
  const embedded = process.env.DATABASE_URL
    ? null
    : await startEmbeddedPostgres({ dataDir: dir, database: 'bench', log: (m) => console.log(m) });
  const url = process.env.DATABASE_URL ?? embedded!.url;
  const operatorKey = randomBytes(32).toString('hex');
  const port = await freePort();
  const server = spawn(process.execPath, serverArgs(), {
    env: {
      ...process.env,
      DATABASE_URL: url,
      DATA_DIR: dir,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      PLATFORM_API_KEY: operatorKey,
      DB_POOL_SIZE: '20',
      ENCRYPTION_KEYS: benchEncryptionKeys(),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (server.exitCode !== null) throw new Error('the server exited');
    try {
      if ((await fetch(`${base}/health/ready`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (i > 600) throw new Error('the server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const admin = { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' };
  const tenantWithToken = async (name: string) => {
    const tenant = (await (
      await fetch(`${base}/api/v1/tenants`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ name, settings: { maxMembers: 1_000_000 } }),
      })
    ).json()) as { id: string };
    const token = (await (
      await fetch(`${base}/api/v1/tenants/${tenant.id}/scim-tokens`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ name: 'bench' }),
      })
    ).json()) as { token: string };
    return { tenantId: tenant.id, token: token.token };
  };
  try {
    // (a) creates
    const creates = await tenantWithToken(`Bench creates ${Date.now()}`);
    const raw = await tenantWithToken(`Bench raw ${Date.now()}`);
    console.log(`(a) ${CREATES} creates of each kind`);
    await httpCreates(base, creates.token, 4, 'warmup');
    const httpSequential = allCreated(await httpCreates(base, creates.token, 1, 'seq'), 'seq');
    const httpConcurrent = allCreated(
      await httpCreates(base, creates.token, CONCURRENCY, 'par'),
      'par',
    );
    const burst = await httpCreates(base, creates.token, BURST, 'burst', 640);
    const rawSequential = await rawInserts(url, raw.tenantId, 1, 'seq');
    const rawConcurrent = await rawInserts(url, raw.tenantId, CONCURRENCY, 'par');

    // (b) lookups on 100,000 users
    const big = await tenantWithToken(`Bench lookups ${Date.now()}`);
    console.log(`(b) seeding ${USERS.toLocaleString('en')} users`);
    await client.query(
      `INSERT INTO memberships (tenant_id, id, account_id, username, email, display_name, role, status, external_id, scim, created_at, updated_at)
       SELECT $1, gen_random_uuid(), NULL, 'User' || n || '@Example.com', 'user' || n || '@example.com', 'User ' || n, 'member', 'active',
              'ext-' || n, jsonb_build_object('emails', jsonb_build_array(jsonb_build_object('value', 'user' || n || '@example.com', 'primary', true))),
              timestamp '2026-01-01' + n * interval '1 millisecond', now()
         FROM generate_series(1, $2) AS n`,
      [big.tenantId, USERS],
    );
    await client.query('ANALYZE memberships');
    const lookup = async (filter: string) => {
      const res = await fetch(`${base}/scim/v2/Users?filter=${encodeURIComponent(filter)}`, {
        headers: { authorization: `Bearer ${big.token}` },
      });
      const body = (await res.json()) as { totalResults: number };
      if (res.status !== 200 || body.totalResults !== 1)
        throw new Error(`lookup failed: ${filter}`);
    };
    const timed = async (filter: (n: number) => string) => {
      const out: number[] = [];
      for (let i = 0; i < LOOKUPS + 50; i++) {
        const n = 1 + Math.floor(Math.random() * USERS);
        const started = performance.now();
        await lookup(filter(n));
        if (i >= 50) out.push(performance.now() - started);
      }
      return out;
    };
    const byUserName = await timed((n) => `userName eq "user${n}@example.COM"`);
    const byExternalId = await timed((n) => `externalId eq "ext-${n}"`);

    // (c) one PATCH adding 1,000 members
    console.log(`(c) ${GROUP_RUNS} groups, ${GROUP_MEMBERS} members added by one PATCH each`);
    const patchMs: number[] = [];
    for (let run = 0; run < GROUP_RUNS; run++) {
      const group = (await (
        await fetch(`${base}/scim/v2/Groups`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${big.token}`,
            'content-type': 'application/scim+json',
          },
          body: JSON.stringify({
            schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
            displayName: `Bench group ${run}`,
          }),
        })
      ).json()) as { id: string };
      const { rows } = await client.query<{ id: string }>(
        'SELECT id FROM memberships WHERE tenant_id = $1 ORDER BY random() LIMIT $2',
        [big.tenantId, GROUP_MEMBERS],
      );
      const started = performance.now();
      const res = await fetch(`${base}/scim/v2/Groups/${group.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${big.token}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'add', path: 'members', value: rows.map((r) => ({ value: r.id })) }],
        }),
      });
      patchMs.push(performance.now() - started);
      if (res.status !== 204) throw new Error(`group PATCH failed: ${res.status}`);
    }

    const ok = (met: boolean) => (met ? 'target met' : 'target missed');
    console.log('');
    console.log('| measure | HTTP | raw pg INSERT | ratio | target |');
    console.log('|---|---|---|---|---|');
    for (const [label, http, sql] of [
      ['POST /Users, sequential', httpSequential, rawSequential],
      [`POST /Users, ${CONCURRENCY} concurrent`, httpConcurrent, rawConcurrent],
    ] as const) {
      const ratio = http / sql;
      console.log(
        `| ${label} | ${http.toFixed(0)}/s | ${sql.toFixed(0)}/s | ${ratio.toFixed(2)}× | ≥ 500/s: ${ok(http >= 500)}; ≥ 0.25×: ${ok(ratio >= 0.25)} |`,
      );
    }
    console.log(
      `| POST /Users, ${BURST} concurrent | ${burst.rate.toFixed(0)}/s | | | ${burst.serverErrors} answered 5xx or failed (target 0): ${ok(burst.serverErrors === 0)} |`,
    );
    console.log('');
    console.log(`| lookup on ${USERS.toLocaleString('en')} users | p50 | p99 | target |`);
    console.log('|---|---|---|---|');
    for (const [label, xs] of [
      ['userName eq (any case)', byUserName],
      ['externalId eq', byExternalId],
    ] as const) {
      const p99 = pct(xs, 0.99);
      console.log(
        `| ${label} | ${pct(xs, 0.5).toFixed(1)} ms | ${p99.toFixed(1)} ms | p99 < 20 ms: ${ok(p99 < 20)} |`,
      );
    }
    console.log('');
    console.log(
      `PATCH adding ${GROUP_MEMBERS} members to a group: median ${pct(patchMs, 0.5).toFixed(0)} ms, max ${Math.max(...patchMs).toFixed(0)} ms over ${GROUP_RUNS} groups`,
    );
  } finally {
    await client.end();
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await embedded?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
