import { startTestApp, type TestApp } from './support/app.js';
import { login, PASSWORD, signup } from './support/users.js';

/** Two server instances on one database: a revocation through one holds at once on the other. */
describe('several instances', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp();
    b = await startTestApp({}, { shareDatabaseOf: a });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('share signing keys: a token issued by one is accepted by the other', async () => {
    const person = await signup(a);
    expect((await b.request('GET', '/api/v1/me', { token: person.accessToken })).status).toBe(200);
    expect((await a.request('GET', '/.well-known/jwks.json', { token: null })).body).toEqual(
      (await b.request('GET', '/.well-known/jwks.json', { token: null })).body,
    );
  });

  it('refuse a session revoked on the other instance on the very next request', async () => {
    const person = await signup(a);
    const phone = await login(a, { email: person.email, password: PASSWORD });
    // instance B has seen (and cached) the phone's session
    expect((await b.request('GET', '/api/v1/me', { token: phone.body.accessToken })).status).toBe(
      200,
    );
    const sessions = await a.request('GET', '/api/v1/me/sessions', { token: person.accessToken });
    const phoneSession = sessions.body.data.find((s: { current: boolean }) => !s.current);
    expect(
      (
        await a.request('DELETE', `/api/v1/me/sessions/${phoneSession.id}`, {
          token: person.accessToken,
        })
      ).status,
    ).toBe(204);
    // NOTIFY is delivered on commit; allow the notification its round trip
    const deadline = Date.now() + 2000;
    let status = 200;
    let attempts = 0;
    while (status === 200 && Date.now() < deadline) {
      attempts += 1;
      status = (await b.request('GET', '/api/v1/me', { token: phone.body.accessToken })).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(401);
    expect(attempts).toBeLessThanOrEqual(2);
  });

  it('refresh a token exactly once when it is raced through both instances', async () => {
    const person = await signup(a);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 ? b : a).request('POST', '/api/v1/auth/refresh', {
          token: null,
          body: { refreshToken: person.refreshToken },
        }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    // the first replay revokes the session (reused); later ones find it revoked (invalid)
    const refused = results.filter((r) => r.status !== 200);
    expect(refused.map((r) => r.status)).toEqual(refused.map(() => 401));
    expect(refused.map((r) => r.body.code)).toContain('refresh_token_reused');
    for (const r of refused)
      expect(['refresh_token_reused', 'refresh_token_invalid']).toContain(r.body.code);
  });
});
