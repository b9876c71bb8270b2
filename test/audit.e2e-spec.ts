import { startTestApp, type TestApp } from './support/app.js';
import { createKey, createTenant, expectProblem } from './support/fixtures.js';

describe('audit trail', () => {
  let t: TestApp;
  let tenantId: string;
  let admin: { id: string; key: string };

  beforeAll(async () => {
    t = await startTestApp();
    tenantId = (await createTenant(t, { name: 'Audited Co' })).id;
    admin = await createKey(t, tenantId, 'admin');
    await t.request('PATCH', `/api/v1/tenants/${tenantId}`, {
      token: admin.key,
      body: { settings: { maxMembers: 42 } },
      headers: { 'user-agent': 'audit-test/1.0', 'x-request-id': 'req-audit-1' },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const events = (query = '') =>
    t.request('GET', `/api/v1/tenants/${tenantId}/audit-events${query}`, { token: admin.key });

  it('records creation, updates with a diff, and key changes, with actor, IP and user agent', async () => {
    const res = await events();
    expect(res.status).toBe(200);
    const types = res.body.data.map((e: { type: string }) => e.type);
    expect(types).toEqual(['tenant.created', 'apikey.created', 'tenant.updated']);
    const [created, keyCreated, updated] = res.body.data;
    expect(created).toMatchObject({
      actor: { type: 'operator', id: 'platform' },
      target: { type: 'tenant', id: tenantId },
      tenantId,
      ip: '127.0.0.1',
      changes: { after: { name: 'Audited Co' } },
    });
    expect(keyCreated).toMatchObject({
      actor: { type: 'operator' },
      target: { type: 'api_key', id: admin.id },
    });
    expect(keyCreated.changes.after).toMatchObject({
      role: 'admin',
      prefix: admin.key.split('_').slice(0, 2).join('_'),
    });
    expect(JSON.stringify(res.body)).not.toContain(admin.key);
    expect(updated).toMatchObject({
      actor: { type: 'api_key', id: admin.id },
      userAgent: 'audit-test/1.0',
      requestId: 'req-audit-1',
      changes: { before: { 'settings.maxMembers': 10 }, after: { 'settings.maxMembers': 42 } },
    });
  });

  it('writes no event for a change that did not happen', async () => {
    const before = (await events()).body.data.length;
    await createTenant(t, { name: 'Taken Slug', slug: 'taken-slug' });
    expectProblem(
      await t.request('PATCH', `/api/v1/tenants/${tenantId}`, {
        token: admin.key,
        body: { slug: 'taken-slug' },
      }),
      409,
      'tenant_slug_taken',
    );
    // a PATCH that changes nothing is not an event either
    expect(
      (
        await t.request('PATCH', `/api/v1/tenants/${tenantId}`, {
          token: admin.key,
          body: { settings: { maxMembers: 42 } },
        })
      ).status,
    ).toBe(200);
    expect((await events()).body.data.length).toBe(before);
  });

  it('filters by type, type prefix, actor, target and time', async () => {
    const key = await createKey(t, tenantId, 'viewer', admin.key);
    await t.request('DELETE', `/api/v1/tenants/${tenantId}/api-keys/${key.id}`, {
      token: admin.key,
    });

    expect((await events('?type=apikey.revoked')).body.data.map((e: any) => e.target.id)).toEqual([
      key.id,
    ]);
    expect((await events('?type=apikey.*')).body.data.map((e: any) => e.type)).toEqual([
      'apikey.created',
      'apikey.created',
      'apikey.revoked',
    ]);
    expect(
      (await events(`?actorId=${admin.id}`)).body.data.every((e: any) => e.actor.id === admin.id),
    ).toBe(true);
    expect((await events(`?targetId=${key.id}`)).body.data.map((e: any) => e.type)).toEqual([
      'apikey.created',
      'apikey.revoked',
    ]);

    const all = (await events()).body.data;
    const third = all[2].at;
    const since = (await events(`?since=${encodeURIComponent(third)}`)).body.data;
    expect(since.map((e: any) => e.id)).toEqual(all.slice(2).map((e: any) => e.id));
    const until = (await events(`?until=${encodeURIComponent(third)}`)).body.data;
    expect(until.every((e: any) => e.at < third)).toBe(true);
    expect((await events('?since=2999-01-01T00:00:00Z')).body.data).toEqual([]);
  });

  it('pages with a cursor in a stable order', async () => {
    const all = (await events('?limit=200')).body.data.map((e: any) => e.id);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await events(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...res.body.data.map((e: any) => e.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);
  });

  it.each([
    ['?cursor=bm9wZQ', 400, 'invalid_cursor'],
    ['?limit=0', 400, 'validation_failed'],
    ['?limit=201', 400, 'validation_failed'],
    ['?limit=abc', 400, 'validation_failed'],
    ['?since=yesterday', 400, 'validation_failed'],
    ['?type=DROP%20TABLE', 400, 'validation_failed'],
    ['?unknown=1', 400, 'validation_failed'],
  ])('refuses %s', async (query, status, code) => {
    expectProblem(await events(query), status, code);
  });

  it('is readable by admins only', async () => {
    const developer = await createKey(t, tenantId, 'developer', admin.key);
    expectProblem(
      await t.request('GET', `/api/v1/tenants/${tenantId}/audit-events`, { token: developer.key }),
      403,
      'admin_required',
    );
  });
});
