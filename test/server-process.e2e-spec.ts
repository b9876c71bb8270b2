import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildOnce, run, spawnServer, type ServerProcess } from './support/process.js';
import { createTestDatabase } from './support/database.js';

/** The server as `npm start` runs it: configuration, embedded database, shutdown. */
describe('server process', () => {
  const running: ServerProcess[] = [];
  beforeAll(async () => {
    await buildOnce();
  }, 60_000);
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop('SIGKILL')));
  });

  it('refuses a bad variable with one line naming it', async () => {
    const server = await spawnServer({ PORT: 'eighty', DATABASE_URL: 'postgres://127.0.0.1:1/x' });
    running.push(server);
    expect(await server.exited).toBe(78);
    expect(server.output().trim()).toBe(
      'configuration error: PORT: must be a whole number, got "eighty"',
    );
  });

  it('without DATABASE_URL runs an embedded PostgreSQL, reuses it on the next start, and stops it on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'identity-embedded-'));
    try {
      const first = await spawnServer({
        DATABASE_URL: undefined,
        DATA_DIR: dataDir,
        PLATFORM_API_KEY: undefined,
      });
      running.push(first);
      await first.waitReady(60_000);
      const key = /store it now: (op_[A-Za-z0-9_-]+)/.exec(first.output())?.[1];
      expect(key).toBeDefined();
      const created = await fetch(`${first.url}/api/v1/tenants`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Persisted' }),
      });
      expect(created.status).toBe(201);

      expect(await first.stop()).toBe(0);
      expect(first.output()).toContain('embedded PostgreSQL stopped');
      expect(first.output()).toContain('shut down cleanly');
      await expect(stat(join(dataDir, 'postgres', 'postmaster.pid'))).rejects.toThrow();

      const second = await spawnServer({
        DATABASE_URL: undefined,
        DATA_DIR: dataDir,
        PLATFORM_API_KEY: undefined,
      });
      running.push(second);
      await second.waitReady(30_000);
      expect(second.output()).not.toContain('initialising');
      expect(second.output()).toContain('using the stored key');
      expect(second.output()).not.toContain(key);
      const list = await fetch(`${second.url}/api/v1/tenants`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(((await list.json()) as { data: { name: string }[] }).data.map((t) => t.name)).toEqual(
        ['Persisted'],
      );
      expect(await second.stop()).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('starts again on a data folder whose previous server was killed, and refuses one in use', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'identity-killed-'));
    const env = { DATABASE_URL: undefined, DATA_DIR: dataDir, PLATFORM_API_KEY: 'k'.repeat(40) };
    try {
      const first = await spawnServer(env);
      running.push(first);
      await first.waitReady(60_000);

      const rival = await spawnServer(env);
      running.push(rival);
      expect(await rival.exited).toBe(1);
      expect(rival.output()).toContain('is in use by another running server');
      expect((await fetch(`${first.url}/health/ready`)).status).toBe(200);

      await first.stop('SIGKILL');
      const second = await spawnServer(env);
      running.push(second);
      await second.waitReady(30_000);
      expect(second.output()).toContain('left running by an earlier run');
      expect(await second.stop()).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('migrates and rotates the operator key from the command line', async () => {
    const db = await createTestDatabase();
    const env = { ...process.env, DATABASE_URL: db.url, PLATFORM_API_KEY: '' };
    try {
      const first = await run('dist/apps/identity-server/src/cli/migrate.js', [], env);
      expect(first).toMatch(/applied \d+ migration\(s\)/);
      expect(await run('dist/apps/identity-server/src/cli/migrate.js', [], env)).toContain(
        'the database is up to date',
      );
      const rotated = await run(
        'dist/apps/identity-server/src/cli/operator-key.js',
        ['--rotate'],
        env,
      );
      const key = /store it now: (op_\S+)/.exec(rotated)?.[1];
      expect(key).toBeDefined();
      const server = await spawnServer({ DATABASE_URL: db.url, PLATFORM_API_KEY: undefined });
      running.push(server);
      await server.waitReady();
      const res = await fetch(`${server.url}/api/v1/tenants`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(res.status).toBe(200);
      await server.stop();
    } finally {
      await db.drop();
    }
  });

  it('drains a request in flight on SIGTERM before closing the pool', async () => {
    const db = await createTestDatabase();
    const key = `op_drain_${'k'.repeat(40)}`;
    const server = await spawnServer({ DATABASE_URL: db.url, PLATFORM_API_KEY: key });
    running.push(server);
    await server.waitReady();
    // Hold a lock so that the next request waits in the database.
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE tenants IN ACCESS EXCLUSIVE MODE');
      const inFlight = fetch(`${server.url}/api/v1/tenants`, {
        headers: { authorization: `Bearer ${key}` },
      });
      await new Promise((r) => setTimeout(r, 300));
      server.child.kill('SIGTERM');
      await server.waitForOutput('SIGTERM received');
      await new Promise((r) => setTimeout(r, 200));
      await blocker.query('COMMIT');
      const res = await inFlight;
      expect(res.status).toBe(200);
      const code = await server.exited;
      if (code !== 0) console.log(server.output().split('\n').slice(-15).join('\n'));
      expect(code).toBe(0);
      expect(server.output()).toContain('shut down cleanly');
    } finally {
      await blocker.end();
      await db.drop();
    }
  });
});
