/**
 * `npm run bench:policy`, one run, one scenario: a tenant with custom roles, team grants, three
 * IP rules and a time window.
 *  1. Decisions per second in process: libs/policy (role + team grants + access rules), bare CASL
 *     with the ability built once (rules only), and casbin (RBAC with domains, enforceSync) as the
 *     outside baseline. Targets: libs/policy >= 0.5x bare CASL and >= 2x casbin.
 *  2. Resolving a member's effective permissions with a team tree 8 levels deep and 1,000 teams:
 *     time per resolution and SQL statements per resolution (target: one, or a cache hit).
 *  3. Over HTTP against the server as `npm start` runs it (a child process), autocannon at 32
 *     connections, one table: GET /health/live (no database, no decision: the in-run baseline),
 *     POST /authorize, our AuthZEN 1.0 evaluation and evaluations (batches of 100) on the
 *     interop's Todo scenario set up through the public API, and Cerbos's AuthZEN API (npm
 *     @cerbos/cerbos-linux-x64, installed into the temporary folder) on the same scenario.
 *     Both PDPs must answer the scenario's 40 decisions right before they are measured.
 *     Targets: /authorize and single evaluations >= 0.5x /health/live; batches >= 20,000
 *     decisions/s; >= 2x Cerbos's throughput at a lower p99.
 * Uses DATABASE_URL, or an embedded PostgreSQL in a temporary folder. BENCH_SECONDS (10) and
 * BENCH_WARMUP (2) set each measurement's length; BENCH_ONLY=decisions,
 * resolution or http runs that section alone.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createMongoAbility, subject } from '@casl/ability';
import { newEnforcer, newModelFromString, StringAdapter } from 'casbin';
import {
  compileAccessRules,
  compilePolicy,
  decide,
  type AccessRule,
  type PermissionRule,
} from '#policy';
import { freePort, runMigrations, startEmbeddedPostgres } from '#database';
import { createDataSource } from '../apps/identity-server/src/data-source.js';
import { InvalidationService } from '../apps/identity-server/src/database/invalidation.service.js';
import { PolicyService } from '../apps/identity-server/src/policy/policy.service.js';
import { benchEncryptionKeys, serverArgs } from './server-args.js';
import { signUp } from './signup.js';
import {
  startCerbos,
  todoEvaluations,
  TODO_ROLES,
  TODO_USERS,
  type Evaluation,
} from './authzen-todo.js';

/** Seconds of each HTTP measurement (BENCH_SECONDS), after a warm-up (BENCH_WARMUP). */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const CONNECTIONS = 32;
const BATCH = 100;

const editorRules: PermissionRule[] = [
  { action: ['read', 'update'], subject: 'Document', conditions: { ownerId: '${member.id}' } },
  { action: 'read', subject: 'Document', conditions: { status: { $in: ['published', 'review'] } } },
  { action: 'update', subject: 'Document', fields: ['owner'], inverted: true },
  { action: 'read', subject: ['Member', 'Team', 'Role'] },
];
const teamGrants: { id: string; rules: PermissionRule[] }[] = [
  {
    id: 'team-backend',
    rules: [{ action: 'deploy', subject: 'Service', conditions: { tier: 'staging' } }],
  },
  {
    id: 'dept-eng',
    rules: [{ action: 'read', subject: 'Document', conditions: { space: 'eng' } }],
  },
];
const accessRules: AccessRule[] = [
  {
    id: 'r1',
    name: 'office v4',
    effect: 'allow',
    ip: { cidrs: ['10.0.0.0/8', '192.168.0.0/16'] },
    appliesTo: { roles: ['editor'] },
  },
  {
    id: 'r2',
    name: 'office v6',
    effect: 'allow',
    ip: { cidrs: ['2001:db8::/32'] },
    appliesTo: { roles: ['editor'] },
  },
  { id: 'r3', name: 'quarantine', effect: 'deny', ip: { cidrs: ['10.66.0.0/16'] }, appliesTo: {} },
  {
    id: 'r4',
    name: 'no night work',
    effect: 'deny',
    time: {
      timezone: 'Europe/Paris',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      start: '22:00',
      end: '06:00',
    },
    appliesTo: { teamIds: ['dept-eng'] },
  },
];

/**
 * Calls per second of each function: five rounds of half a second each, the functions taking
 * turns within a round so that a busy moment of the machine does not favour one; best round kept.
 */
function rates(fns: ((i: number) => unknown)[]): number[] {
  for (const fn of fns) for (let i = 0; i < 50_000; i++) fn(i);
  const best = fns.map(() => 0);
  for (let round = 0; round < 5; round++) {
    fns.forEach((fn, f) => {
      let n = 0;
      const started = performance.now();
      while (performance.now() - started < 500) {
        for (let k = 0; k < 1000; k++) fn(n++);
      }
      best[f] = Math.max(best[f]!, n / ((performance.now() - started) / 1000));
    });
  }
  return best;
}

async function decisions(): Promise<void> {
  console.log('1. decisions per second (one principal, same scenario)');
  const memberId = randomUUID();
  const policy = compilePolicy({
    kind: 'member',
    id: memberId,
    role: 'editor',
    roleRules: editorRules,
    teams: teamGrants,
  });
  const compiled = compileAccessRules(accessRules);
  const context = { ip: '10.1.2.3', time: new Date('2026-11-18T10:00:00Z') };
  const docs = [
    { type: 'Document', ownerId: memberId, status: 'draft', space: 'eng' },
    { type: 'Document', ownerId: 'someone', status: 'draft', space: 'sales' },
    { type: 'Document', ownerId: 'someone', status: 'published', space: 'sales' },
  ];
  let allowed = 0;
  const ours = (i: number) => {
    if (decide(policy, 'read', docs[i % 3]!, { accessRules: compiled, context }).allowed) allowed++;
  };

  const casl = createMongoAbility([
    ...editorRules.map((r) =>
      r.conditions
        ? {
            ...r,
            conditions: JSON.parse(JSON.stringify(r.conditions).replace('${member.id}', memberId)),
          }
        : r,
    ),
    ...teamGrants.flatMap((t) => t.rules),
  ]);
  const caslDocs = docs.map(
    ({ type, ...attrs }) =>
      () =>
        subject(type, { ...attrs }),
  );
  const bare = (i: number) => casl.can('read', caslDocs[i % 3]!());

  const model = newModelFromString(`
[request_definition]
r = sub, dom, obj, act
[policy_definition]
p = sub, dom, obj, act
[role_definition]
g = _, _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = g(r.sub, p.sub, r.dom) && r.dom == p.dom && r.obj == p.obj && r.act == p.act`);
  const policies = [
    'p, editor, t1, Document, read',
    'p, editor, t1, Document, update',
    'p, editor, t1, Member, read',
    'p, editor, t1, Team, read',
    'p, team-backend, t1, Service, deploy',
    'p, dept-eng, t1, Document, read',
    `g, ${memberId}, editor, t1`,
    `g, ${memberId}, team-backend, t1`,
    'g, team-backend, dept-eng, t1',
  ];
  const enforcer = await newEnforcer(model, new StringAdapter(policies.join('\n')));
  const casbin = () => enforcer.enforceSync(memberId, 't1', 'Document', 'read');
  const [oursRate, bareRate, casbinRate] = rates([ours, bare, casbin]) as [number, number, number];

  console.log(
    `   libs/policy (role, custom role, team grants, 3 IP rules, time window): ${Math.round(oursRate).toLocaleString('en')}/s`,
  );
  console.log(
    `   bare CASL, ability built once (rules only, no IP or time):              ${Math.round(bareRate).toLocaleString('en')}/s`,
  );
  console.log(
    `   casbin RBAC with domains, enforceSync (no conditions, IP or time):      ${Math.round(casbinRate).toLocaleString('en')}/s`,
  );
  const vsCasl = oursRate / bareRate;
  const vsCasbin = oursRate / casbinRate;
  console.log(
    `   libs/policy = ${vsCasl.toFixed(2)}x bare CASL (target >= 0.5: ${vsCasl >= 0.5 ? 'met' : 'missed'}), ${vsCasbin.toFixed(1)}x casbin (target >= 2: ${vsCasbin >= 2 ? 'met' : 'missed'})`,
  );
  if (allowed === 0) throw new Error('no decision allowed: the scenario is wrong');
}

async function resolution(url: string): Promise<void> {
  console.log('\n2. resolving effective permissions: team tree 8 levels deep, 1,000 teams');
  const ds = createDataSource(url, 4);
  await ds.initialize();
  try {
    await runMigrations(ds, () => undefined);
    const tenantId = randomUUID();
    await ds
      .query(
        `INSERT INTO tenants (id, name, slug, settings, created_at, updated_at) VALUES ($1, $2, $3, '{}'::jsonb, now(), now())`,
        [tenantId, `Bench ${tenantId}`, `bench-${tenantId.slice(0, 8)}`],
      )
      .catch(async () => {
        throw new Error('could not seed a tenant: the tenants table changed shape');
      });
    // 125 teams on each of 8 levels, each under a random team of the level above.
    const levels: string[][] = [];
    for (let level = 0; level < 8; level++) {
      const ids = Array.from({ length: 125 }, () => randomUUID());
      const parents = ids.map(() =>
        level === 0 ? null : levels[level - 1]![Math.floor(Math.random() * 125)]!,
      );
      await ds.query(
        `INSERT INTO teams (tenant_id, id, name, description, parent_id, permissions, created_at, updated_at)
         SELECT $1, id, 'team ' || id, '', parent, $4::jsonb, now(), now()
           FROM unnest($2::uuid[], $3::uuid[]) AS x(id, parent)`,
        [
          tenantId,
          ids,
          parents,
          JSON.stringify([{ action: 'read', subject: 'Document', conditions: { level } }]),
        ],
      );
      levels.push(ids);
    }
    const members = Array.from({ length: 1000 }, () => randomUUID());
    await ds.query(
      `INSERT INTO memberships (tenant_id, id, account_id, username, email, display_name, role, status, created_at, updated_at)
       SELECT $1, id, NULL, 'u' || ord, 'u' || ord || '@example.com', 'U', 'member', 'active', now(), now()
         FROM unnest($2::uuid[]) WITH ORDINALITY AS x(id, ord)`,
      [tenantId, members],
    );
    // every member in a deepest team and one other team
    await ds.query(
      `INSERT INTO team_members (tenant_id, team_id, membership_id, lead, created_at)
       SELECT $1::uuid, t, m, false, now() FROM unnest($3::uuid[], $2::uuid[]) AS x(t, m)
       UNION SELECT $1::uuid, t, m, false, now() FROM unnest($4::uuid[], $2::uuid[]) AS y(t, m)`,
      [
        tenantId,
        members,
        members.map(() => levels[7]![Math.floor(Math.random() * 125)]!),
        members.map(() => levels[Math.floor(Math.random() * 7)]![Math.floor(Math.random() * 125)]!),
      ],
    );
    await ds.query('ANALYZE teams; ANALYZE team_members; ANALYZE memberships');
    const policies = new PolicyService(ds, new InvalidationService(ds));
    const times: number[] = [];
    let teams = 0;
    for (const id of members) {
      const started = performance.now();
      const resolved = await policies.forMember(tenantId, id);
      times.push(performance.now() - started);
      teams += resolved!.policy.teamIds.length;
    }
    const coldQueries = policies.queries;
    const hot: number[] = [];
    for (const id of members) {
      const started = performance.now();
      await policies.forMember(tenantId, id);
      hot.push(performance.now() - started);
    }
    const pct = (xs: number[], p: number) =>
      [...xs].sort((a, b) => a - b)[Math.floor(xs.length * p)]!;
    console.log(
      `   cold (cache miss): p50 ${pct(times, 0.5).toFixed(2)} ms, p99 ${pct(times, 0.99).toFixed(2)} ms; ${(coldQueries / members.length).toFixed(2)} SQL statement(s) per resolution; ${(teams / members.length).toFixed(1)} teams (direct and inherited) per member`,
    );
    console.log(
      `   warm (cache hit):  p50 ${(pct(hot, 0.5) * 1000).toFixed(1)} µs; ${policies.queries - coldQueries} SQL statements for ${members.length} resolutions`,
    );
    console.log(
      `   target one query per resolution, or a cache hit: ${coldQueries === members.length && policies.queries === coldQueries ? 'met' : 'missed'}`,
    );
  } finally {
    await ds.destroy();
  }
}

async function http(url: string, dir: string): Promise<void> {
  console.log(
    `\n3. over HTTP, ${CONNECTIONS} connections, ${SECONDS} s each after a ${WARMUP} s warm-up (server in its own process)`,
  );
  const port = await freePort();
  const operatorKey = randomBytes(32).toString('hex');
  const child = spawn(
    process.execPath,
    [
      // extra node flags for the server (e.g. --cpu-prof), then exactly what `npm start` runs
      ...(process.env.BENCH_SERVER_ARGS?.split(' ').filter(Boolean) ?? []),
      ...serverArgs(),
    ],
    {
      env: {
        ...process.env,
        DATABASE_URL: url,
        DATA_DIR: dir,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        PLATFORM_API_KEY: operatorKey,
        ENCRYPTION_KEYS: benchEncryptionKeys(),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error('the server exited');
      try {
        if ((await fetch(`${base}/health/ready`)).status === 200) break;
      } catch {
        // not yet
      }
      if (i > 600) throw new Error('the server did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    const call = async (method: string, path: string, body: unknown, token = operatorKey) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status >= 300)
        throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, any>;
    };
    const tenant = await call('POST', '/api/v1/tenants', {
      name: `Bench ${Date.now()}`,
      settings: { maxMembers: 1000 },
    });
    const t = `/api/v1/tenants/${tenant.id}`;
    await call('POST', `${t}/roles`, { key: 'editor', name: 'Editor', permissions: editorRules });
    await call('POST', `${t}/roles`, {
      key: 'reviewer',
      name: 'Reviewer',
      permissions: [{ action: 'read', subject: 'Document' }],
    });
    const dept = await call('POST', `${t}/teams`, { name: 'Engineering' });
    const team = await call('POST', `${t}/teams`, { name: 'Backend', parentTeamId: dept.id });
    // The team-bound rule names the real department; bound to nobody it would refuse the
    // benchmark's own API key on weekday nights in Paris (the guard decides with the real time).
    for (const rule of accessRules) {
      const { id: _id, ...body } = rule;
      await call('POST', `${t}/access-rules`, {
        ...body,
        appliesTo: rule.appliesTo.teamIds ? { teamIds: [dept.id] } : rule.appliesTo,
      });
    }
    await call('PUT', `${t}/teams/${dept.id}/permissions`, { permissions: teamGrants[1]!.rules });
    await call('PUT', `${t}/teams/${team.id}/permissions`, { permissions: teamGrants[0]!.rules });
    const person = await signUp(base, operatorKey, {
      email: 'bench@example.com',
      password: 'correct horse battery staple',
      displayName: 'Bench',
    });
    const invitation = await call('POST', `${t}/invitations`, {
      email: 'bench@example.com',
      username: 'bench',
      role: 'editor',
    });
    const accepted = await call(
      'POST',
      `/api/v1/invitations/${String(invitation.inviteUrl).split('/invite/')[1]}/accept`,
      {},
      person.accessToken,
    );
    await call('POST', `${t}/teams/${team.id}/members`, { memberId: accepted.memberId });
    const key = await call('POST', `${t}/api-keys`, { name: 'policy service', role: 'developer' });
    const body = JSON.stringify({
      memberId: accepted.memberId,
      action: 'read',
      subject: { type: 'Document', ownerId: accepted.memberId, status: 'draft', space: 'eng' },
      context: { ip: '10.1.2.3', time: '2026-11-18T10:00:00Z' },
    });
    const check = await call('POST', `${t}/authorize`, JSON.parse(body), String(key.key));
    if (!check.allowed)
      throw new Error(`the benchmark decision is not allowed: ${JSON.stringify(check)}`);
    const apiKey = String(key.key);
    const pid = child.pid;
    const live = await load({ url: `${base}/health/live`, pid });
    const authorize = await load({ url: `${base}${t}/authorize`, token: apiKey, body, pid });
    const rows: Row[] = [
      { name: 'GET /health/live (no DB, no decision)', ...live, decisions: live.rps },
      { name: 'POST /authorize', ...authorize, decisions: authorize.rps },
    ];
    const authzen = await ourAuthzen(call, base, pid);
    rows.push(...authzen);
    const cerbos = await cerbosAuthzen(dir);
    if (cerbos) rows.push(cerbos);
    report(rows, live.rps);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  /** The server's CPU time per request in the measured phase, in µs (null: not measurable). */
  cpuUs: number | null;
}
interface Row extends Load {
  name: string;
  decisions: number;
  target?: string;
}

/** One autocannon measurement after a warm-up; any non-2xx answer or error fails the bench. */
/**
 * CPU seconds (user and system) a process has used so far, from /proc: what a measured phase costs
 * the server, per request, whatever else the machine runs meanwhile. Null where /proc is missing.
 */
function cpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    // The fields after the command name (which may hold spaces), from the 3rd: utime is the 14th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

async function load(options: {
  url: string;
  token?: string;
  body?: string;
  /** The serving process, whose CPU time per request is reported. */
  pid?: number | undefined;
}): Promise<Load> {
  const run = (duration: number) =>
    autocannon({
      url: options.url,
      method: options.body ? 'POST' : 'GET',
      connections: CONNECTIONS,
      duration,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body ? { 'content-type': 'application/json' } : {}),
      },
      ...(options.body ? { body: options.body } : {}),
    });
  if (WARMUP > 0) await run(WARMUP);
  const cpuBefore = cpuSeconds(options.pid);
  const result = await run(SECONDS);
  const cpuAfter = cpuSeconds(options.pid);
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${options.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  const cpuUs =
    cpuBefore !== null && cpuAfter !== null && result.requests.total > 0
      ? ((cpuAfter - cpuBefore) * 1e6) / result.requests.total
      : null;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, cpuUs };
}

/** POSTs JSON and returns the parsed answer, or null on a 404 (the route does not exist). */
async function post(url: string, body: unknown, token?: string): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  if (res.status === 404) return null;
  if (res.status >= 300) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Every evaluation of the scenario, one by one and as one batch: any wrong decision throws. */
async function checkScenario(
  label: string,
  url: string,
  cases: { request: Evaluation; expected: boolean }[],
  token?: string,
): Promise<boolean> {
  const wrong: string[] = [];
  for (const { request, expected } of cases) {
    const answer = await post(`${url}/evaluation`, request, token);
    if (answer === null) return false;
    if (answer.decision !== expected)
      wrong.push(`${JSON.stringify(request)} -> ${JSON.stringify(answer)}, expected ${expected}`);
  }
  const batch = await post(
    `${url}/evaluations`,
    { evaluations: cases.map((c) => c.request) },
    token,
  );
  const decisions = (batch?.evaluations ?? []).map((e: { decision: unknown }) => e.decision);
  if (JSON.stringify(decisions) !== JSON.stringify(cases.map((c) => c.expected)))
    wrong.push(`the batch answered ${JSON.stringify(batch)}`);
  if (wrong.length > 0)
    throw new Error(`${label} answers the Todo scenario wrongly:\n  ${wrong.join('\n  ')}`);
  console.log(`   ${label}: the ${cases.length} Todo decisions are right, one by one and batched`);
  return true;
}

/** The request that is measured: an editor updating their own todo (the condition matches). */
const measured = (cases: { request: Evaluation; expected: boolean }[]) =>
  cases.find(
    (c) =>
      c.request.action.name === 'can_update_todo' &&
      c.expected &&
      c.request.subject.id === TODO_USERS.morty!.pid,
  )!.request;

/**
 * The Todo scenario in our server through its public API (custom roles whose editor rule names
 * ${member.email}, members created over SCIM with the users' PIDs as externalId), then single
 * evaluations and batches of 100. Skipped with a message while the AuthZEN routes are missing.
 */
async function ourAuthzen(
  call: (
    method: string,
    path: string,
    body: unknown,
    token?: string,
  ) => Promise<Record<string, any>>,
  base: string,
  pid: number | undefined,
): Promise<Row[]> {
  const tenant = await call('POST', '/api/v1/tenants', { name: `Todo ${Date.now()}` });
  const t = `/api/v1/tenants/${tenant.id}`;
  for (const role of TODO_ROLES)
    await call('POST', `${t}/roles`, {
      key: role.key,
      name: role.key,
      permissions: role.permissions,
    });
  const scim = await call('POST', `${t}/scim-tokens`, { name: 'bench' });
  for (const [name, user] of Object.entries(TODO_USERS)) {
    const res = await fetch(`${base}/scim/v2/Users`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${String(scim.token)}`,
        'content-type': 'application/scim+json',
      },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: name,
        externalId: user.pid,
        active: true,
        emails: [{ value: user.email, type: 'work', primary: true }],
      }),
    });
    if (res.status !== 201)
      throw new Error(`SCIM POST /Users ${name}: ${res.status} ${await res.text()}`);
    const created = (await res.json()) as { id: string };
    const role = TODO_ROLES.find((r) => r.role === user.role)!.key;
    await call('PATCH', `${t}/members/${created.id}`, { role });
  }
  const key = String((await call('POST', `${t}/api-keys`, { name: 'pep', role: 'developer' })).key);
  const url = `${base}${t}/access/v1`;
  const cases = todoEvaluations(false);
  if (!(await checkScenario('our AuthZEN', url, cases, key))) {
    console.log(
      `   our AuthZEN: POST ${t.replace(String(tenant.id), '{t}')}/access/v1/evaluation answers 404 (not merged yet): skipped`,
    );
    return [];
  }
  const single = await load({
    url: `${url}/evaluation`,
    token: key,
    body: JSON.stringify(measured(cases)),
    pid,
  });
  const evaluations = Array.from({ length: BATCH }, (_, i) => cases[i % cases.length]!.request);
  const batch = await load({
    url: `${url}/evaluations`,
    token: key,
    body: JSON.stringify({ evaluations }),
    pid,
  });
  return [
    { name: 'AuthZEN evaluation (ours)', ...single, decisions: single.rps },
    { name: `AuthZEN evaluations x${BATCH} (ours)`, ...batch, decisions: batch.rps * BATCH },
  ];
}

/** Cerbos's AuthZEN API with the same scenario and the same measured request. */
async function cerbosAuthzen(dir: string): Promise<Row | null> {
  const cerbos = await startCerbos(dir);
  if (typeof cerbos === 'string') {
    console.log(`   Cerbos: ${cerbos}: skipped`);
    return null;
  }
  try {
    const cases = todoEvaluations(true);
    if (!(await checkScenario('Cerbos AuthZEN', `${cerbos.base}/access/v1`, cases)))
      throw new Error('Cerbos has no /access/v1/evaluation');
    const single = await load({
      url: `${cerbos.base}/access/v1/evaluation`,
      body: JSON.stringify(measured(cases)),
      pid: cerbos.pid,
    });
    return { name: 'AuthZEN evaluation (Cerbos)', ...single, decisions: single.rps };
  } finally {
    await cerbos.stop();
  }
}

function report(rows: Row[], liveRps: number): void {
  const n = (x: number) => Math.round(x).toLocaleString('en');
  const ratio = (r: Row) => r.rps / liveRps;
  const find = (prefix: string) => rows.find((r) => r.name.startsWith(prefix));
  const authorize = find('POST /authorize');
  const single = find('AuthZEN evaluation (ours)');
  const batch = find('AuthZEN evaluations');
  const cerbos = find('AuthZEN evaluation (Cerbos)');
  const met = (ok: boolean) => (ok ? 'met' : 'missed');
  if (authorize) authorize.target = `>= 0.5x live: ${met(ratio(authorize) >= 0.5)}`;
  if (single) single.target = `>= 0.5x live: ${met(ratio(single) >= 0.5)}`;
  if (batch) batch.target = `>= 20,000 decisions/s: ${met(batch.decisions >= 20_000)}`;
  const header = [
    '',
    'requests/s',
    'decisions/s',
    'p50 ms',
    'p99 ms',
    'CPU µs/req',
    'x live',
    'target',
  ];
  const table = [
    header,
    ...rows.map((r) => [
      r.name,
      n(r.rps),
      n(r.decisions),
      String(r.p50),
      String(r.p99),
      r.cpuUs === null ? '' : n(r.cpuUs),
      ratio(r).toFixed(2),
      r.target ?? '',
    ]),
  ];
  const widths = header.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  console.log('');
  for (const row of table)
    console.log(
      '   ' +
        row
          .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
          .join('  '),
    );
  if (single && cerbos) {
    const times = single.rps / cerbos.rps;
    console.log(
      `   ours / Cerbos (single evaluation): ${times.toFixed(2)}x the throughput, p99 ${single.p99} ms vs ${cerbos.p99} ms; target >= 2x at a lower p99: ${met(times >= 2 && single.p99 < cerbos.p99)}`,
    );
  } else console.log('   ours / Cerbos: not measured (see above)');
  // Throughput moves with whatever else the machine runs; the server's CPU per request much less.
  const live = find('GET /health/live');
  const perLive = (r: Row | undefined) =>
    r?.cpuUs && live?.cpuUs ? `${(live.cpuUs / r.cpuUs).toFixed(2)}x` : 'n/a';
  console.log(
    `   CPU per request against /health/live's (the throughput ratio a CPU-bound server reaches): /authorize ${perLive(authorize)}, evaluation ${perLive(single)}; Cerbos's CPU per evaluation ${cerbos?.cpuUs && single?.cpuUs ? `${(cerbos.cpuUs / single.cpuUs).toFixed(2)}x ours` : 'n/a'}`,
  );
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-policy-'));
  const embedded = process.env.DATABASE_URL
    ? null
    : await startEmbeddedPostgres({ dataDir: dir, database: 'bench', log: (m) => console.log(m) });
  const url = process.env.DATABASE_URL ?? embedded!.url;
  try {
    const only = process.env.BENCH_ONLY;
    if (!only || only === 'decisions') await decisions();
    if (!only || only === 'resolution') await resolution(url);
    if (!only || only === 'http') await http(url, dir);
  } finally {
    await embedded?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
