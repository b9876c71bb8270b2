import { SignJWT } from 'jose';
import { createHmac } from 'node:crypto';
import { SigningKeysService } from '../apps/identity-server/src/auth/tokens/signing-keys.service.js';
import { startTestApp, type TestApp } from './support/app.js';
import { expectProblem } from './support/fixtures.js';
import { authenticator, login, PASSWORD, signup } from './support/users.js';

describe('accounts, sign-in and sessions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_LOCKOUT_MINUTES: '1' });
  });
  afterAll(async () => {
    await t.close();
  });

  const me = (token: string) => t.request('GET', '/api/v1/me', { token });

  it('signs up, signs in, and serves the profile', async () => {
    const person = await signup(t, { email: '  Ada@Example.COM ', displayName: 'Ada Lovelace' });
    expect(person).toMatchObject({
      accessToken: expect.stringMatching(/^eyJ/),
      refreshToken: expect.stringMatching(/^rt_/),
      tokenType: 'Bearer',
      expiresIn: 600,
    });
    const profile = await me(person.accessToken);
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({
      email: 'ada@example.com',
      emailVerified: true,
      displayName: 'Ada Lovelace',
      timezone: 'UTC',
      mfaEnabled: false,
      signInMethods: ['password'],
      tenants: [],
    });
    const again = await login(t, { email: 'ADA@example.com', password: PASSWORD });
    expect(again.status).toBe(200);
    expect((await me(again.body.accessToken)).body.id).toBe(profile.body.id);
    const stored = await t.sql('SELECT hash FROM password_credentials WHERE account_id = $1', [
      profile.body.id,
    ]);
    expect(stored[0].hash).toMatch(/^\$argon2id\$/);
  });

  it('creates no second account with the same email, in any case, and does not say so', async () => {
    const person = await signup(t);
    const before = await t.sql('SELECT count(*)::int AS n FROM accounts');
    const again = await t.request('POST', '/api/v1/auth/signup', {
      token: null,
      body: { email: person.email.toUpperCase(), password: PASSWORD, displayName: 'x' },
    });
    expect(again.status).toBe(202);
    expect(again.body).toEqual({
      status: 'verification_sent',
      message: 'Check your email to finish signing up',
      delivery: 'outbox',
    });
    expect(await t.sql('SELECT count(*)::int AS n FROM accounts')).toEqual(before);
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const person = await signup(t);
    const wrong = await login(t, { email: person.email, password: 'not the password' });
    const unknown = await login(t, {
      email: 'nobody-here@example.com',
      password: 'not the password',
    });
    expectProblem(wrong, 401, 'invalid_credentials');
    expectProblem(unknown, 401, 'invalid_credentials');
    expect(unknown.body.detail).toBe(wrong.body.detail);
  });

  it('locks an account after repeated failures with 429 and Retry-After, and records the login history', async () => {
    const person = await signup(t);
    for (let i = 0; i < 3; i++)
      expectProblem(
        await login(t, { email: person.email, password: `wrong ${i}` }),
        401,
        'invalid_credentials',
      );
    const locked = await login(t, { email: person.email, password: PASSWORD });
    expectProblem(locked, 429, 'too_many_attempts');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    const history = await t.request('GET', '/api/v1/me/security-events?limit=200', {
      token: person.accessToken,
    });
    const types = history.body.data.map((e: { type: string }) => e.type);
    expect(types.filter((x: string) => x === 'auth.login.failed')).toHaveLength(3);
    expect(types).toContain('auth.login.succeeded');
    const failed = history.body.data.find((e: { type: string }) => e.type === 'auth.login.failed');
    expect(failed).toMatchObject({
      ip: '127.0.0.1',
      changes: { after: { reason: 'invalid_credentials' } },
    });
    expect(JSON.stringify(history.body)).not.toContain('wrong 0');
  });

  it('rotates refresh tokens and revokes the session when one is replayed', async () => {
    const person = await signup(t);
    const first = await t.request('POST', '/api/v1/auth/refresh', {
      token: null,
      body: { refreshToken: person.refreshToken },
    });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(person.refreshToken);
    expect((await me(first.body.accessToken)).status).toBe(200);

    const replay = await t.request('POST', '/api/v1/auth/refresh', {
      token: null,
      body: { refreshToken: person.refreshToken },
    });
    expectProblem(replay, 401, 'refresh_token_reused');
    // the thief's replay ended the session: the legitimate tokens stop working too
    expectProblem(await me(first.body.accessToken), 401, 'unauthenticated');
    expectProblem(
      await t.request('POST', '/api/v1/auth/refresh', {
        token: null,
        body: { refreshToken: first.body.refreshToken },
      }),
      401,
      'refresh_token_invalid',
    );
  });

  it('lists sessions and revokes one: its access token is refused on the next request', async () => {
    const person = await signup(t);
    const laptop = await login(
      t,
      { email: person.email, password: PASSWORD },
      { 'user-agent': 'laptop/1.0' },
    );
    const sessions = await t.request('GET', '/api/v1/me/sessions', { token: person.accessToken });
    expect(sessions.body.data).toHaveLength(2);
    const laptopSession = sessions.body.data.find(
      (s: { userAgent: string }) => s.userAgent === 'laptop/1.0',
    );
    expect(laptopSession).toMatchObject({
      current: false,
      signInMethod: 'password',
      ip: '127.0.0.1',
    });
    expect(sessions.body.data.find((s: { current: boolean }) => s.current)).toBeDefined();

    expect((await me(laptop.body.accessToken)).status).toBe(200);
    expect(
      (
        await t.request('DELETE', `/api/v1/me/sessions/${laptopSession.id}`, {
          token: person.accessToken,
        })
      ).status,
    ).toBe(204);
    expectProblem(await me(laptop.body.accessToken), 401, 'unauthenticated');
    expect((await me(person.accessToken)).status).toBe(200);
  });

  it("cannot revoke another person's session", async () => {
    const a = await signup(t);
    const b = await signup(t);
    const bSessions = await t.request('GET', '/api/v1/me/sessions', { token: b.accessToken });
    expectProblem(
      await t.request('DELETE', `/api/v1/me/sessions/${bSessions.body.data[0].id}`, {
        token: a.accessToken,
      }),
      404,
      'session_not_found',
    );
    expect((await me(b.accessToken)).status).toBe(200);
  });

  it('logs out the current session', async () => {
    const person = await signup(t);
    expect(
      (await t.request('POST', '/api/v1/auth/logout', { token: person.accessToken })).status,
    ).toBe(204);
    expectProblem(await me(person.accessToken), 401, 'unauthenticated');
    expectProblem(
      await t.request('POST', '/api/v1/auth/refresh', {
        token: null,
        body: { refreshToken: person.refreshToken },
      }),
      401,
      'refresh_token_invalid',
    );
  });

  it('enrols TOTP with a standard authenticator, then requires it to sign in', async () => {
    const person = await signup(t);
    const enrol = await t.request('POST', '/api/v1/me/mfa/totp', { token: person.accessToken });
    expect(enrol.status).toBe(201);
    expect(enrol.body.otpauthUri).toMatch(
      /^otpauth:\/\/totp\/Identity%20Server:.+\?secret=[A-Z2-7]+&issuer=Identity%20Server&algorithm=SHA1&digits=6&period=30$/,
    );
    const app = authenticator(enrol.body.otpauthUri);

    expectProblem(
      await t.request('POST', '/api/v1/me/mfa/totp/confirm', {
        token: person.accessToken,
        body: { code: '000000' === app.code() ? '111111' : '000000' },
      }),
      401,
      'mfa_invalid',
    );
    const confirmed = await t.request('POST', '/api/v1/me/mfa/totp/confirm', {
      token: person.accessToken,
      body: { code: app.code() },
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.body.recoveryCodes).size).toBe(10);
    const row = await t.sql('SELECT totp_secret FROM accounts WHERE lower(email) = $1', [
      person.email.toLowerCase(),
    ]);
    expect(row[0].totp_secret).toMatch(/^v1\.test\./);
    expect(row[0].totp_secret).not.toContain(
      new URL(enrol.body.otpauthUri).searchParams.get('secret'),
    );

    expectProblem(await login(t, { email: person.email, password: PASSWORD }), 401, 'mfa_required');
    expectProblem(
      await login(t, { email: person.email, password: PASSWORD, totp: '12345' }),
      401,
      'mfa_invalid',
    );
    // One code, read once: computing it again could cross a 30 s step and give the next code.
    const next = app.code(1);
    const withCode = await login(t, { email: person.email, password: PASSWORD, totp: next });
    expect(withCode.status).toBe(200);
    // the same code a second time is a replay
    expectProblem(
      await login(t, { email: person.email, password: PASSWORD, totp: next }),
      401,
      'mfa_invalid',
    );

    const recovery = confirmed.body.recoveryCodes[0];
    expect(
      (
        await login(t, {
          email: person.email,
          password: PASSWORD,
          recoveryCode: recovery.toUpperCase(),
        })
      ).status,
    ).toBe(200);
    expectProblem(
      await login(t, { email: person.email, password: PASSWORD, recoveryCode: recovery }),
      401,
      'mfa_invalid',
    );
    expect((await me(withCode.body.accessToken)).body.mfaEnabled).toBe(true);

    expectProblem(
      await t.request('POST', '/api/v1/me/mfa/totp', { token: person.accessToken }),
      409,
      'mfa_already_enabled',
    );
    expect(
      (
        await t.request('DELETE', '/api/v1/me/mfa/totp', {
          token: person.accessToken,
          body: { code: confirmed.body.recoveryCodes[1] },
        })
      ).status,
    ).toBe(204);
    expect((await login(t, { email: person.email, password: PASSWORD })).status).toBe(200);
    const events = await t.request('GET', '/api/v1/me/security-events?type=mfa.*', {
      token: person.accessToken,
    });
    expect(events.body.data.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['mfa.enabled', 'mfa.disabled']),
    );
  });

  it('changes the password with a policy check and signs out the other sessions', async () => {
    const person = await signup(t);
    const other = await login(t, { email: person.email, password: PASSWORD });
    const weak = await t.request('POST', '/api/v1/me/password', {
      token: person.accessToken,
      body: { currentPassword: PASSWORD, newPassword: 'short' },
    });
    expectProblem(weak, 400, 'weak_password');
    expect(weak.body.detail).toContain('must be at least 12 characters');
    expect(weak.body.errors).toEqual([
      { field: 'newPassword', message: 'min_length: must be at least 12 characters' },
    ]);
    expectProblem(
      await t.request('POST', '/api/v1/me/password', {
        token: person.accessToken,
        body: { currentPassword: 'nope', newPassword: 'a much better passphrase' },
      }),
      401,
      'invalid_credentials',
    );
    expect(
      (
        await t.request('POST', '/api/v1/me/password', {
          token: person.accessToken,
          body: { currentPassword: PASSWORD, newPassword: 'a much better passphrase' },
        })
      ).status,
    ).toBe(204);
    expect((await me(person.accessToken)).status).toBe(200);
    expectProblem(await me(other.body.accessToken), 401, 'unauthenticated');
    expectProblem(
      await login(t, { email: person.email, password: PASSWORD }),
      401,
      'invalid_credentials',
    );
    expect(
      (await login(t, { email: person.email, password: 'a much better passphrase' })).status,
    ).toBe(200);
  });

  it('updates the profile', async () => {
    const person = await signup(t);
    const res = await t.request('PATCH', '/api/v1/me', {
      token: person.accessToken,
      body: {
        displayName: 'New Name',
        timezone: 'Europe/Paris',
        avatarUrl: 'https://cdn.example.com/a.png',
        notificationPrefs: { productUpdates: true },
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      displayName: 'New Name',
      timezone: 'Europe/Paris',
      avatarUrl: 'https://cdn.example.com/a.png',
      notificationPrefs: { securityAlerts: true, productUpdates: true },
    });
    expectProblem(
      await t.request('PATCH', '/api/v1/me', {
        token: person.accessToken,
        body: { timezone: 'Mars/Olympus' },
      }),
      400,
      'validation_failed',
    );
    expect(
      (
        await t.request('PATCH', '/api/v1/me', {
          token: person.accessToken,
          body: { avatarUrl: null },
        })
      ).body.avatarUrl,
    ).toBeNull();
  });

  it('creates a personal API key that acts as its owner, and revokes it', async () => {
    const person = await signup(t);
    const created = await t.request('POST', '/api/v1/me/api-keys', {
      token: person.accessToken,
      body: { name: 'cli' },
    });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^pk_[A-Za-z0-9]{12}_/);
    const viaKey = await me(created.body.key);
    expect(viaKey.status).toBe(200);
    expect(viaKey.body.email).toBe(person.email.toLowerCase());
    // a key cannot mint keys or change credentials
    expectProblem(
      await t.request('POST', '/api/v1/me/api-keys', {
        token: created.body.key,
        body: { name: 'x' },
      }),
      403,
      'session_required',
    );
    expectProblem(
      await t.request('POST', '/api/v1/me/mfa/totp', { token: created.body.key }),
      403,
      'session_required',
    );
    const list = await t.request('GET', '/api/v1/me/api-keys', { token: person.accessToken });
    expect(list.body.data.map((k: { id: string }) => k.id)).toEqual([created.body.id]);
    expect(list.text).not.toContain(created.body.key);
    expect(
      (
        await t.request('DELETE', `/api/v1/me/api-keys/${created.body.id}`, {
          token: person.accessToken,
        })
      ).status,
    ).toBe(204);
    expectProblem(await me(created.body.key), 401, 'unauthenticated');
  });

  it("does not let one person list or revoke another's personal keys", async () => {
    const a = await signup(t);
    const b = await signup(t);
    const bKey = await t.request('POST', '/api/v1/me/api-keys', {
      token: b.accessToken,
      body: { name: 'b' },
    });
    expect(
      (await t.request('GET', '/api/v1/me/api-keys', { token: a.accessToken })).body.data,
    ).toEqual([]);
    expectProblem(
      await t.request('DELETE', `/api/v1/me/api-keys/${bKey.body.id}`, { token: a.accessToken }),
      404,
      'api_key_not_found',
    );
    expect((await me(bKey.body.key)).status).toBe(200);
  });

  it('publishes the signing keys as a JWKS', async () => {
    const jwks = await t.request('GET', '/.well-known/jwks.json', { token: null });
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys).toEqual([
      expect.objectContaining({
        kty: 'EC',
        crv: 'P-256',
        alg: 'ES256',
        use: 'sig',
        kid: expect.any(String),
      }),
    ]);
    expect(jwks.body.keys[0].d).toBeUndefined();
  });

  it('keeps people out of tenant routes and operator routes', async () => {
    const person = await signup(t);
    expect((await t.request('GET', '/api/v1/tenants', { token: person.accessToken })).body).toEqual(
      { data: [], nextCursor: null },
    );
    expectProblem(
      await t.request('POST', '/api/v1/tenants', {
        token: person.accessToken,
        body: { name: 'Mine' },
      }),
      403,
      'operator_required',
    );
    expectProblem(await t.request('GET', '/api/v1/me', {}), 403, 'sign_in_required');
  });

  describe('bad tokens', () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    let token: string;
    beforeAll(async () => {
      token = (await signup(t)).accessToken;
    });

    it.each<[string, () => string]>([
      ['alg none', () => `${b64({ alg: 'none', typ: 'at+jwt' })}.${token.split('.')[1]}.`],
      [
        'a tampered payload',
        () => {
          const [h, p, s] = token.split('.');
          const payload = JSON.parse(Buffer.from(p as string, 'base64url').toString());
          return `${h}.${b64({ ...payload, sub: '0190c8e2-0000-7000-8000-000000000000' })}.${s}`;
        },
      ],
      [
        'an unknown key id',
        () =>
          `${b64({ alg: 'ES256', kid: 'nope', typ: 'at+jwt' })}.${token.split('.')[1]}.${token.split('.')[2]}`,
      ],
      [
        'HS256 signed with the public key',
        () => {
          const header = b64({
            alg: 'HS256',
            kid: JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).kid,
            typ: 'at+jwt',
          });
          const body = token.split('.')[1];
          const sig = createHmac('sha256', 'public')
            .update(`${header}.${body}`)
            .digest('base64url');
          return `${header}.${body}.${sig}`;
        },
      ],
      ['a truncated signature', () => token.slice(0, -5)],
      ['garbage after a JWT-like start', () => 'eyJ.eyJ.x'],
    ])('refuses %s with 401', async (_label, make) => {
      expectProblem(await me(make()), 401, 'unauthenticated');
    });

    it('says an expired token is expired', async () => {
      // A token signed with the server's own key whose lifetime is over.
      const { kid, privateKey } = t.app.get(SigningKeysService).current();
      const [, payload] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString());
      const expired = await new SignJWT({ sid: claims.sid })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
        .setIssuer(claims.iss)
        .setAudience(claims.aud)
        .setSubject(claims.sub)
        .setIssuedAt(claims.iat - 1200)
        .setExpirationTime(claims.iat - 600)
        .sign(privateKey);
      expectProblem(await me(expired), 401, 'token_expired');
    });
  });

  it.each<[string, Record<string, unknown>, number, string]>([
    [
      'a short password',
      { email: 'x1@example.com', password: 'short', displayName: 'x' },
      400,
      'weak_password',
    ],
    [
      'a 300-character password',
      { email: 'x2@example.com', password: 'p'.repeat(300), displayName: 'x' },
      400,
      'weak_password',
    ],
    [
      'a 2000-character password',
      { email: 'x3@example.com', password: 'p'.repeat(2000), displayName: 'x' },
      400,
      'validation_failed',
    ],
    [
      'a bad email',
      { email: 'not-an-email', password: PASSWORD, displayName: 'x' },
      400,
      'validation_failed',
    ],
    [
      'an over-long email',
      { email: `${'a'.repeat(250)}@example.com`, password: PASSWORD, displayName: 'x' },
      400,
      'validation_failed',
    ],
    ['no display name', { email: 'x4@example.com', password: PASSWORD }, 400, 'validation_failed'],
    [
      'a number as password',
      { email: 'x5@example.com', password: 123456789012345, displayName: 'x' },
      400,
      'validation_failed',
    ],
    [
      'an unknown field',
      { email: 'x6@example.com', password: PASSWORD, displayName: 'x', role: 'admin' },
      400,
      'validation_failed',
    ],
  ])('refuses a signup with %s and creates nothing', async (_label, body, status, code) => {
    const before = await t.sql('SELECT count(*)::int AS n FROM accounts');
    expectProblem(
      await t.request('POST', '/api/v1/auth/signup', { token: null, body }),
      status,
      code,
    );
    expect(await t.sql('SELECT count(*)::int AS n FROM accounts')).toEqual(before);
  });

  it.each<[string, Record<string, unknown>, number, string]>([
    ['a malformed refresh token', { refreshToken: 'rt_nope' }, 401, 'refresh_token_invalid'],
    [
      'an unknown refresh token',
      { refreshToken: `rt_abcdefghijkl_${'a'.repeat(43)}` },
      401,
      'refresh_token_invalid',
    ],
    [
      'an access token',
      { refreshToken: 'eyJhbGciOiJFUzI1NiJ9.e30.x' },
      401,
      'refresh_token_invalid',
    ],
    ['no token', {}, 400, 'validation_failed'],
  ])('refuses a refresh with %s', async (_label, body, status, code) => {
    expectProblem(
      await t.request('POST', '/api/v1/auth/refresh', { token: null, body }),
      status,
      code,
    );
  });
});
