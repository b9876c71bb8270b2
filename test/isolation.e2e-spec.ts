import { startTestApp, type TestApp } from './support/app.js';
import { createKey, createTenant, expectProblem } from './support/fixtures.js';

/** A tenant never sees, changes or deletes another tenant's data: every resource, every verb. */
describe('tenant isolation', () => {
  let t: TestApp;
  let a: { id: string };
  let b: { id: string };
  let aAdmin: { key: string; id: string };
  let bKey: { id: string; key: string };
  let bTeam: string;

  beforeAll(async () => {
    t = await startTestApp();
    a = await createTenant(t);
    b = await createTenant(t);
    aAdmin = await createKey(t, a.id, 'admin');
    bKey = await createKey(t, b.id, 'admin');
    await t.request('POST', `/api/v1/tenants/${b.id}/roles`, {
      token: bKey.key,
      body: {
        key: 'auditor',
        name: 'Auditor',
        permissions: [{ action: 'read', subject: 'AuditEvent' }],
      },
    });
    bTeam = (
      await t.request('POST', `/api/v1/tenants/${b.id}/teams`, {
        token: bKey.key,
        body: { name: 'B team' },
      })
    ).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const snapshot = async () => ({
    tenants: await t.sql('SELECT id, name, slug, settings, updated_at FROM tenants ORDER BY id'),
    keys: await t.sql('SELECT id, tenant_id, revoked_at FROM api_keys ORDER BY id'),
    events: await t.sql('SELECT count(*)::int AS n FROM audit_events'),
    roles: await t.sql(
      'SELECT tenant_id, key, name, permissions FROM roles ORDER BY tenant_id, key',
    ),
    teams: await t.sql('SELECT tenant_id, id, name, parent_id, permissions FROM teams ORDER BY id'),
    teamMembers: await t.sql('SELECT * FROM team_members ORDER BY team_id, membership_id'),
  });

  it.each<[string, string, (ids: { b: string; bKey: string; bTeam: string }) => string, unknown]>([
    ['GET', 'tenant', ({ b }) => `/api/v1/tenants/${b}`, undefined],
    ['PATCH', 'tenant', ({ b }) => `/api/v1/tenants/${b}`, { name: 'pwned' }],
    ['GET', 'limits', ({ b }) => `/api/v1/tenants/${b}/limits`, undefined],
    ['GET', 'api keys', ({ b }) => `/api/v1/tenants/${b}/api-keys`, undefined],
    ['POST', 'api keys', ({ b }) => `/api/v1/tenants/${b}/api-keys`, { name: 'x', role: 'admin' }],
    ['DELETE', 'an api key', ({ b, bKey }) => `/api/v1/tenants/${b}/api-keys/${bKey}`, undefined],
    ['GET', 'audit events', ({ b }) => `/api/v1/tenants/${b}/audit-events`, undefined],
    ['GET', 'roles', ({ b }) => `/api/v1/tenants/${b}/roles`, undefined],
    ['GET', 'a custom role', ({ b }) => `/api/v1/tenants/${b}/roles/auditor`, undefined],
    [
      'POST',
      'roles',
      ({ b }) => `/api/v1/tenants/${b}/roles`,
      { key: 'x-role', name: 'X', permissions: [] },
    ],
    ['PATCH', 'a custom role', ({ b }) => `/api/v1/tenants/${b}/roles/auditor`, { name: 'pwned' }],
    ['DELETE', 'a custom role', ({ b }) => `/api/v1/tenants/${b}/roles/auditor`, undefined],
    ['GET', 'teams', ({ b }) => `/api/v1/tenants/${b}/teams`, undefined],
    ['POST', 'teams', ({ b }) => `/api/v1/tenants/${b}/teams`, { name: 'pwned' }],
    ['PATCH', 'a team', ({ b, bTeam }) => `/api/v1/tenants/${b}/teams/${bTeam}`, { name: 'pwned' }],
    ['DELETE', 'a team', ({ b, bTeam }) => `/api/v1/tenants/${b}/teams/${bTeam}`, undefined],
    [
      'GET',
      'team members',
      ({ b, bTeam }) => `/api/v1/tenants/${b}/teams/${bTeam}/members`,
      undefined,
    ],
    [
      'PUT',
      'team grants',
      ({ b, bTeam }) => `/api/v1/tenants/${b}/teams/${bTeam}/permissions`,
      { permissions: [] },
    ],
    ['GET', 'access rules', ({ b }) => `/api/v1/tenants/${b}/access-rules`, undefined],
    [
      'POST',
      'authorize',
      ({ b }) => `/api/v1/tenants/${b}/authorize`,
      { memberId: '00000000-0000-0000-0000-000000000001', action: 'read', subject: { type: 'X' } },
    ],
  ])("%s another tenant's %s is 404 and changes nothing", async (method, _what, path, body) => {
    const before = await snapshot();
    const res = await t.request(method, path({ b: b.id, bKey: bKey.id, bTeam }), {
      token: aAdmin.key,
      body,
    });
    expectProblem(res, 404, 'tenant_not_found');
    expect(await snapshot()).toEqual(before);
  });

  it("cannot revoke another tenant's key through its own tenant path", async () => {
    const before = await snapshot();
    const res = await t.request('DELETE', `/api/v1/tenants/${a.id}/api-keys/${bKey.id}`, {
      token: aAdmin.key,
    });
    expectProblem(res, 404, 'api_key_not_found');
    expect(await snapshot()).toEqual(before);
  });

  it("does not list another tenant's keys or audit events", async () => {
    const keys = await t.request('GET', `/api/v1/tenants/${a.id}/api-keys`, { token: aAdmin.key });
    expect(keys.body.data.map((k: { id: string }) => k.id)).not.toContain(bKey.id);
    const events = await t.request('GET', `/api/v1/tenants/${a.id}/audit-events?limit=200`, {
      token: aAdmin.key,
    });
    expect(events.body.data.length).toBeGreaterThan(0);
    expect(events.body.data.every((e: { tenantId: string }) => e.tenantId === a.id)).toBe(true);
    const filtered = await t.request(
      'GET',
      `/api/v1/tenants/${a.id}/audit-events?targetId=${bKey.id}`,
      { token: aAdmin.key },
    );
    expect(filtered.body.data).toEqual([]);
  });

  it("reaches another tenant's role or team through none of its own paths", async () => {
    const before = await snapshot();
    const own = (path: string, method = 'GET', body?: unknown) =>
      t.request(method, `/api/v1/tenants/${a.id}${path}`, { token: aAdmin.key, body });
    expectProblem(await own('/roles/auditor'), 404, 'role_not_found');
    expectProblem(await own('/roles/auditor', 'DELETE'), 404, 'role_not_found');
    expectProblem(await own(`/teams/${bTeam}`), 404, 'team_not_found');
    expectProblem(await own(`/teams/${bTeam}`, 'PATCH', { name: 'pwned' }), 404, 'team_not_found');
    expectProblem(await own(`/teams/${bTeam}/members`), 404, 'team_not_found');
    expectProblem(
      await own(`/teams/${bTeam}/permissions`, 'PUT', { permissions: [] }),
      404,
      'team_not_found',
    );
    expectProblem(
      await own('/teams', 'POST', { name: 'child', parentTeamId: bTeam }),
      404,
      'team_not_found',
    );
    expect((await own('/teams')).body.data).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('lists only its own tenant', async () => {
    const res = await t.request('GET', '/api/v1/tenants?limit=200', { token: aAdmin.key });
    expect(res.body.data.map((x: { id: string }) => x.id)).toEqual([a.id]);
  });
});
