import { randomUUID } from 'node:crypto';
import { CatalogService, refKey } from '../apps/identity-server/src/resources/index.js';
import { OPERATOR_KEY, startTestApp, type TestApp } from './support/app.js';
import { createKey, createTenant, expectProblem } from './support/fixtures.js';

describe('resource catalog', () => {
  let t: TestApp;
  let a: string;
  let b: string;
  let memberA: string;
  let memberB: string;
  let teamA: string;
  beforeAll(async () => {
    t = await startTestApp();
    a = (await createTenant(t)).id;
    b = (await createTenant(t)).id;
    const member = async (tenantId: string) => {
      const id = randomUUID();
      await t.sql(
        `INSERT INTO memberships (tenant_id, id, account_id, username, email, display_name, role, status, created_at, updated_at)
         VALUES ($1, $2, NULL, $3, $4, $3, 'member', 'active', now(), now())`,
        [tenantId, id, `u${id.slice(0, 8)}`, `${id.slice(0, 8)}@example.com`],
      );
      return id;
    };
    memberA = await member(a);
    memberB = await member(b);
    const team = await t.request('POST', `/api/v1/tenants/${a}/teams`, { body: { name: 'Ops' } });
    expect(team.status).toBe(201);
    teamA = team.body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const url = (tenantId: string, rest = '') => `/api/v1/tenants/${tenantId}/resources${rest}`;
  const count = async (tenantId: string) =>
    Number(
      (await t.sql('SELECT count(*) AS n FROM resources WHERE tenant_id = $1', [tenantId]))[0].n,
    );

  it('creates (201), replaces (200), reads, lists and deletes (204)', async () => {
    const created = await t.request('PUT', url(a, '/doc/report%2F1'), {
      body: { properties: { status: 'draft', tags: ['x'] }, ownerMemberId: memberA, teamId: teamA },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      type: 'doc',
      id: 'report/1',
      properties: { status: 'draft', tags: ['x'] },
      ownerMemberId: memberA,
      teamId: teamA,
    });
    const replaced = await t.request('PUT', url(a, '/doc/report%2F1'), {
      body: { properties: { status: 'final' } },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ properties: { status: 'final' }, ownerMemberId: null });
    expect((await t.request('GET', url(a, '/doc/report%2F1'))).body.properties).toEqual({
      status: 'final',
    });
    for (let i = 0; i < 5; i++)
      expect((await t.request('PUT', url(a, `/page/p${i}`), { body: {} })).status).toBe(201);
    const first = await t.request('GET', url(a, '?type=page&limit=3'));
    expect(first.body.data.map((r: { id: string }) => r.id)).toEqual(['p0', 'p1', 'p2']);
    const second = await t.request(
      'GET',
      url(a, `?type=page&limit=3&cursor=${first.body.nextCursor}`),
    );
    expect(second.body.data.map((r: { id: string }) => r.id)).toEqual(['p3', 'p4']);
    expect(second.body.nextCursor).toBeNull();
    expect((await t.request('DELETE', url(a, '/page/p4'))).status).toBe(204);
    expectProblem(await t.request('DELETE', url(a, '/page/p4')), 404, 'resource_not_found');
    expectProblem(await t.request('GET', url(a, '/page/p4')), 404, 'resource_not_found');
    const events = await t.sql(
      "SELECT type FROM audit_events WHERE tenant_id = $1 AND type LIKE 'resource.%'",
      [a],
    );
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set(['resource.created', 'resource.updated', 'resource.deleted']),
    );
  });

  it('refuses bad input with a 4xx and writes nothing', async () => {
    const before = await count(a);
    const bad: [string, unknown, number, string][] = [
      ['/1bad/x', {}, 400, 'validation_failed'],
      [`/doc/${'x'.repeat(256)}`, {}, 400, 'validation_failed'],
      ['/doc/a%01b', {}, 400, 'validation_failed'],
      ['/doc/x', { properties: { big: 'x'.repeat(17_000) } }, 400, 'validation_failed'],
      [
        '/doc/x',
        { properties: { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } } },
        400,
        'validation_failed',
      ],
      ['/doc/x', { properties: { id: 'other' } }, 400, 'validation_failed'],
      ['/doc/x', { properties: { ownerMemberId: memberA } }, 400, 'validation_failed'],
      ['/doc/x', { properties: [1, 2] }, 400, 'validation_failed'],
      // Keys that name an object's prototype machinery, at any depth, are refused in every
      // validated body (forbidden_key), before the catalog's own rules see them.
      ['/doc/x', { properties: { constructor: 'x' } }, 400, 'forbidden_key'],
      ['/doc/x', { properties: { a: { prototype: 1 } } }, 400, 'forbidden_key'],
      ['/doc/x', { ownerMemberId: 'not-a-uuid' }, 400, 'validation_failed'],
      ['/doc/x', { ownerMemberId: memberB }, 404, 'member_not_found'],
      ['/doc/x', { ownerMemberId: randomUUID() }, 404, 'member_not_found'],
      ['/doc/x', { teamId: randomUUID() }, 404, 'team_not_found'],
    ];
    for (const [path, body, status, code] of bad) {
      const res = await t.request('PUT', url(a, path), { body });
      expect({ path, body, status: res.status, code: res.body.code }).toEqual({
        path,
        body,
        status,
        code,
      });
    }
    const nul = await t.request('PUT', url(a, '/doc/x'), { raw: '{"properties":{"a":"\\u0000"}}' });
    expect(nul.status).toBe(400);
    const proto = await t.request('PUT', url(a, '/doc/x'), {
      raw: '{"properties":{"__proto__":{"admin":true}}}',
    });
    expect([proto.status, proto.body.code]).toEqual([400, 'forbidden_key']);
    expect(await count(a)).toBe(before);
  });

  it('keeps tenants apart', async () => {
    await t.request('PUT', url(a, '/secret/s1'), { body: { properties: { level: 3 } } });
    const keyB = (await createKey(t, b)).key;
    expect((await t.request('GET', url(a, '/secret/s1'), { token: keyB })).status).toBe(404);
    // Another tenant's key: this tenant does not exist for it.
    expect((await t.request('PUT', url(a, '/secret/s1'), { token: keyB, body: {} })).status).toBe(
      404,
    );
    expect((await t.request('DELETE', url(a, '/secret/s1'), { token: keyB })).status).toBe(404);
    expectProblem(
      await t.request('GET', url(b, '/secret/s1'), { token: keyB }),
      404,
      'resource_not_found',
    );
    expect((await t.request('GET', url(b), { token: keyB })).body.data).toEqual([]);
    const catalog = t.app.get(CatalogService);
    expect((await catalog.search(b, 'secret', {}, null, 10)).items).toEqual([]);
    expect((await catalog.attributes(b, [{ type: 'secret', id: 's1' }])).size).toBe(0);
    expect((await catalog.search(a, 'secret', {}, null, 10)).items).toHaveLength(1);
  });

  it('settles concurrent PUTs of one resource: one create, the rest updates', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        t.request('PUT', url(a, '/race/r'), { body: { properties: { n: i } } }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(11);
    expect(
      Number(
        (
          await t.sql(
            "SELECT count(*) AS n FROM resources WHERE tenant_id = $1 AND type = 'race'",
            [a],
          )
        )[0].n,
      ),
    ).toBe(1);
  });

  it('sets the owner to null when the member goes, keeping the resource', async () => {
    const id = randomUUID();
    await t.sql(
      `INSERT INTO memberships (tenant_id, id, account_id, username, email, display_name, role, status, created_at, updated_at)
       VALUES ($1, $2, NULL, 'leaver', 'leaver@example.com', 'Leaver', 'member', 'active', now(), now())`,
      [a, id],
    );
    await t.request('PUT', url(a, '/doc/owned'), { body: { ownerMemberId: id, teamId: teamA } });
    await t.sql('DELETE FROM memberships WHERE tenant_id = $1 AND id = $2', [a, id]);
    const res = await t.request('GET', url(a, '/doc/owned'));
    expect(res.body).toMatchObject({ ownerMemberId: null, teamId: teamA });
  });

  it('answers attributes without a query for types with no entries, and sees writes at once', async () => {
    const catalog = t.app.get(CatalogService);
    await catalog.attributes(a, [{ type: 'nothing', id: 'x' }]);
    const queries = catalog.queries;
    expect((await catalog.attributes(a, [{ type: 'nothing', id: 'x' }])).size).toBe(0);
    expect(catalog.queries).toBe(queries);
    await t.request('PUT', url(a, '/nothing/x'), {
      body: { properties: { color: 'red' }, ownerMemberId: memberA },
    });
    const attrs = await catalog.attributes(a, [
      { type: 'nothing', id: 'x' },
      { type: 'doc', id: 'none' },
    ]);
    expect(attrs.get(refKey('nothing', 'x'))).toEqual({
      id: 'x',
      type: 'nothing',
      color: 'red',
      ownerMemberId: memberA,
    });
    await t.request('DELETE', url(a, '/nothing/x'));
    expect((await catalog.attributes(a, [{ type: 'nothing', id: 'x' }])).size).toBe(0);
  });

  it('searches with a CASL rule query, ordered by id, paged by after', async () => {
    const catalog = t.app.get(CatalogService);
    for (const [id, n] of [
      ['s1', 1],
      ['s2', 2],
      ['s3', 3],
      ['s4', 4],
    ] as const)
      await t.request('PUT', url(a, `/score/${id}`), { body: { properties: { n } } });
    const query = { $or: [{ n: { $gte: 2 } }] };
    const page1 = await catalog.search(a, 'score', query, null, 2);
    expect(page1.items.map((i) => i.id)).toEqual(['s2', 's3']);
    const page2 = await catalog.search(a, 'score', query, page1.next, 2);
    expect(page2.items.map((i) => i.id)).toEqual(['s4']);
    expect(page2.next).toBeNull();
    expect((await catalog.search(a, 'score', null, null, 10)).items).toEqual([]);
  });

  it('imports a stream of 20,000 lines, reporting the bad ones, with progress lines', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++)
      lines.push(JSON.stringify({ type: 'bulk', id: `b${i}`, properties: { i } }));
    lines[10] = '{not json';
    lines[500] = JSON.stringify({ type: '9bad', id: 'x' });
    lines[9000] = JSON.stringify({ type: 'bulk', id: 'owned', ownerMemberId: memberB });
    lines[15000] = JSON.stringify({
      type: 'bulk',
      id: 'big',
      properties: { s: 'x'.repeat(70_000) },
    });
    const send = (accept: string) =>
      fetch(`${t.baseUrl}${url(a, '/import')}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${OPERATOR_KEY}`,
          'content-type': 'application/x-ndjson',
          accept,
        },
        body: lines.join('\n') + '\n',
      });
    const res = await send('application/json');
    expect(res.status).toBe(200);
    const summary = (await res.json()) as Record<string, any>;
    expect(summary).toMatchObject({ received: 20_000, created: 19_996, updated: 0, failed: 4 });
    expect(summary.errors.map((e: { line: number; code: string }) => [e.line, e.code])).toEqual([
      [11, 'malformed_json'],
      [501, 'validation_failed'],
      [9001, 'member_not_found'],
      [15001, 'line_too_long'],
    ]);
    expect(
      Number(
        (
          await t.sql(
            "SELECT count(*) AS n FROM resources WHERE tenant_id = $1 AND type = 'bulk'",
            [a],
          )
        )[0].n,
      ),
    ).toBe(19_996);
    const streamed = await send('application/x-ndjson');
    expect(streamed.headers.get('content-type')).toContain('application/x-ndjson');
    const progress = (await streamed.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(progress.length).toBeGreaterThan(10);
    expect(progress[0]).toHaveProperty('processed');
    expect(progress.at(-1)).toMatchObject({ done: true, updated: 19_996, created: 0, failed: 4 });
    expect(
      t.logs.some((l) =>
        l.includes(`resources for tenant ${a}: 0 created, 19996 updated, 4 failed`),
      ),
    ).toBe(true);
  }, 120_000);

  it('refuses NDJSON on other routes', async () => {
    const res = await fetch(`${t.baseUrl}${url(a, '/doc/x')}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${OPERATOR_KEY}`, 'content-type': 'application/x-ndjson' },
      body: '{}',
    });
    expect(res.status).toBe(415);
  });
});
