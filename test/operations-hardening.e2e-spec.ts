import { descendantPids, processAlive } from '#database';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, type QueryRunner } from 'typeorm';
import { freePort } from '#database';
import { OPERATOR_KEY, startTestApp, type TestApp } from './support/app.js';
import { expectProblem } from './support/fixtures.js';
import { createTestDatabase } from './support/database.js';
import { buildOnce } from './support/process.js';
import { scimClient, USER } from './support/scim.js';
import { signup } from './support/users.js';

/** Reads one sample of a Prometheus text exposition (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const open = line.indexOf('{');
    const labelText = open === name.length ? line.slice(open + 1, line.indexOf('}')) : '';
    const got = Object.fromEntries(
      [...labelText.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => got[k] === v))
      return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

describe('operations hardening: readiness, metrics, request logs', () => {
  let t: TestApp;
  let closedSmtp: number;
  beforeAll(async () => {
    closedSmtp = await freePort();
    t = await startTestApp({
      DB_POOL_SIZE: '4',
      TRUSTED_PROXIES: '127.0.0.1',
      // Nothing listens there: every delivery fails and is retried.
      SMTP_URL: `smtp://mailer:smtp-s3cret-word@127.0.0.1:${closedSmtp}`,
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('says at start where email goes, without the SMTP credentials', () => {
    const logs = t.logs.join('\n');
    expect(logs).toContain(`email goes out over smtp to 127.0.0.1:${closedSmtp}`);
    expect(logs).not.toContain('smtp-s3cret-word');
  });

  const metrics = async () => (await t.request('GET', '/metrics', { token: null })).text;

  it('is not ready (503, quickly) while every pool connection is held, and ready again after', async () => {
    const dataSource = t.app.get(DataSource);
    const held: QueryRunner[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const runner = dataSource.createQueryRunner();
        await runner.connect();
        await runner.startTransaction();
        await runner.query('SELECT 1');
        held.push(runner);
      }
      const text = await metrics();
      expect(sample(text, 'identity_db_pool_connections', { state: 'max' })).toBe(4);
      expect(sample(text, 'identity_db_pool_connections', { state: 'in_use' })).toBe(4);
      const started = Date.now();
      const res = await t.request('GET', '/health/ready', { token: null });
      expectProblem(res, 503, 'service_unavailable');
      expect(Date.now() - started).toBeLessThan(1500);
      // Waiting requests are visible while the pool is exhausted.
      const waiting = dataSource.query('SELECT 1');
      await new Promise((r) => setTimeout(r, 50));
      expect(
        sample(await metrics(), 'identity_db_pool_connections', { state: 'waiting' }),
      ).toBeGreaterThanOrEqual(1);
      const freed = held.pop()!;
      await freed.rollbackTransaction();
      await freed.release();
      await waiting;
    } finally {
      for (const runner of held.splice(0)) {
        await runner.rollbackTransaction().catch(() => undefined);
        await runner.release();
      }
    }
    expect(await t.request('GET', '/health/ready', { token: null })).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
  });

  it('counts SCIM operations by resource, method and status', async () => {
    const scim = await scimClient(t);
    const before = await metrics();
    const labels = { resource: 'Users', method: 'POST', status: '201' };
    await scim.request('POST', '/Users', { schemas: [USER], userName: 'metrics.user@example.com' });
    await scim.request('GET', '/Users?count=1');
    await scim.request('GET', '/Users/not-a-known-id');
    const after = await metrics();
    expect(sample(after, 'identity_scim_operations_total', labels)).toBe(
      sample(before, 'identity_scim_operations_total', labels) + 1,
    );
    expect(
      sample(after, 'identity_scim_operations_total', {
        resource: 'Users',
        method: 'GET',
        status: '200',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(after, 'identity_scim_operations_total', {
        resource: 'Users',
        method: 'GET',
        status: '404',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(after).not.toContain(scim.tenantId);
  });

  it('counts invitations, the outbox backlog and delivery failures, and policy cache lookups', async () => {
    const before = await metrics();
    const admin = await signup(t);
    const org = await t.request('POST', '/api/v1/organizations', {
      token: admin.accessToken,
      body: { name: `Metrics Org ${Date.now()}` },
    });
    const tenantId = org.body.id as string;
    const invite = (email: string) =>
      t.request('POST', `/api/v1/tenants/${tenantId}/invitations`, {
        token: admin.accessToken,
        body: { email, username: email.split('@')[0], role: 'viewer' },
      });
    const accepted = await invite('accepted.person@example.com');
    const revoked = await invite('revoked.person@example.com');
    const expired = await invite('expired.person@example.com');
    expect([accepted.status, revoked.status, expired.status]).toEqual([201, 201, 201]);
    const tokenOf = (res: { body: { inviteUrl: string } }) =>
      res.body.inviteUrl.split('/invite/')[1] as string;
    const person = await signup(t, { email: 'accepted.person@example.com' });
    expect(
      (
        await t.request('POST', `/api/v1/invitations/${tokenOf(accepted)}/accept`, {
          token: person.accessToken,
        })
      ).status,
    ).toBe(200);
    await t.request('POST', `/api/v1/tenants/${tenantId}/invitations/${revoked.body.id}/revoke`, {
      token: admin.accessToken,
    });
    await t.sql(`UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = $1`, [
      expired.body.id,
    ]);
    const late = await signup(t, { email: 'expired.person@example.com' });
    expectProblem(
      await t.request('POST', `/api/v1/invitations/${tokenOf(expired)}/accept`, {
        token: late.accessToken,
      }),
      410,
      'invitation_expired',
    );

    // The SMTP server does not exist: the worker tries each message once now, then backs off.
    const deadline = Date.now() + 10_000;
    let after = await metrics();
    while (
      sample(after, 'identity_outbox_deliveries_total', { result: 'retry' }) <
        sample(before, 'identity_outbox_deliveries_total', { result: 'retry' }) + 3 &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 200));
      after = await metrics();
    }
    const delta = (name: string, labels: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(delta('identity_invitations_total', { event: 'created' })).toBe(3);
    expect(delta('identity_invitations_total', { event: 'accepted' })).toBe(1);
    expect(delta('identity_invitations_total', { event: 'revoked' })).toBe(1);
    expect(delta('identity_invitations_total', { event: 'expired' })).toBe(1);
    expect(delta('identity_outbox_deliveries_total', { result: 'retry' })).toBeGreaterThanOrEqual(
      3,
    );
    const [{ pending }] = (await t.sql<{ pending: string }>(
      `SELECT count(*) AS pending FROM outbox_messages WHERE status = 'pending'`,
    )) as [{ pending: string }];
    expect(sample(after, 'identity_outbox_messages', { state: 'pending' })).toBe(Number(pending));
    expect(Number(pending)).toBeGreaterThanOrEqual(3);
    expect(sample(after, 'identity_outbox_oldest_pending_age_seconds')).toBeGreaterThan(0);

    // The admin's policy: the first read of the tenant may miss, the next ones hit.
    await t.request('GET', `/api/v1/tenants/${tenantId}/members`, { token: admin.accessToken });
    const hitsBefore = sample(await metrics(), 'identity_policy_cache_lookups_total', {
      result: 'hit',
    });
    await t.request('GET', `/api/v1/tenants/${tenantId}/members`, { token: admin.accessToken });
    const final = await metrics();
    expect(sample(final, 'identity_policy_cache_lookups_total', { result: 'hit' })).toBe(
      hitsBefore + 1,
    );
    expect(
      sample(final, 'identity_policy_cache_lookups_total', { result: 'miss' }),
    ).toBeGreaterThan(0);
  });

  it('logs the tenant, client address (through a trusted proxy) and a truncated user agent, never the query string', async () => {
    const scim = await scimClient(t);
    const agent = `Agent/${'x'.repeat(400)}`;
    const secretish = 'tk_querysecret_' + 'q'.repeat(30);
    await t.request('GET', `/api/v1/tenants/${scim.tenantId}?token=${secretish}`, {
      headers: {
        'x-request-id': 'log-fields-1',
        'user-agent': agent,
        'x-forwarded-for': '203.0.113.9',
      },
    });
    await scim.request('GET', '/Users?count=1', undefined, { 'x-request-id': 'log-fields-2' });
    const lines = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const admin = lines.find((l) => l.reqId === 'log-fields-1');
    expect(admin).toMatchObject({
      route: '/api/v1/tenants/:tenantId',
      status: 200,
      tenantId: scim.tenantId,
      ip: '203.0.113.9',
    });
    expect((admin!.userAgent as string).length).toBe(200);
    expect(agent.startsWith(admin!.userAgent as string)).toBe(true);
    expect(lines.find((l) => l.reqId === 'log-fields-2')).toMatchObject({
      route: '/scim/v2/Users',
      tenantId: scim.tenantId,
      ip: '127.0.0.1',
    });
    expect(t.logs.join('\n')).not.toContain(secretish);
    expect(t.logs.join('\n')).not.toContain(OPERATOR_KEY);
  });
});

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function until(check: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

function cleanEnv(extra: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...extra }))
    if (v !== undefined && !k.startsWith('JEST') && k !== 'NODE_OPTIONS' && !k.startsWith('npm_'))
      env[k] = v;
  return env;
}

interface Started {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

async function start(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
  detached = false,
): Promise<Started> {
  const port = await freePort();
  const child = spawn(command, args, {
    env: cleanEnv({ HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, port, output: () => out, exited };
}

async function waitReady(s: Started, ms: number): Promise<void> {
  const ok = await until(async () => {
    if (s.child.exitCode !== null) return true;
    try {
      return (await fetch(`http://127.0.0.1:${s.port}/health/ready`)).status === 200;
    } catch {
      return false;
    }
  }, ms);
  if (!ok || s.child.exitCode !== null) throw new Error(`not ready:\n${s.output().slice(-3000)}`);
}

describe('npm start under a supervisor', () => {
  const leftovers: number[] = [];
  const dirs: string[] = [];
  beforeAll(async () => {
    await buildOnce();
  }, 60_000);
  afterAll(async () => {
    for (const pid of leftovers) if (processAlive(pid)) process.kill(pid, 'SIGKILL');
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  async function signalled(how: 'npm' | 'group', signal: NodeJS.Signals) {
    const dataDir = await mkdtemp(join(tmpdir(), 'identity-npm-start-'));
    dirs.push(dataDir);
    const s = await start(
      'npm',
      ['start'],
      { DATABASE_URL: undefined, DATA_DIR: dataDir, PLATFORM_API_KEY: undefined },
      how === 'group',
    );
    const npmPid = s.child.pid!;
    leftovers.push(npmPid);
    try {
      await waitReady(s, 90_000);
    } finally {
      leftovers.push(...(await descendantPids(npmPid)));
    }
    const tree = await descendantPids(npmPid);
    const postmaster = Number(
      (await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0],
    );
    expect(tree).toContain(postmaster);

    if (how === 'npm') s.child.kill(signal);
    else process.kill(-npmPid, signal);
    const code = await Promise.race([
      s.exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000)),
    ]);
    expect(code).not.toBe('timeout');
    expect(await until(() => [npmPid, ...tree].every((pid) => !processAlive(pid)), 10_000)).toBe(
      true,
    );
    expect(processAlive(postmaster)).toBe(false);
    await expect(readFile(join(dataDir, 'postgres', 'postmaster.pid'))).rejects.toThrow();
    expect(await portOpen(s.port)).toBe(false);
    expect(s.output()).toContain('shut down cleanly');
    expect(code).toBe(0);
    return s;
  }

  it('stops the server and its embedded PostgreSQL when npm alone gets SIGTERM; prints the first key as a banner', async () => {
    const s = await signalled('npm', 'SIGTERM');
    const line = s
      .output()
      .split('\n')
      .find((l) => l.includes('generated the platform operator key'))!;
    const msg = (JSON.parse(line) as { msg: string }).msg;
    const key = /store it now: (op_[A-Za-z0-9_-]+)/.exec(msg)?.[1];
    expect(key).toBeDefined();
    const box = msg.split('\n');
    expect(box.length).toBeGreaterThan(5);
    expect(box.some((l) => l.includes('shown this once'))).toBe(true);
    expect(box.filter((l) => l.includes(key!)).length).toBe(2);
  }, 150_000);

  it('stops everything on Ctrl-C (SIGINT to the whole process group)', async () => {
    await signalled('group', 'SIGINT');
  }, 150_000);
});

describe('OpenTelemetry traces', () => {
  let db: { url: string; drop: () => Promise<void> };
  let dir: string;
  let preload: string;
  const running: ChildProcess[] = [];
  beforeAll(async () => {
    await buildOnce();
    db = await createTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'identity-otel-'));
    // Which @opentelemetry packages the process loaded (all are CommonJS: in require's cache).
    preload = join(dir, 'loaded.cjs');
    await writeFile(
      preload,
      `process.on('exit', () => {
         const names = Object.keys(require('module')._cache)
           .filter((f) => f.includes('@opentelemetry/'))
           .map((f) => f.split('@opentelemetry/')[1].split('/')[0]);
         process.stderr.write('otel-modules ' + JSON.stringify([...new Set(names)]) + '\\n');
       });`,
    );
  }, 60_000);
  afterAll(async () => {
    for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });
  const loadedOtel = (output: string) =>
    JSON.parse(/otel-modules (.*)/.exec(output)?.[1] ?? 'null') as string[];

  it('exports spans over OTLP/HTTP: the HTTP span continues the traceparent, SQL spans are its children', async () => {
    const batches: { url: string; body: any }[] = [];
    const receiver = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        batches.push({ url: req.url ?? '', body: JSON.parse(body) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const address = receiver.address() as { port: number };
    try {
      const s = await start(
        process.execPath,
        ['--require', preload, 'dist/apps/identity-server/src/main.js'],
        {
          DATABASE_URL: db.url,
          PLATFORM_API_KEY: OPERATOR_KEY,
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${address.port}`,
          OTEL_SERVICE_NAME: 'identity-under-test',
          OTEL_BSP_SCHEDULE_DELAY: '100',
        },
      );
      running.push(s.child);
      await waitReady(s, 30_000);
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const res = await fetch(`http://127.0.0.1:${s.port}/api/v1/tenants`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${OPERATOR_KEY}`,
          'content-type': 'application/json',
          traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
        },
        body: JSON.stringify({ name: 'Traced Corp' }),
      });
      expect(res.status).toBe(201);
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
      expect(loadedOtel(s.output())).toEqual(
        expect.arrayContaining(['api', 'sdk-trace', 'exporter-trace-otlp-http']),
      );

      const spans = batches.flatMap((b) =>
        (b.body.resourceSpans as any[]).flatMap((rs) =>
          (rs.scopeSpans as any[]).flatMap((ss) =>
            (ss.spans as any[]).map((span) => ({ ...span, resource: rs.resource })),
          ),
        ),
      );
      expect(batches.every((b) => b.url === '/v1/traces')).toBe(true);
      const http = spans.find((sp) => sp.traceId === traceId && sp.name === 'POST /api/v1/tenants');
      expect(http).toBeDefined();
      expect(http.parentSpanId).toBe('00f067aa0ba902b7');
      expect(JSON.stringify(http.resource)).toContain('identity-under-test');
      const sql = spans.filter((sp) => sp.traceId === traceId && sp.name.startsWith('db '));
      expect(sql.length).toBeGreaterThan(1);
      expect(sql.every((sp) => sp.parentSpanId === http.spanId)).toBe(true);
      expect(sql.map((sp) => sp.name)).toContain('db INSERT');
      // The statement text with its placeholders, never the values.
      expect(JSON.stringify(sql)).not.toContain('Traced Corp');
    } finally {
      receiver.close();
    }
  });

  it('is off by default: no SDK module is loaded', async () => {
    const s = await start(
      process.execPath,
      ['--require', preload, 'dist/apps/identity-server/src/main.js'],
      { DATABASE_URL: db.url, PLATFORM_API_KEY: OPERATOR_KEY },
    );
    running.push(s.child);
    await waitReady(s, 30_000);
    await fetch(`http://127.0.0.1:${s.port}/api/v1/tenants`, {
      headers: { authorization: `Bearer ${OPERATOR_KEY}` },
    });
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    // prom-client loads @opentelemetry/api itself (for exemplars); nothing else may be loaded.
    expect(loadedOtel(s.output())).toEqual(['api']);
    expect(s.output()).not.toContain('OpenTelemetry tracing on');
  });
});
