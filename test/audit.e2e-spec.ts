import { AuditService } from '../apps/identity-server/src/audit/audit.service.js';
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

  it('filters by a list of types and prefixes, any of which matches', async () => {
    const all = (await events('?limit=200')).body.data;
    const wanted = all.filter(
      (e: any) => e.type === 'tenant.updated' || e.type.startsWith('apikey.'),
    );
    const listed = (await events('?type=tenant.updated,apikey.*&limit=200')).body.data;
    expect(listed.map((e: any) => e.id)).toEqual(wanted.map((e: any) => e.id));
    // twenty at most, duplicates counted once; LIKE characters in a prefix are literal
    const twenty = Array.from({ length: 19 }, (_, i) => `none${i}.x`).concat('tenant.updated');
    expect((await events(`?type=${twenty.join(',')}`)).body.data.map((e: any) => e.type)).toEqual([
      'tenant.updated',
    ]);
    expect(
      (await events('?type=api_ey.*,tenant.created')).body.data.map((e: any) => e.type),
    ).toEqual(['tenant.created']);
  });

  it("lists only this tenant's events, whatever the type filter", async () => {
    const other = await createTenant(t, { name: 'Other Audited Co' });
    const otherAdmin = await createKey(t, other.id, 'admin');
    await createKey(t, other.id, 'viewer', otherAdmin.key);
    const mine = (await events('?type=apikey.*,tenant.*&limit=200')).body.data;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((e: any) => e.tenantId === tenantId)).toBe(true);
    expectProblem(
      await t.request('GET', `/api/v1/tenants/${other.id}/audit-events?type=apikey.*,tenant.*`, {
        token: admin.key,
      }),
      404,
      'tenant_not_found',
    );
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

  it('pages newest first with order=newest, the exact reverse of the default order', async () => {
    const all = (await events('?limit=200')).body.data.map((e: any) => e.id);
    expect(all.length).toBeGreaterThan(2);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await events(`?order=newest&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...res.body.data.map((e: any) => e.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual([...all].reverse());
  });

  it.each([
    ['?order=sideways', 400, 'validation_failed'],
    ['?cursor=bm9wZQ', 400, 'invalid_cursor'],
    ['?limit=0', 400, 'validation_failed'],
    ['?limit=201', 400, 'validation_failed'],
    ['?limit=abc', 400, 'validation_failed'],
    ['?since=yesterday', 400, 'validation_failed'],
    ['?type=DROP%20TABLE', 400, 'validation_failed'],
    ['?type=apikey.*,', 400, 'validation_failed'],
    ['?type=,apikey.*', 400, 'validation_failed'],
    ['?type=a.b%3B%20select', 400, 'validation_failed'],
    [
      `?type=${Array.from({ length: 21 }, (_, i) => `t${i}.x`).join(',')}`,
      400,
      'validation_failed',
    ],
    ['?unknown=1', 400, 'validation_failed'],
  ])('refuses %s', async (query, status, code) => {
    expectProblem(await events(query), status, code);
  });

  describe('CSV export', () => {
    const exported = (query = '', token = admin.key) =>
      t.request('GET', `/api/v1/tenants/${tenantId}/audit-events/export${query}`, { token });
    const rowsOf = (csv: string) => csv.split('\r\n').filter((line) => line !== '');

    it('streams the filtered events as CSV, header first, formula-like cells made text', async () => {
      await t.request('PATCH', `/api/v1/tenants/${tenantId}`, {
        token: admin.key,
        body: { settings: { maxMembers: 43 } },
        headers: { 'user-agent': '=HYPERLINK("http://evil.example")' },
      });
      const res = await exported();
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const tenant = (await t.request('GET', `/api/v1/tenants/${tenantId}`, { token: admin.key }))
        .body;
      const today = new Date().toISOString().slice(0, 10);
      expect(res.headers.get('content-disposition')).toBe(
        `attachment; filename="audit-${tenant.slug}-${today}.csv"`,
      );
      expect(res.headers.get('x-export-row-limit')).toBe('100000');
      const lines = rowsOf(res.text);
      expect(lines[0]).toBe(
        'at,type,actor_type,actor_id,target_type,target_id,ip,user_agent,request_id,changes',
      );
      const all = (await events('?limit=200')).body.data;
      expect(lines.length - 1).toBe(all.length);
      expect(lines[1]).toBe(
        `${all[0].at},tenant.created,operator,platform,tenant,${tenantId},127.0.0.1,${all[0].userAgent ?? ''},${all[0].requestId ?? ''},"${JSON.stringify(all[0].changes).replace(/"/g, '""')}"`,
      );
      const hostile = lines.at(-1)!;
      expect(hostile).toContain(`,"'=HYPERLINK(""http://evil.example"")",`);
      expect(hostile.startsWith(all.at(-1).at)).toBe(true);
      expect(res.text).not.toContain(admin.key);
    });

    it('reads in keyset batches that together are the whole list, and stops at the cap', async () => {
      const audit = t.app.get(AuditService);
      const all = (await events('?limit=200')).body.data.map((e: any) => e.id);
      const read = async (cap: number, batch: number) => {
        const ids: string[] = [];
        for await (const e of audit.stream(tenantId, {}, cap, batch)) ids.push(e.id);
        return ids;
      };
      expect(await read(1000, 2)).toEqual(all);
      expect(await read(1000, 1)).toEqual(all);
      expect(await read(3, 2)).toEqual(all.slice(0, 3));
    });

    it('applies the filter', async () => {
      const res = await exported('?type=apikey.revoked,tenant.created');
      expect(res.status).toBe(200);
      const types = rowsOf(res.text)
        .slice(1)
        .map((line) => line.split(',')[1]);
      expect(types).toEqual(['tenant.created', 'apikey.revoked']);
      expect(rowsOf((await exported('?since=2999-01-01T00:00:00Z')).text)).toHaveLength(1);
    });

    it.each([
      ['?type=DROP%20TABLE', 400, 'validation_failed'],
      [
        `?type=${Array.from({ length: 21 }, (_, i) => `t${i}.x`).join(',')}`,
        400,
        'validation_failed',
      ],
      ['?since=yesterday', 400, 'validation_failed'],
      ['?limit=10', 400, 'validation_failed'],
      ['?cursor=abc', 400, 'validation_failed'],
    ])('refuses %s', async (query, status, code) => {
      expectProblem(await exported(query), status, code);
    });

    it("is for admins, and refuses another tenant's trail", async () => {
      const developer = await createKey(t, tenantId, 'developer', admin.key);
      expectProblem(await exported('', developer.key), 403, 'admin_required');
      const other = await createTenant(t, { name: 'Export Other Co' });
      const res = await t.request('GET', `/api/v1/tenants/${other.id}/audit-events/export`, {
        token: admin.key,
      });
      expectProblem(res, 404, 'tenant_not_found');
      expect(res.text).not.toContain('tenant.created');
      expectProblem(
        await t.request('GET', `/api/v1/tenants/${tenantId}/audit-events/export`, {
          token: 'tk_nope_nope',
        }),
        401,
        'unauthenticated',
      );
    });
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
