import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from './support/app.js';
import { createKey, createTenant, expectProblem } from './support/fixtures.js';

describe('policy decisions (authorize API)', () => {
  let t: TestApp;
  let tenantId: string;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    t = await startTestApp();
    tenantId = (await createTenant(t)).id;
    for (const role of ['admin', 'viewer', 'guest', 'member']) {
      ids[role] = randomUUID();
      await t.sql(
        `INSERT INTO memberships (tenant_id, id, account_id, username, email, display_name, role, status, created_at, updated_at)
         VALUES ($1, $2, NULL, $3, $4, $3, $3, 'active', now(), now())`,
        [tenantId, ids[role], role, `${role}@example.com`],
      );
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const authorize = (body: unknown, token?: string) =>
    t.request('POST', `/api/v1/tenants/${tenantId}/authorize`, {
      body,
      ...(token ? { token } : {}),
    });

  it.each<[string, string, Record<string, unknown>, boolean, string]>([
    ['admin', 'delete', { type: 'Document', id: 'd1' }, true, 'allowed_by_role'],
    ['viewer', 'read', { type: 'Member' }, true, 'allowed_by_role'],
    ['viewer', 'update', { type: 'Member' }, false, 'no_matching_rule'],
    ['member', 'read', { type: 'Document' }, false, 'no_matching_rule'],
    ['guest', 'read', { type: 'Member', self: true }, true, 'allowed_by_role'],
    ['guest', 'read', { type: 'Member', self: false }, false, 'no_matching_rule'],
  ])('%s may %s %j: %s', async (role, action, subject, allowed, code) => {
    const res = await authorize({ memberId: ids[role], action, subject });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ allowed, reason: { code, role } });
    if (allowed) expect(res.body.reason.rule).toBeDefined();
  });

  it('honours the caller-supplied address and time against access rules', async () => {
    await t.request('POST', `/api/v1/tenants/${tenantId}/access-rules`, {
      body: {
        name: 'viewers in the office',
        effect: 'allow',
        ip: { cidrs: ['10.0.0.0/8'] },
        appliesTo: { roles: ['viewer'] },
      },
    });
    await t.request('POST', `/api/v1/tenants/${tenantId}/access-rules`, {
      body: {
        name: 'no weekend work',
        effect: 'deny',
        time: { timezone: 'UTC', days: ['sat', 'sun'], start: '00:00', end: '23:59' },
        appliesTo: { roles: ['viewer'] },
      },
    });
    const check = (ip: string, time: string) =>
      authorize({
        memberId: ids.viewer,
        action: 'read',
        subject: { type: 'Member' },
        context: { ip, time },
      });
    expect((await check('10.1.2.3', '2026-11-18T10:00:00Z')).body).toMatchObject({
      allowed: true,
      reason: { code: 'allowed_by_role', accessRule: { name: 'viewers in the office' } },
    });
    expect((await check('8.8.8.8', '2026-11-18T10:00:00Z')).body).toEqual({
      allowed: false,
      reason: { code: 'outside_allowed_access', role: 'viewer' },
    });
    expect((await check('10.1.2.3', '2026-11-21T10:00:00Z')).body).toMatchObject({
      allowed: false,
      reason: { code: 'denied_by_access_rule', accessRule: { name: 'no weekend work' } },
    });
  });

  it('decides IPv6 ranges and a night window in New York across the end of daylight saving', async () => {
    const rule = (body: Record<string, unknown>) =>
      t.request('POST', `/api/v1/tenants/${tenantId}/access-rules`, {
        body: { appliesTo: { roles: ['member'] }, ...body },
      });
    expect(
      (
        await rule({
          name: 'office v6',
          effect: 'allow',
          ip: { cidrs: ['2001:db8::/32', '192.0.2.0/24'] },
        })
      ).status,
    ).toBe(201);
    expect(
      (await rule({ name: 'lab v6', effect: 'deny', ip: { cidrs: ['2001:db8:bad::/48'] } })).status,
    ).toBe(201);
    // Saturday 22:00 to Sunday 06:00 in New York; on Sunday 2026-11-01 at 02:00 EDT clocks go back to 01:00 EST
    expect(
      (
        await rule({
          name: 'night shift',
          effect: 'deny',
          time: { timezone: 'America/New_York', days: ['sat'], start: '22:00', end: '06:00' },
        })
      ).status,
    ).toBe(201);
    const check = (ip: string, time: string) =>
      authorize({
        memberId: ids.member,
        action: 'read',
        subject: { type: 'Team' },
        context: { ip, time },
      });
    const weekday = '2026-11-04T15:00:00Z';
    expect((await check('2001:db8:1::5', weekday)).body).toMatchObject({
      allowed: true,
      reason: { accessRule: { name: 'office v6' } },
    });
    expect((await check('2001:DB8:0:0::1', weekday)).body.allowed).toBe(true);
    expect((await check('::ffff:192.0.2.9', weekday)).body.allowed).toBe(true);
    expect((await check('2001:db8:bad::1', weekday)).body).toMatchObject({
      allowed: false,
      reason: { code: 'denied_by_access_rule', accessRule: { name: 'lab v6' } },
    });
    expect((await check('2001:db9::1', weekday)).body.reason.code).toBe('outside_allowed_access');
    const at = async (time: string) => (await check('2001:db8::7', time)).body;
    expect((await at('2026-11-01T01:59:00Z')).allowed).toBe(true); // Sat 21:59 EDT
    expect(await at('2026-11-01T02:00:00Z')).toMatchObject({
      allowed: false,
      reason: { accessRule: { name: 'night shift' } },
    }); // Sat 22:00 EDT
    expect((await at('2026-11-01T06:30:00Z')).allowed).toBe(false); // 01:30 EDT, the first time
    expect((await at('2026-11-01T10:30:00Z')).allowed).toBe(false); // Sun 05:30 EST, after the change
    expect((await at('2026-11-01T11:00:00Z')).allowed).toBe(true); // Sun 06:00 EST: the window ends
    for (const r of (await t.request('GET', `/api/v1/tenants/${tenantId}/access-rules`)).body.data)
      if (r.appliesTo.roles?.includes('member'))
        await t.request('DELETE', `/api/v1/tenants/${tenantId}/access-rules/${r.id}`);
  });

  it('answers a batch in order and refuses more than 100 checks', async () => {
    const res = await t.request('POST', `/api/v1/tenants/${tenantId}/authorize/batch`, {
      body: {
        checks: [
          { memberId: ids.admin, action: 'update', subject: { type: 'Tenant' } },
          { memberId: ids.member, action: 'update', subject: { type: 'Tenant' } },
        ],
      },
    });
    expect(res.body.results.map((r: { allowed: boolean }) => r.allowed)).toEqual([true, false]);
    const many = Array.from({ length: 101 }, () => ({
      memberId: ids.admin,
      action: 'read',
      subject: { type: 'Member' },
    }));
    expectProblem(
      await t.request('POST', `/api/v1/tenants/${tenantId}/authorize/batch`, {
        body: { checks: many },
      }),
      400,
      'validation_failed',
    );
  });

  it.each<[string, Record<string, unknown>, number, string]>([
    [
      'an unknown member',
      { memberId: randomUUID(), action: 'read', subject: { type: 'Member' } },
      404,
      'member_not_found',
    ],
    [
      'a subject without a type',
      { memberId: 'ADMIN', action: 'read', subject: { id: 1 } },
      400,
      'validation_failed',
    ],
    [
      'a subject that is not an object',
      { memberId: 'ADMIN', action: 'read', subject: 'Member' },
      400,
      'validation_failed',
    ],
    [
      'a bad context address',
      {
        memberId: 'ADMIN',
        action: 'read',
        subject: { type: 'Member' },
        context: { ip: '999.1.1.1' },
      },
      400,
      'validation_failed',
    ],
    [
      'a bad context time',
      { memberId: 'ADMIN', action: 'read', subject: { type: 'Member' }, context: { time: 'noon' } },
      400,
      'validation_failed',
    ],
    [
      'an empty action',
      { memberId: 'ADMIN', action: '', subject: { type: 'Member' } },
      400,
      'validation_failed',
    ],
  ])('refuses %s', async (_label, body, status, code) => {
    const payload = body.memberId === 'ADMIN' ? { ...body, memberId: ids.admin } : body;
    expectProblem(await authorize(payload), status, code);
  });

  it("is for admins and developers, and cannot decide for another tenant's members", async () => {
    const developer = await createKey(t, tenantId, 'developer');
    const memberKey = await createKey(t, tenantId, 'member');
    expect(
      (
        await authorize(
          { memberId: ids.admin, action: 'read', subject: { type: 'Member' } },
          developer.key,
        )
      ).status,
    ).toBe(200);
    expectProblem(
      await authorize(
        { memberId: ids.admin, action: 'read', subject: { type: 'Member' } },
        memberKey.key,
      ),
      403,
      'permission_denied',
    );
    const other = await createTenant(t);
    const otherAdmin = await createKey(t, other.id, 'admin');
    expectProblem(
      await t.request('POST', `/api/v1/tenants/${other.id}/authorize`, {
        token: otherAdmin.key,
        body: { memberId: ids.admin, action: 'read', subject: { type: 'Member' } },
      }),
      404,
      'member_not_found',
    );
  });
});
