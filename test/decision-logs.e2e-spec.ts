import { randomUUID } from 'node:crypto';
import { DecisionLogService } from '../apps/identity-server/src/decision-logs/index.js';
import { PolicyService } from '../apps/identity-server/src/policy/policy.service.js';
import { startTestApp, type TestApp } from './support/app.js';
import { createKey, createTenant, expectProblem } from './support/fixtures.js';

describe('decision logs', () => {
  let t: TestApp;
  let logs: DecisionLogService;
  const tenants: Record<'a' | 'b', { id: string; admin: string; viewer: string }> = {} as never;

  beforeAll(async () => {
    t = await startTestApp();
    logs = t.app.get(DecisionLogService);
    for (const name of ['a', 'b'] as const) {
      const id = (await createTenant(t)).id;
      const members = { admin: randomUUID(), viewer: randomUUID() };
      for (const [role, memberId] of Object.entries(members))
        await t.sql(
          `INSERT INTO memberships (tenant_id, id, account_id, username, email, display_name, role, status, created_at, updated_at)
           VALUES ($1, $2, NULL, $3, $4, $3, $3, 'active', now(), now())`,
          [id, memberId, role, `${role}-${name}@example.com`],
        );
      tenants[name] = { id, ...members };
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const authorize = (tenantId: string, body: unknown, requestId?: string) =>
    t.request('POST', `/api/v1/tenants/${tenantId}/authorize`, {
      body,
      ...(requestId ? { headers: { 'x-request-id': requestId } } : {}),
    });
  const settle = (tenantId: string, decisionLogs: Record<string, unknown>) =>
    t.request('PATCH', `/api/v1/tenants/${tenantId}`, { body: { settings: { decisionLogs } } });
  const list = (tenantId: string, query = '', token?: string) =>
    t.request('GET', `/api/v1/tenants/${tenantId}/decision-logs${query}`, {
      ...(token ? { token } : {}),
    });
  const count = async (tenantId: string) =>
    (
      await t.sql('SELECT count(*)::int AS n FROM decision_logs WHERE tenant_id = $1', [tenantId])
    )[0].n as number;
  const clear = async (tenantId: string) => {
    await logs.flush();
    await t.sql('DELETE FROM decision_logs WHERE tenant_id = $1', [tenantId]);
  };

  it('are off by default: nothing is logged, and deciding reads no more SQL', async () => {
    const { id, viewer } = tenants.a;
    const tenant = await t.request('GET', `/api/v1/tenants/${id}`);
    expect(tenant.body.settings.decisionLogs).toEqual({
      enabled: false,
      sampleRate: 1,
      retentionDays: 30,
    });
    const check = { memberId: viewer, action: 'read', subject: { type: 'Member' } };
    expect((await authorize(id, check)).status).toBe(200);
    await logs.flush();
    const policies = t.app.get(PolicyService);
    const before = { logs: logs.queries, policies: policies.queries };
    for (let i = 0; i < 50; i++) expect((await authorize(id, check)).status).toBe(200);
    await logs.flush();
    // The settings were read once, for the first decision; the others are served from cache.
    expect({ logs: logs.queries, policies: policies.queries }).toEqual(before);
    expect(await count(id)).toBe(0);
  });

  it('refuse settings out of bounds, changing nothing', async () => {
    const { id } = tenants.a;
    for (const bad of [
      { sampleRate: 1.5 },
      { sampleRate: -0.1 },
      { sampleRate: '1' },
      { retentionDays: 0 },
      { retentionDays: 366 },
      { retentionDays: 1.5 },
      { enabled: 'yes' },
      { enabled: true, sampleRate: 1.5 },
      { unknown: 1 },
    ]) {
      const res = await settle(id, bad);
      expectProblem(res, 400, 'validation_failed');
    }
    const res = await settle(id, { enabled: true, sampleRate: 1.5 });
    expect(JSON.stringify(res.body.errors)).toContain('settings.decisionLogs.sampleRate');
    const tenant = await t.request('GET', `/api/v1/tenants/${id}`);
    expect(tenant.body.settings.decisionLogs).toEqual({
      enabled: false,
      sampleRate: 1,
      retentionDays: 30,
    });
  });

  it('log every decision with its inputs, reason and request id at sampleRate 1', async () => {
    const { id, admin, viewer } = tenants.a;
    const set = await settle(id, { enabled: true });
    expect(set.status).toBe(200);
    expect(set.body.settings.decisionLogs).toEqual({
      enabled: true,
      sampleRate: 1,
      retentionDays: 30,
    });
    const allowed = await authorize(
      id,
      { memberId: admin, action: 'delete', subject: { type: 'Document', id: 'd1' } },
      'req-dlog-1',
    );
    expect(allowed.body.allowed).toBe(true);
    const denied = await authorize(
      id,
      {
        memberId: viewer,
        action: 'update',
        subject: { type: 'Member', id: 'm1' },
        context: { ip: '10.1.2.3' },
      },
      'req-dlog-2',
    );
    expect(denied.body.allowed).toBe(false);
    await logs.flush();
    const res = await list(id);
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.data).toEqual([
      {
        id: expect.any(String),
        at: expect.any(String),
        requestId: 'req-dlog-1',
        endpoint: 'authorize',
        decision: true,
        subject: { type: 'member', id: admin },
        action: { name: 'delete' },
        resource: { type: 'Document', id: 'd1' },
        context: null,
        reason: allowed.body.reason,
      },
      {
        id: expect.any(String),
        at: expect.any(String),
        requestId: 'req-dlog-2',
        endpoint: 'authorize',
        decision: false,
        subject: { type: 'member', id: viewer },
        action: { name: 'update' },
        resource: { type: 'Member', id: 'm1' },
        context: { ip: '10.1.2.3' },
        reason: { code: 'no_matching_rule', role: 'viewer' },
      },
    ]);
    // Without an X-Request-ID the entry carries the id the server gave the request (its reply's).
    const plain = await authorize(id, { memberId: admin, action: 'read', subject: { type: 'X' } });
    await logs.flush();
    const byId = await list(id, `?requestId=${plain.headers.get('x-request-id')}`);
    expect(byId.body.data).toHaveLength(1);
    // A batch logs each of its decisions.
    const batch = await t.request('POST', `/api/v1/tenants/${id}/authorize/batch`, {
      body: {
        checks: [
          { memberId: admin, action: 'read', subject: { type: 'B1' } },
          { memberId: viewer, action: 'delete', subject: { type: 'B2' } },
        ],
      },
      headers: { 'x-request-id': 'req-dlog-batch' },
    });
    expect(batch.status).toBe(200);
    await logs.flush();
    const batched = await list(id, '?requestId=req-dlog-batch');
    expect(batched.body.data.map((e: any) => [e.endpoint, e.resource.type, e.decision])).toEqual([
      ['authorize.batch', 'B1', true],
      ['authorize.batch', 'B2', false],
    ]);
  });

  it('keep each JSON input at most 8 KB, never failing the decision', async () => {
    const { id, admin } = tenants.a;
    const huge = await authorize(id, {
      memberId: admin,
      action: 'read',
      subject: { type: 'Big', id: 'big', blob: 'x'.repeat(20_000) },
    });
    expect(huge.status).toBe(200);
    await logs.flush();
    expect((await list(id, '?actionName=read&resourceType=Big')).body.data).toEqual([]);
    const rows = await t.sql(
      'SELECT resource FROM decision_logs WHERE tenant_id = $1 AND resource @> \'{"truncated": true}\'',
      [id],
    );
    expect(rows).toEqual([{ resource: { truncated: true } }]);
  });

  it('filter and page like the audit trail', async () => {
    const { id, admin, viewer } = tenants.a;
    await clear(id);
    const started = new Date().toISOString();
    for (let i = 0; i < 5; i++) {
      await authorize(
        id,
        {
          memberId: i % 2 ? viewer : admin,
          action: 'update',
          subject: { type: 'Doc', id: `d${i}` },
        },
        `req-page-${i}`,
      );
    }
    await logs.flush();
    const all = (await list(id, '?limit=200')).body.data;
    expect(all).toHaveLength(5);
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await list(id, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      pages.push(...res.body.data.map((e: any) => e.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual(all.map((e: any) => e.id));
    const newest = (await list(id, '?order=newest&limit=2')).body;
    expect(newest.data.map((e: any) => e.id)).toEqual([all[4].id, all[3].id]);
    const older = (await list(id, `?order=newest&limit=2&cursor=${newest.nextCursor}`)).body;
    expect(older.data.map((e: any) => e.id)).toEqual([all[2].id, all[1].id]);

    const ids = async (query: string) =>
      (await list(id, query)).body.data.map((e: any) => e.resource.id);
    expect(await ids('?decision=true')).toEqual(['d0', 'd2', 'd4']);
    expect(await ids('?decision=false')).toEqual(['d1', 'd3']);
    expect(await ids(`?subjectId=${viewer}`)).toEqual(['d1', 'd3']);
    expect(await ids('?resourceType=Doc&resourceId=d2')).toEqual(['d2']);
    expect(await ids('?resourceType=Nothing')).toEqual([]);
    expect(await ids('?actionName=update&decision=true&requestId=req-page-4')).toEqual(['d4']);
    expect(await ids('?actionName=read')).toEqual([]);
    expect(await ids(`?since=${started}`)).toHaveLength(5);
    expect(await ids(`?until=${started}`)).toEqual([]);
    expect(await ids(`?since=${all[1].at}&until=${all[3].at}`)).toEqual(
      all.filter((e: any) => e.at >= all[1].at && e.at < all[3].at).map((e: any) => e.resource.id),
    );
    for (const bad of [
      '?decision=yes',
      '?order=random',
      '?since=yesterday',
      '?limit=0',
      `?requestId=${'x'.repeat(201)}`,
    ])
      expectProblem(await list(id, bad), 400, 'validation_failed');
    expectProblem(await list(id, '?cursor=nonsense'), 400, 'invalid_cursor');
  });

  it('log nothing at sampleRate 0, and about half at 0.5', async () => {
    const { id, admin } = tenants.a;
    await clear(id);
    expect((await settle(id, { sampleRate: 0 })).status).toBe(200);
    const checks = Array.from({ length: 100 }, (_, i) => ({
      memberId: admin,
      action: 'read',
      subject: { type: 'Sample', id: `s${i}` },
    }));
    const batch = () =>
      t.request('POST', `/api/v1/tenants/${id}/authorize/batch`, { body: { checks } });
    for (let i = 0; i < 2; i++) expect((await batch()).status).toBe(200);
    await logs.flush();
    expect(await count(id)).toBe(0);

    expect((await settle(id, { sampleRate: 0.5 })).status).toBe(200);
    // Concurrent requests: the buffer and its flush hold under parallel decisions.
    await Promise.all(Array.from({ length: 4 }, batch));
    await logs.flush();
    const n = await count(id);
    expect(n).toBeGreaterThan(120);
    expect(n).toBeLessThan(280);
    expect((await settle(id, { sampleRate: 1 })).status).toBe(200);
  });

  it("never show a tenant another tenant's logs", async () => {
    const a = tenants.a;
    const b = tenants.b;
    expect((await settle(b.id, { enabled: true })).status).toBe(200);
    await authorize(a.id, { memberId: a.admin, action: 'read', subject: { type: 'OnlyA' } });
    await authorize(b.id, { memberId: b.admin, action: 'read', subject: { type: 'OnlyB' } });
    await logs.flush();
    const keyA = (await createKey(t, a.id, 'admin')).key;
    const keyB = (await createKey(t, b.id, 'admin')).key;
    expectProblem(await list(a.id, '', keyB), 404, 'tenant_not_found');
    const ofB = (await list(b.id, '?limit=200', keyB)).body.data;
    expect(ofB.map((e: any) => e.resource.type)).toEqual(['OnlyB']);
    const ofA = (await list(a.id, '?resourceType=OnlyA', keyA)).body.data;
    expect(ofA).toHaveLength(1);
    // A member of a role without `read DecisionLog` is refused.
    const keyViewer = (await createKey(t, a.id, 'viewer')).key;
    expect((await list(a.id, '', keyViewer)).status).toBe(403);
    // The cursor of one tenant does not open the other's entries.
    const page = (await list(a.id, '?limit=1', keyA)).body;
    const other = await list(b.id, `?cursor=${page.nextCursor}`, keyB);
    expect(other.body.data.every((e: any) => e.resource.type === 'OnlyB')).toBe(true);
  });

  it("expire entries past each tenant's retentionDays", async () => {
    const a = tenants.a;
    const b = tenants.b;
    expect((await settle(a.id, { retentionDays: 7 })).status).toBe(200);
    const insertAt = (tenantId: string, daysAgo: number) =>
      t.sql(
        `INSERT INTO decision_logs (tenant_id, id, at, endpoint, decision, subject, action, resource)
         VALUES ($1, $2, now() - $3 * interval '1 day', 'authorize', true, '{}', '{}', $4)`,
        [tenantId, randomUUID(), daysAgo, JSON.stringify({ type: 'Old', id: `${daysAgo}` })],
      );
    await insertAt(a.id, 8);
    await insertAt(a.id, 6);
    await insertAt(b.id, 8);
    await insertAt(b.id, 31);
    const removed = await logs.sweep();
    expect(removed).toBe(2);
    const left = await t.sql(
      "SELECT tenant_id, resource->>'id' AS days FROM decision_logs WHERE resource->>'type' = 'Old' ORDER BY tenant_id, days",
    );
    expect(left.map((r) => [r.tenant_id === a.id ? 'a' : 'b', r.days]).sort()).toEqual([
      ['a', '6'],
      ['b', '8'],
    ]);
  });

  it('drop entries past 10,000 waiting, count them and say so once', async () => {
    const { id } = tenants.a;
    const entry = {
      endpoint: 'evaluation',
      decision: true,
      subject: { type: 'user', id: 'u1' },
      action: { name: 'read' },
      resource: { type: 'doc', id: 'x' },
    };
    // One entry first, so that the tenant's settings are cached.
    logs.record(id, entry);
    await clear(id);
    // Synchronously, so no flush runs in between: the buffer holds 10,000, the rest are dropped.
    for (let i = 0; i < 10_050; i++) logs.record(id, entry);
    await logs.flush();
    expect(await count(id)).toBe(10_000);
    const warnings = t.logs.filter((l) => l.includes('decision log buffer full'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`dropped 50 entries for tenant ${id}`);
    const metrics = await t.request('GET', '/metrics', { token: null });
    expect(metrics.text).toMatch(/identity_decision_logs_dropped_total [1-9]/);
    await clear(id);
  });

  it('write what is still waiting when the server shuts down', async () => {
    const { id, admin } = tenants.a;
    await clear(id);
    const other = await startTestApp({}, { shareDatabaseOf: t });
    const res = await other.request('POST', `/api/v1/tenants/${id}/authorize`, {
      body: { memberId: admin, action: 'read', subject: { type: 'AtShutdown' } },
    });
    expect(res.status).toBe(200);
    await other.close();
    expect(await count(id)).toBe(1);
  });

  it('stop logging when turned off again', async () => {
    const { id, admin } = tenants.a;
    await clear(id);
    expect((await settle(id, { enabled: false })).status).toBe(200);
    await authorize(id, { memberId: admin, action: 'read', subject: { type: 'Off' } });
    await logs.flush();
    expect(await count(id)).toBe(0);
  });
});
