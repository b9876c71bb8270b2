import { startTestApp, type TestApp } from './support/app.js';
import { createKey, createTenant, expectProblem } from './support/fixtures.js';

const ALL_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

describe('access rules', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Requests from 127.0.0.1 are from a trusted proxy: X-Forwarded-For names the client.
    t = await startTestApp({ TRUSTED_PROXIES: '127.0.0.1' });
  });
  afterAll(async () => {
    await t.close();
  });

  const rules = (tenantId: string) => `/api/v1/tenants/${tenantId}/access-rules`;
  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  it('fences a role to an address range, records denials, and leaves others alone', async () => {
    const tenant = await createTenant(t);
    const admin = await createKey(t, tenant.id, 'admin');
    const viewer = await createKey(t, tenant.id, 'viewer');
    const created = await t.request('POST', rules(tenant.id), {
      token: admin.key,
      body: {
        name: 'viewers from the office',
        effect: 'allow',
        ip: { cidrs: ['10.0.0.0/8'] },
        appliesTo: { roles: ['viewer'] },
      },
      headers: from('10.0.0.5'),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      name: 'viewers from the office',
      effect: 'allow',
      ip: { cidrs: ['10.0.0.0/8'] },
      appliesTo: { roles: ['viewer'] },
    });

    const inside = await t.request('GET', `/api/v1/tenants/${tenant.id}/members`, {
      token: viewer.key,
      headers: from('10.9.9.9'),
    });
    expect(inside.status).toBe(200);
    const outside = await t.request('GET', `/api/v1/tenants/${tenant.id}/members`, {
      token: viewer.key,
      headers: from('198.51.100.7'),
    });
    expectProblem(outside, 403, 'access_rule_denied');
    expect(
      (
        await t.request('GET', `/api/v1/tenants/${tenant.id}`, {
          token: admin.key,
          headers: from('198.51.100.7'),
        })
      ).status,
    ).toBe(200);

    const denied = await t.request(
      'GET',
      `/api/v1/tenants/${tenant.id}/audit-events?type=access.denied`,
      { token: admin.key },
    );
    expect(denied.body.data).toEqual([
      expect.objectContaining({
        actor: { type: 'api_key', id: viewer.id },
        ip: '198.51.100.7',
        changes: { after: { code: 'outside_allowed_access' } },
      }),
    ]);
  });

  it('ignores X-Forwarded-For from an untrusted peer', async () => {
    const direct = await startTestApp();
    try {
      const tenant = await createTenant(direct);
      const admin = await createKey(direct, tenant.id, 'admin');
      const member = await createKey(direct, tenant.id, 'member');
      await direct.request('POST', rules(tenant.id), {
        token: admin.key,
        body: {
          name: 'office',
          effect: 'allow',
          ip: { cidrs: ['10.0.0.0/8'] },
          appliesTo: { roles: ['member'] },
        },
      });
      expectProblem(
        await direct.request('GET', `/api/v1/tenants/${tenant.id}/members`, {
          token: member.key,
          headers: from('10.1.1.1'),
        }),
        403,
        'access_rule_denied',
      );
    } finally {
      await direct.close();
    }
  });

  it('lets deny win, applies to API keys by id, and takes effect on the next request', async () => {
    const tenant = await createTenant(t);
    const admin = await createKey(t, tenant.id, 'admin');
    const ci = await createKey(t, tenant.id, 'developer');
    expect(
      (await t.request('GET', `/api/v1/tenants/${tenant.id}/members`, { token: ci.key })).status,
    ).toBe(200);
    await t.request('POST', rules(tenant.id), {
      token: admin.key,
      body: {
        name: 'everyone',
        effect: 'allow',
        ip: { cidrs: ['0.0.0.0/0', '::/0'] },
        appliesTo: {},
        confirm: true,
      },
    });
    const deny = await t.request('POST', rules(tenant.id), {
      token: admin.key,
      body: {
        name: 'ci key never',
        effect: 'deny',
        time: { timezone: 'UTC', days: ALL_DAYS, start: '00:00', end: '23:59' },
        appliesTo: { apiKeyIds: [ci.id] },
      },
    });
    expect(deny.status).toBe(201);
    const refused = await t.request('GET', `/api/v1/tenants/${tenant.id}/members`, {
      token: ci.key,
    });
    expectProblem(refused, 403, 'access_rule_denied');
    expect(refused.body.detail).toBe('Refused by the access rule "ci key never"');
    expect(
      (await t.request('DELETE', `${rules(tenant.id)}/${deny.body.id}`, { token: admin.key }))
        .status,
    ).toBe(204);
    expect(
      (await t.request('GET', `/api/v1/tenants/${tenant.id}/members`, { token: ci.key })).status,
    ).toBe(200);
  });

  it('refuses a rule that would lock its author out unless confirmed; the operator is never bound', async () => {
    const tenant = await createTenant(t);
    const admin = await createKey(t, tenant.id, 'admin');
    const body = {
      name: 'vpn only',
      effect: 'allow',
      ip: { cidrs: ['10.8.0.0/16'] },
      appliesTo: {},
    };
    const before = await t.sql('SELECT count(*)::int AS n FROM access_rules WHERE tenant_id = $1', [
      tenant.id,
    ]);
    expectProblem(
      await t.request('POST', rules(tenant.id), {
        token: admin.key,
        body,
        headers: from('203.0.113.1'),
      }),
      409,
      'access_rule_lockout',
    );
    expect(
      await t.sql('SELECT count(*)::int AS n FROM access_rules WHERE tenant_id = $1', [tenant.id]),
    ).toEqual(before);
    expect(
      (
        await t.request('POST', rules(tenant.id), {
          token: admin.key,
          body: { ...body, confirm: true },
          headers: from('203.0.113.1'),
        })
      ).status,
    ).toBe(201);
    expectProblem(
      await t.request('GET', `/api/v1/tenants/${tenant.id}`, {
        token: admin.key,
        headers: from('203.0.113.1'),
      }),
      403,
      'access_rule_denied',
    );
    expect(
      (await t.request('GET', rules(tenant.id), { headers: from('203.0.113.1') })).status,
    ).toBe(200);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a malformed CIDR', { ip: { cidrs: ['10.0.0.0/33'] } }, 'ip.cidrs[0]'],
    ['a /0 allow without confirmation', { ip: { cidrs: ['0.0.0.0/0'] } }, 'ip.cidrs[0]'],
    [
      'an unknown time zone',
      { time: { timezone: 'Mars/Olympus', days: ['mon'], start: '09:00', end: '17:00' } },
      'time.timezone',
    ],
    [
      '25:00',
      { time: { timezone: 'UTC', days: ['mon'], start: '25:00', end: '17:00' } },
      'time.start',
    ],
    [
      'an empty day list',
      { time: { timezone: 'UTC', days: [], start: '09:00', end: '17:00' } },
      'time.days',
    ],
    [
      'an unknown day',
      { time: { timezone: 'UTC', days: ['someday'], start: '09:00', end: '17:00' } },
      'time.days',
    ],
    ['no condition', {}, 'ip'],
    [
      'a bad team id',
      { ip: { cidrs: ['10.0.0.0/8'] }, appliesTo: { teamIds: ['x'] } },
      'appliesTo.teamIds',
    ],
  ])('refuses %s with a field error and stores nothing', async (_label, extra, field) => {
    const tenant = await createTenant(t);
    const res = await t.request('POST', rules(tenant.id), {
      body: { name: 'r', effect: 'allow', appliesTo: {}, ...extra },
    });
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(
      await t.sql('SELECT count(*)::int AS n FROM access_rules WHERE tenant_id = $1', [tenant.id]),
    ).toEqual([{ n: 0 }]);
  });

  it("keeps another tenant's rules out of reach, and leaves rule management to admins", async () => {
    const a = await createTenant(t);
    const b = await createTenant(t);
    const bAdmin = await createKey(t, b.id, 'admin');
    const rule = await t.request('POST', rules(b.id), {
      token: bAdmin.key,
      body: { name: 'b', effect: 'deny', ip: { cidrs: ['192.0.2.0/24'] }, appliesTo: {} },
    });
    const aAdmin = await createKey(t, a.id, 'admin');
    expectProblem(
      await t.request('GET', `${rules(b.id)}/${rule.body.id}`, { token: aAdmin.key }),
      404,
      'tenant_not_found',
    );
    expectProblem(
      await t.request('GET', `${rules(a.id)}/${rule.body.id}`, { token: aAdmin.key }),
      404,
      'access_rule_not_found',
    );
    expectProblem(
      await t.request('DELETE', `${rules(a.id)}/${rule.body.id}`, { token: aAdmin.key }),
      404,
      'access_rule_not_found',
    );
    const viewer = await createKey(t, b.id, 'viewer');
    expect((await t.request('GET', rules(b.id), { token: viewer.key })).status).toBe(200);
    expectProblem(
      await t.request('POST', rules(b.id), {
        token: viewer.key,
        body: { name: 'x', effect: 'deny', ip: { cidrs: ['192.0.2.0/24'] }, appliesTo: {} },
      }),
      403,
      'admin_required',
    );
    const replaced = await t.request('PUT', `${rules(b.id)}/${rule.body.id}`, {
      token: bAdmin.key,
      body: { name: 'b2', effect: 'deny', ip: { cidrs: ['192.0.2.0/25'] }, appliesTo: {} },
    });
    expect(replaced.body).toMatchObject({
      id: rule.body.id,
      name: 'b2',
      ip: { cidrs: ['192.0.2.0/25'] },
    });
  });
});
