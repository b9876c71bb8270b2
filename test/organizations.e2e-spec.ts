import { startTestApp, type TestApp } from './support/app.js';
import { createTenant, expectProblem } from './support/fixtures.js';
import { authenticator, login, PASSWORD, signup } from './support/users.js';

/** A signed-in person's organizations: activation, membership-based access and tenant demands. */
describe('organizations and members signing in', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function organization(name: string) {
    const person = await signup(t);
    const res = await t.request('POST', '/api/v1/organizations', {
      token: person.accessToken,
      body: { name },
    });
    expect(res.status).toBe(201);
    return { person, tenant: res.body as { id: string; name: string } };
  }

  it('makes the creator the first Administrator', async () => {
    const { person, tenant } = await organization('Founders Inc');
    const profile = await t.request('GET', '/api/v1/me', { token: person.accessToken });
    expect(profile.body.tenants).toEqual([
      {
        tenantId: tenant.id,
        name: 'Founders Inc',
        slug: 'founders-inc',
        memberId: expect.any(String),
        role: 'admin',
      },
    ]);
    expect(
      (await t.request('GET', '/api/v1/tenants', { token: person.accessToken })).body.data.map(
        (x: { id: string }) => x.id,
      ),
    ).toEqual([tenant.id]);
    const patched = await t.request('PATCH', `/api/v1/tenants/${tenant.id}`, {
      token: person.accessToken,
      body: { settings: { maxMembers: 5 } },
    });
    expect(patched.status).toBe(200);
    expect(
      (await t.request('GET', `/api/v1/tenants/${tenant.id}/limits`, { token: person.accessToken }))
        .body,
    ).toEqual({
      maxMembers: 5,
      members: 1,
      pendingInvitations: 0,
      seatsLeft: 4,
    });
    const events = await t.request('GET', `/api/v1/tenants/${tenant.id}/audit-events`, {
      token: person.accessToken,
    });
    expect(events.body.data.map((e: any) => [e.type, e.actor.type])).toEqual([
      ['tenant.created', 'account'],
      ['tenant.updated', 'account'],
    ]);
    const [member] = await t.sql('SELECT last_active_at FROM memberships WHERE tenant_id = $1', [
      tenant.id,
    ]);
    expect(member.last_active_at).not.toBeNull();
  });

  it('refuses a taken name', async () => {
    await createTenant(t, { name: 'Taken Org' });
    const person = await signup(t);
    expectProblem(
      await t.request('POST', '/api/v1/organizations', {
        token: person.accessToken,
        body: { name: 'taken org' },
      }),
      409,
      'tenant_name_taken',
    );
    expect(
      (await t.request('GET', '/api/v1/me', { token: person.accessToken })).body.tenants,
    ).toEqual([]);
  });

  it("keeps other people out of an organization's resources", async () => {
    const { tenant } = await organization('Private Org');
    const stranger = await signup(t);
    for (const path of ['', '/limits', '/api-keys', '/audit-events']) {
      expectProblem(
        await t.request('GET', `/api/v1/tenants/${tenant.id}${path}`, {
          token: stranger.accessToken,
        }),
        404,
        'tenant_not_found',
      );
    }
    expect(
      (await t.request('GET', '/api/v1/tenants', { token: stranger.accessToken })).body.data,
    ).toEqual([]);
  });

  it('refuses a suspended member', async () => {
    const { person, tenant } = await organization('Suspending Org');
    await t.sql(`UPDATE memberships SET status = 'suspended' WHERE tenant_id = $1`, [tenant.id]);
    expectProblem(
      await t.request('GET', `/api/v1/tenants/${tenant.id}`, { token: person.accessToken }),
      403,
      'member_suspended',
    );
  });

  it('refuses members without a second factor when the organization requires MFA', async () => {
    const { person, tenant } = await organization('Strict MFA Org');
    expect(
      (
        await t.request('PATCH', `/api/v1/tenants/${tenant.id}`, {
          token: person.accessToken,
          body: { settings: { mfaRequired: true } },
        })
      ).status,
    ).toBe(200);
    const refused = await t.request('GET', `/api/v1/tenants/${tenant.id}`, {
      token: person.accessToken,
    });
    expectProblem(refused, 403, 'mfa_required');
    expect(refused.body.detail).toContain('two-factor');

    const enrol = await t.request('POST', '/api/v1/me/mfa/totp', { token: person.accessToken });
    const app = authenticator(enrol.body.otpauthUri);
    await t.request('POST', '/api/v1/me/mfa/totp/confirm', {
      token: person.accessToken,
      body: { code: app.code() },
    });
    // the session that signed in without a code is still refused; a new sign-in with the code works
    expectProblem(
      await t.request('GET', `/api/v1/tenants/${tenant.id}`, { token: person.accessToken }),
      403,
      'mfa_required',
    );
    const withMfa = await login(t, { email: person.email, password: PASSWORD, totp: app.code(1) });
    expect(
      (await t.request('GET', `/api/v1/tenants/${tenant.id}`, { token: withMfa.body.accessToken }))
        .status,
    ).toBe(200);
  });

  it("ends sessions older than the organization's sessionTtlMinutes there", async () => {
    const { person, tenant } = await organization('Short Sessions Org');
    await t.request('PATCH', `/api/v1/tenants/${tenant.id}`, {
      token: person.accessToken,
      body: { settings: { sessionTtlMinutes: 5 } },
    });
    await t.sql(
      `UPDATE sessions SET created_at = now() - interval '10 minutes' WHERE account_id = (SELECT account_id FROM memberships WHERE tenant_id = $1)`,
      [tenant.id],
    );
    await t.sql(`SELECT pg_notify('identity_invalidation', '{"kind":"all"}')`);
    await new Promise((r) => setTimeout(r, 100));
    expectProblem(
      await t.request('GET', `/api/v1/tenants/${tenant.id}`, { token: person.accessToken }),
      401,
      'session_expired',
    );
    // the session still works outside that organization
    expect((await t.request('GET', '/api/v1/me', { token: person.accessToken })).status).toBe(200);
  });

  it("applies the organization's password policy, including reuse, when a member changes password", async () => {
    const { person, tenant } = await organization('Policy Org');
    await t.request('PATCH', `/api/v1/tenants/${tenant.id}`, {
      token: person.accessToken,
      body: {
        settings: { passwordPolicy: { minLength: 20, requireDigit: true, preventReuse: 3 } },
      },
    });
    const weak = await t.request('POST', '/api/v1/me/password', {
      token: person.accessToken,
      body: { currentPassword: PASSWORD, newPassword: 'fifteen chars!!' },
    });
    expectProblem(weak, 400, 'weak_password');
    expect(weak.body.errors.map((e: { message: string }) => e.message)).toEqual([
      'min_length: must be at least 20 characters',
      'digit: must contain a digit',
    ]);
    const next = 'a long passphrase with 1 digit';
    expect(
      (
        await t.request('POST', '/api/v1/me/password', {
          token: person.accessToken,
          body: { currentPassword: PASSWORD, newPassword: next },
        })
      ).status,
    ).toBe(204);
    const reused = await t.request('POST', '/api/v1/me/password', {
      token: person.accessToken,
      body: { currentPassword: next, newPassword: next },
    });
    expectProblem(reused, 400, 'password_reused');
  });

  it('lets a personal key act in the organization as its owner', async () => {
    const { person, tenant } = await organization('Key Org');
    const key = await t.request('POST', '/api/v1/me/api-keys', {
      token: person.accessToken,
      body: { name: 'ci' },
    });
    expect(
      (await t.request('GET', `/api/v1/tenants/${tenant.id}`, { token: key.body.key })).status,
    ).toBe(200);
  });
});
