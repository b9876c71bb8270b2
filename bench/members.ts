/**
 * `npm run bench:members`: listing the members of a tenant with 100,000 members over HTTP — the
 * first page and a deep cursor page — against the same keyset query sent directly through `pg`
 * in the same run. p50/p99 over 200 requests each. Target: p99 under 20 ms and within 3x of the
 * direct query. Uses DATABASE_URL, or an embedded PostgreSQL in a temporary folder.
 */
import { randomBytes } from 'node:crypto';
import { benchEncryptionKeys } from './server-args.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { startEmbeddedPostgres } from '#database';
import { createApp } from '../apps/identity-server/src/app.factory.js';
import { loadConfig } from '../apps/identity-server/src/config/config.js';

const MEMBERS = 100_000;
const REQUESTS = 200;

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] as number;

async function timed(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 20; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    await fn();
    out.push(performance.now() - started);
  }
  return out;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-members-'));
  const embedded = process.env.DATABASE_URL
    ? null
    : await startEmbeddedPostgres({ dataDir: dir, database: 'bench', log: (m) => console.log(m) });
  const url = process.env.DATABASE_URL ?? embedded!.url;
  const operatorKey = randomBytes(32).toString('hex');
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dir,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    PLATFORM_API_KEY: operatorKey,
    ENCRYPTION_KEYS: benchEncryptionKeys(),
  });
  const { app } = await createApp(config, url, pino({ level: 'silent' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = await app.getUrl();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const headers = { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' };
    const tenant = (await (
      await fetch(`${base}/api/v1/tenants`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: `Bench ${Date.now()}`, settings: { maxMembers: 1_000_000 } }),
      })
    ).json()) as { id: string };
    console.log(`seeding ${MEMBERS.toLocaleString('en')} members`);
    await client.query(
      `INSERT INTO memberships (tenant_id, id, account_id, username, email, display_name, role, status, created_at, updated_at)
       SELECT $1, gen_random_uuid(), NULL, 'user' || n, 'user' || n || '@example.com', 'User ' || n,
              CASE WHEN n % 10 = 0 THEN 'admin' ELSE 'member' END, 'active',
              timestamp '2026-01-01' + n * interval '1 millisecond', now()
         FROM generate_series(1, $2) AS n`,
      [tenant.id, MEMBERS],
    );
    await client.query('ANALYZE memberships');

    const list = async (cursor: string | null) => {
      const res = await fetch(
        `${base}/api/v1/tenants/${tenant.id}/members?limit=50${cursor ? `&cursor=${cursor}` : ''}`,
        { headers },
      );
      if (res.status !== 200) throw new Error(`list failed: ${res.status}`);
      return (await res.json()) as {
        data: { id: string; createdAt: string }[];
        nextCursor: string | null;
      };
    };
    // A cursor 90% of the way through.
    const [deep] = (
      await client.query(
        `SELECT id, created_at FROM memberships WHERE tenant_id = $1 ORDER BY created_at, id OFFSET $2 LIMIT 1`,
        [tenant.id, Math.floor(MEMBERS * 0.9)],
      )
    ).rows as { id: string; created_at: Date }[];
    const deepCursor = Buffer.from(
      JSON.stringify({ at: deep!.created_at.toISOString(), id: deep!.id }),
    ).toString('base64url');
    const direct = (after: { at: Date; id: string } | null) =>
      client.query(
        `SELECT * FROM memberships m WHERE m.tenant_id = $1 AND m.status <> 'removed' ${after ? 'AND (m.created_at, m.id) > ($2, $3)' : ''} ORDER BY m.created_at, m.id LIMIT 51`,
        after ? [tenant.id, after.at, after.id] : [tenant.id],
      );

    console.log(`timing ${REQUESTS} requests of each kind`);
    const rows: [string, number[], number[]][] = [
      ['first page', await timed(() => list(null)), await timed(() => direct(null))],
      [
        'deep cursor page (90%)',
        await timed(() => list(deepCursor)),
        await timed(() => direct({ at: deep!.created_at, id: deep!.id })),
      ],
    ];
    console.log('');
    for (const [label, http, sql] of rows) {
      const p99 = pct(http, 0.99);
      const ratio = p99 / pct(sql, 0.99);
      console.log(
        `${label}: HTTP p50 ${pct(http, 0.5).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms; direct pg p50 ${pct(sql, 0.5).toFixed(1)} ms, p99 ${pct(sql, 0.99).toFixed(1)} ms; x${ratio.toFixed(1)} at p99 — p99 < 20 ms: ${p99 < 20 ? 'target met' : 'target missed'}, within 3x: ${ratio <= 3 ? 'target met' : 'target missed'}`,
      );
    }
  } finally {
    await client.end();
    await app.close();
    await embedded?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
