import { startTestApp, type TestApp } from './support/app.js';
import { createKey, createTenant, expectProblem } from './support/fixtures.js';

describe('tenants', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a tenant with default settings and a slug derived from the name', async () => {
    const res = await t.request('POST', '/api/v1/tenants', { body: { name: '  Acme Widgets  ' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Acme Widgets',
      slug: 'acme-widgets',
      settings: {
        invitationTtlDays: 7,
        maxMembers: 10,
        allowedIdentityProviders: ['any'],
        sessionTtlMinutes: 1440,
        mfaRequired: false,
        passwordPolicy: { minLength: 12, preventReuse: 0 },
      },
    });
    expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);
  });

  it('takes an explicit slug and settings', async () => {
    const res = await t.request('POST', '/api/v1/tenants', {
      body: {
        name: 'Globex',
        slug: 'globex-eu',
        settings: {
          invitationTtlDays: 14,
          maxMembers: 3,
          allowedIdentityProviders: ['google', 'microsoft'],
        },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.slug).toBe('globex-eu');
    expect(res.body.settings).toMatchObject({
      invitationTtlDays: 14,
      maxMembers: 3,
      allowedIdentityProviders: ['google', 'microsoft'],
    });
  });

  it('refuses a taken slug or name (name regardless of case) and stores nothing', async () => {
    await createTenant(t, { name: 'Initech', slug: 'initech' });
    const before = await t.sql('SELECT count(*)::int AS n FROM tenants');
    expectProblem(
      await t.request('POST', '/api/v1/tenants', { body: { name: 'Other', slug: 'initech' } }),
      409,
      'tenant_slug_taken',
    );
    expectProblem(
      await t.request('POST', '/api/v1/tenants', { body: { name: 'INITECH' } }),
      409,
      'tenant_name_taken',
    );
    expect(await t.sql('SELECT count(*)::int AS n FROM tenants')).toEqual(before);
  });

  it('gives a derived slug a suffix when it is taken', async () => {
    await createTenant(t, { name: 'Hooli Main', slug: 'hooli' });
    const res = await t.request('POST', '/api/v1/tenants', { body: { name: 'Hooli' } });
    expect(res.status).toBe(201);
    expect(res.body.slug).toMatch(/^hooli-[0-9a-f]{6}$/);
  });

  it('creates exactly one tenant when the same name is sent in parallel', async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        t.request('POST', '/api/v1/tenants', { body: { name: 'Race Corp' } }),
      ),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of responses.filter((r) => r.status !== 201))
      expectProblem(r, 409, 'tenant_name_taken');
    expect(
      await t.sql("SELECT count(*)::int AS n FROM tenants WHERE lower(name) = 'race corp'"),
    ).toEqual([{ n: 1 }]);
  });

  it('gets, patches (merging settings) and reports limits', async () => {
    const tenant = await createTenant(t);
    const patched = await t.request('PATCH', `/api/v1/tenants/${tenant.id}`, {
      body: {
        name: 'Renamed Inc',
        settings: { maxMembers: 25, passwordPolicy: { minLength: 16, requireDigit: true } },
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.name).toBe('Renamed Inc');
    expect(patched.body.settings).toMatchObject({
      maxMembers: 25,
      invitationTtlDays: 7,
      passwordPolicy: { minLength: 16, requireDigit: true, requireUppercase: false },
    });
    const got = await t.request('GET', `/api/v1/tenants/${tenant.id}`);
    expect(got.body).toEqual(patched.body);
    const limits = await t.request('GET', `/api/v1/tenants/${tenant.id}/limits`);
    expect(limits.status).toBe(200);
    expect(limits.body).toEqual({
      maxMembers: 25,
      members: 0,
      pendingInvitations: 0,
      seatsLeft: 25,
    });
  });

  it('answers 404 for an unknown or malformed tenant id', async () => {
    expectProblem(
      await t.request('GET', '/api/v1/tenants/0190c8e2-0000-7000-8000-000000000000'),
      404,
      'tenant_not_found',
    );
    expectProblem(await t.request('GET', '/api/v1/tenants/not-a-uuid'), 404, 'tenant_not_found');
    expectProblem(
      await t.request('PATCH', '/api/v1/tenants/not-a-uuid', { body: { name: 'x' } }),
      404,
      'tenant_not_found',
    );
  });

  it('lists all tenants for the operator, page by page, in creation order', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = await t.request('GET', `/api/v1/tenants${query}`);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((x: { id: string }) => x.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    const all = await t.sql<{ id: string }>('SELECT id FROM tenants ORDER BY created_at, id');
    expect(seen).toEqual(all.map((r) => r.id));
  });

  describe('with tenant API keys', () => {
    it('lets an admin key read and change its own tenant only', async () => {
      const mine = await createTenant(t);
      const admin = await createKey(t, mine.id, 'admin');
      const list = await t.request('GET', '/api/v1/tenants', { token: admin.key });
      expect(list.body).toEqual({
        data: [expect.objectContaining({ id: mine.id })],
        nextCursor: null,
      });
      expect(
        (await t.request('GET', `/api/v1/tenants/${mine.id}`, { token: admin.key })).status,
      ).toBe(200);
      const patched = await t.request('PATCH', `/api/v1/tenants/${mine.id}`, {
        token: admin.key,
        body: { settings: { mfaRequired: true } },
      });
      expect(patched.status).toBe(200);
      expect(patched.body.settings.mfaRequired).toBe(true);
    });

    it('refuses tenant creation to tenant keys', async () => {
      const mine = await createTenant(t);
      const admin = await createKey(t, mine.id, 'admin');
      expectProblem(
        await t.request('POST', '/api/v1/tenants', { token: admin.key, body: { name: 'Nope' } }),
        403,
        'operator_required',
      );
    });

    it.each(['manager', 'developer', 'viewer', 'member', 'guest'])(
      'refuses settings to a %s key with admin_required',
      async (role) => {
        const mine = await createTenant(t);
        const key = await createKey(t, mine.id, role);
        const patch = await t.request('PATCH', `/api/v1/tenants/${mine.id}`, {
          token: key.key,
          body: { name: 'Hijacked' },
        });
        expectProblem(patch, 403, 'admin_required');
        expect(patch.body.detail).toBe('Admin access required');
        expectProblem(
          await t.request('GET', `/api/v1/tenants/${mine.id}/limits`, { token: key.key }),
          403,
          'admin_required',
        );
        expect((await t.sql('SELECT name FROM tenants WHERE id = $1', [mine.id]))[0].name).toBe(
          mine.name,
        );
      },
    );
  });
});
