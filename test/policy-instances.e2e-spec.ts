import { OPERATOR_KEY, TEST_ENCRYPTION_KEYS } from './support/app.js';
import { createTestDatabase } from './support/database.js';
import { buildOnce, spawnServer, type ServerProcess } from './support/process.js';

/**
 * Two server processes on one database, as a deployment runs them: a change to a role, a
 * membership or a team grant made through one decides the very next request through the other.
 */
describe('policy changes across server processes', () => {
  let db: { url: string; drop: () => Promise<void> };
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    await buildOnce();
    db = await createTestDatabase();
    const env = {
      DATABASE_URL: db.url,
      PLATFORM_API_KEY: OPERATOR_KEY,
      ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
      LOG_LEVEL: 'warn',
    };
    a = await spawnServer(env);
    await a.waitReady(60_000);
    b = await spawnServer(env);
    await b.waitReady(60_000);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
  });

  /** Notifications B has received so far (its /metrics counter), all kinds together. */
  async function heard(server: ServerProcess): Promise<number> {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    return [...text.matchAll(/^identity_invalidations_received_total\{[^}]*\} (\d+)/gm)].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );
  }

  /**
   * Runs a change through A and waits until B has heard its notification. On an idle machine it
   * arrives in well under a millisecond; on a loaded CI machine the listening backend may be
   * scheduled late, and the guarantee is "the next request after it arrives", so the test waits
   * for the arrival instead of racing it (bounded: a lost notification still fails the test).
   */
  async function throughA<T>(change: () => Promise<T>): Promise<T> {
    const before = await heard(b);
    const result = await change();
    for (let waited = 0; (await heard(b)) === before; waited += 5) {
      if (waited > 5000) throw new Error('B never heard the change');
      await new Promise((r) => setTimeout(r, 5));
    }
    return result;
  }

  async function call(
    server: ServerProcess,
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ) {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  /**
   * Signs a person up through A: the link from the verification email, read from the local
   * outbox (no SMTP here) as an operator reads it, then verify-email's session.
   */
  async function signUp(email: string, displayName: string): Promise<{ accessToken: string }> {
    const password = 'correct horse battery staple';
    const res = await fetch(`${a.url}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password, displayName }),
    });
    expect(res.status).toBe(202);
    const outbox = (await call(a, 'GET', '/api/v1/outbox', OPERATOR_KEY)).body as {
      data: { to: string; text: string }[];
    };
    const mail = outbox.data.find((m) => m.to === email && m.text.includes('/verify-email?'));
    const token = /token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? '')?.[1];
    const verified = await fetch(`${a.url}/api/v1/auth/verify-email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(verified.status).toBe(200);
    return ((await verified.json()) as { signedIn: { accessToken: string } }).signedIn;
  }

  it('decides by a custom role changed on the other instance', async () => {
    const tenant = (
      await call(a, 'POST', '/api/v1/tenants', OPERATOR_KEY, { name: 'Two instances' })
    ).body;
    const t = `/api/v1/tenants/${tenant.id}`;
    expect(
      (
        await call(a, 'POST', `${t}/roles`, OPERATOR_KEY, {
          key: 'reader',
          name: 'Reader',
          permissions: [{ action: 'read', subject: 'Member' }],
        })
      ).status,
    ).toBe(201);
    const key = (
      await call(a, 'POST', `${t}/api-keys`, OPERATOR_KEY, { name: 'reader', role: 'reader' })
    ).body;
    // B decides (and caches) with the role as it is
    expect((await call(b, 'GET', `${t}/members`, key.key)).status).toBe(200);
    expect((await call(b, 'GET', `${t}/teams`, key.key)).status).toBe(403);

    expect(
      (
        await throughA(() =>
          call(a, 'PATCH', `${t}/roles/reader`, OPERATOR_KEY, {
            permissions: [{ action: 'read', subject: 'Team' }],
          }),
        )
      ).status,
    ).toBe(200);
    // the very next requests through B follow the new rules
    expect((await call(b, 'GET', `${t}/members`, key.key)).status).toBe(403);
    expect((await call(b, 'GET', `${t}/teams`, key.key)).status).toBe(200);

    // and a key revoked through A is refused by B, which had it cached
    expect(
      (await throughA(() => call(a, 'DELETE', `${t}/api-keys/${key.id}`, OPERATOR_KEY))).status,
    ).toBe(204);
    expect((await call(b, 'GET', `${t}/teams`, key.key)).status).toBe(401);
  });

  it('decides /authorize by a membership and a team grant changed on the other instance', async () => {
    const tenant = (
      await call(a, 'POST', '/api/v1/tenants', OPERATOR_KEY, { name: 'Authorize twice' })
    ).body;
    const t = `/api/v1/tenants/${tenant.id}`;
    const person = await signUp('pat@example.com', 'Pat');
    const invitation = (
      await call(a, 'POST', `${t}/invitations`, OPERATOR_KEY, {
        email: 'pat@example.com',
        username: 'pat',
        role: 'viewer',
      })
    ).body;
    const token = String(invitation.inviteUrl).split('/invite/')[1];
    const accepted = (
      await call(a, 'POST', `/api/v1/invitations/${token}/accept`, person.accessToken)
    ).body;
    const admin = (
      await call(a, 'POST', `${t}/api-keys`, OPERATOR_KEY, { name: 'svc', role: 'admin' })
    ).body;
    const decide = async (action: string, type: string) =>
      (
        await call(b, 'POST', `${t}/authorize`, admin.key, {
          memberId: accepted.memberId,
          action,
          subject: { type },
        })
      ).body;

    expect(await decide('read', 'Member')).toMatchObject({
      allowed: true,
      reason: { role: 'viewer' },
    });
    expect(
      (
        await throughA(() =>
          call(a, 'PATCH', `${t}/members/${accepted.memberId}`, OPERATOR_KEY, { role: 'guest' }),
        )
      ).status,
    ).toBe(200);
    expect(await decide('read', 'Member')).toMatchObject({
      allowed: false,
      reason: { role: 'guest' },
    });

    expect(await decide('deploy', 'Service')).toMatchObject({ allowed: false });
    const team = (await call(a, 'POST', `${t}/teams`, OPERATOR_KEY, { name: 'Ops' })).body;
    expect(
      (
        await throughA(() =>
          call(a, 'PUT', `${t}/teams/${team.id}/permissions`, OPERATOR_KEY, {
            permissions: [{ action: 'deploy', subject: 'Service' }],
          }),
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await throughA(() =>
          call(a, 'POST', `${t}/teams/${team.id}/members`, OPERATOR_KEY, {
            memberId: accepted.memberId,
          }),
        )
      ).status,
    ).toBe(201);
    expect(await decide('deploy', 'Service')).toMatchObject({
      allowed: true,
      reason: { code: 'allowed_by_team', teamId: team.id },
    });
    expect(
      (
        await throughA(() =>
          call(a, 'DELETE', `${t}/teams/${team.id}/members/${accepted.memberId}`, OPERATOR_KEY),
        )
      ).status,
    ).toBe(204);
    expect(await decide('deploy', 'Service')).toMatchObject({ allowed: false });
  });

  it('refuses through B a SCIM token and a personal key revoked through A, which B had cached', async () => {
    const tenant = (
      await call(a, 'POST', '/api/v1/tenants', OPERATOR_KEY, { name: 'Credentials twice' })
    ).body;
    const t = `/api/v1/tenants/${tenant.id}`;
    const scim = (await call(a, 'POST', `${t}/scim-tokens`, OPERATOR_KEY, { name: 'Entra ID' }))
      .body;
    const person = await signUp('kim@example.com', 'Kim');
    const personal = (
      await call(a, 'POST', '/api/v1/me/api-keys', person.accessToken, { name: 'cli' })
    ).body;
    // B authenticates (and caches) both
    expect((await call(b, 'GET', '/scim/v2/Users', scim.token)).status).toBe(200);
    expect((await call(b, 'GET', '/api/v1/me', personal.key)).status).toBe(200);

    expect(
      (await throughA(() => call(a, 'DELETE', `${t}/scim-tokens/${scim.id}`, OPERATOR_KEY))).status,
    ).toBe(204);
    expect((await call(b, 'GET', '/scim/v2/Users', scim.token)).status).toBe(401);
    expect(
      (
        await throughA(() =>
          call(a, 'DELETE', `/api/v1/me/api-keys/${personal.id}`, person.accessToken),
        )
      ).status,
    ).toBe(204);
    expect((await call(b, 'GET', '/api/v1/me', personal.key)).status).toBe(401);
  });
});
