import { startTestApp, type TestApp } from './support/app.js';
import { createKey, createTenant, expectProblem } from './support/fixtures.js';

describe('tenant API keys', () => {
  let t: TestApp;
  let tenantId: string;
  beforeAll(async () => {
    t = await startTestApp();
    tenantId = (await createTenant(t)).id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows the key once, stores only its hash, and lists it by prefix', async () => {
    const created = await t.request('POST', `/api/v1/tenants/${tenantId}/api-keys`, {
      body: { name: 'deploy', role: 'developer' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      name: 'deploy',
      role: 'developer',
      lastUsedAt: null,
      expiresAt: null,
    });
    expect(created.body.key).toMatch(/^tk_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.body.key.startsWith(`${created.body.prefix}_`)).toBe(true);

    const rows = await t.sql('SELECT * FROM api_keys WHERE id = $1', [created.body.id]);
    expect(JSON.stringify(rows)).not.toContain(
      created.body.key.slice(created.body.prefix.length + 1),
    );
    expect(rows[0].key_hash).toHaveLength(32);

    const list = await t.request('GET', `/api/v1/tenants/${tenantId}/api-keys`);
    const listed = list.body.data.find((k: { id: string }) => k.id === created.body.id);
    expect(listed).toEqual({
      id: created.body.id,
      name: 'deploy',
      prefix: created.body.prefix,
      role: 'developer',
      createdAt: created.body.createdAt,
      expiresAt: null,
      lastUsedAt: null,
    });
    expect(list.text).not.toContain(created.body.key);
  });

  it('authenticates with the key, records its last use, and stops at once when revoked', async () => {
    const key = await createKey(t, tenantId, 'admin');
    const ok = await t.request('GET', `/api/v1/tenants/${tenantId}`, { token: key.key });
    expect(ok.status).toBe(200);
    // last use is written after the response, at most once a minute
    await new Promise((r) => setTimeout(r, 100));
    const [row] = await t.sql('SELECT last_used_at FROM api_keys WHERE id = $1', [key.id]);
    expect(row.last_used_at).not.toBeNull();

    expect(
      (await t.request('DELETE', `/api/v1/tenants/${tenantId}/api-keys/${key.id}`)).status,
    ).toBe(204);
    expectProblem(
      await t.request('GET', `/api/v1/tenants/${tenantId}`, { token: key.key }),
      401,
      'unauthenticated',
    );
    expectProblem(
      await t.request('DELETE', `/api/v1/tenants/${tenantId}/api-keys/${key.id}`),
      404,
      'api_key_not_found',
    );
    const list = await t.request('GET', `/api/v1/tenants/${tenantId}/api-keys?limit=200`);
    expect(list.body.data.map((k: { id: string }) => k.id)).not.toContain(key.id);
  });

  it('refuses an expired key', async () => {
    const key = await createKey(t, tenantId, 'admin');
    await t.sql("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1", [
      key.id,
    ]);
    expectProblem(
      await t.request('GET', `/api/v1/tenants/${tenantId}`, { token: key.key }),
      401,
      'unauthenticated',
    );
  });

  it('accepts a future expiry and refuses a past one', async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const ok = await t.request('POST', `/api/v1/tenants/${tenantId}/api-keys`, {
      body: { name: 'temp', expiresAt: future },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.expiresAt).toBe(future);
    const bad = await t.request('POST', `/api/v1/tenants/${tenantId}/api-keys`, {
      body: { name: 'temp', expiresAt: '2000-01-01T00:00:00Z' },
    });
    expectProblem(bad, 400, 'validation_failed');
    expect(bad.body.errors).toEqual([
      { field: 'expiresAt', message: 'expiresAt must be in the future' },
    ]);
  });

  it.each([
    [
      'a wrong secret with a real prefix',
      (k: string) => `${k.slice(0, -1)}${k.endsWith('A') ? 'B' : 'A'}`,
    ],
    ['a truncated key', (k: string) => k.slice(0, -2)],
    ['no Bearer scheme', (k: string) => `Basic ${k}`],
    ['garbage', () => 'x'.repeat(600)],
  ])('answers 401 for %s', async (_label, mangle) => {
    const key = await createKey(t, tenantId, 'admin');
    const token = mangle(key.key);
    const res = token.startsWith('Basic ')
      ? await t.request('GET', `/api/v1/tenants/${tenantId}`, {
          token: null,
          headers: { authorization: token },
        })
      : await t.request('GET', `/api/v1/tenants/${tenantId}`, { token });
    expectProblem(res, 401, 'unauthenticated');
  });

  it('lets a developer key manage keys but not grant a role above its own', async () => {
    const developer = await createKey(t, tenantId, 'developer');
    const viewer = await t.request('POST', `/api/v1/tenants/${tenantId}/api-keys`, {
      token: developer.key,
      body: { name: 'read only', role: 'viewer' },
    });
    expect(viewer.status).toBe(201);
    const before = await t.sql('SELECT count(*)::int AS n FROM api_keys');
    for (const role of ['admin', 'manager']) {
      const res = await t.request('POST', `/api/v1/tenants/${tenantId}/api-keys`, {
        token: developer.key,
        body: { name: 'x', role },
      });
      expectProblem(res, 403, 'role_escalation');
    }
    expect(await t.sql('SELECT count(*)::int AS n FROM api_keys')).toEqual(before);
  });

  it.each(['viewer', 'member', 'guest', 'manager'])(
    'refuses key management to a %s key',
    async (role) => {
      const key = await createKey(t, tenantId, role);
      expectProblem(
        await t.request('POST', `/api/v1/tenants/${tenantId}/api-keys`, {
          token: key.key,
          body: { name: 'x', role: 'guest' },
        }),
        403,
        'permission_denied',
      );
      expectProblem(
        await t.request('GET', `/api/v1/tenants/${tenantId}/api-keys`, { token: key.key }),
        403,
        'permission_denied',
      );
    },
  );

  it('defaults a new key to the viewer role', async () => {
    const res = await t.request('POST', `/api/v1/tenants/${tenantId}/api-keys`, {
      body: { name: 'default role' },
    });
    expect(res.body.role).toBe('viewer');
  });

  it('revokes a key exactly once under parallel requests', async () => {
    const key = await createKey(t, tenantId, 'admin');
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        t.request('DELETE', `/api/v1/tenants/${tenantId}/api-keys/${key.id}`),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([204, 404, 404, 404, 404, 404]);
    const events = await t.sql(
      "SELECT count(*)::int AS n FROM audit_events WHERE type = 'apikey.revoked' AND target_id = $1",
      [key.id],
    );
    expect(events).toEqual([{ n: 1 }]);
  });
});
