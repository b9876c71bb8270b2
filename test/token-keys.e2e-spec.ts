import { HousekeepingService } from '../apps/identity-server/src/auth/housekeeping.service.js';
import { SigningKeysService } from '../apps/identity-server/src/auth/tokens/signing-keys.service.js';
import { startTestApp, type TestApp } from './support/app.js';
import { expectProblem } from './support/fixtures.js';
import { login, PASSWORD, signup } from './support/users.js';

const kidOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).kid as string;

describe('signing key rotation and per-IP throttling', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOGIN_MAX_FAILURES_PER_IP: '4' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('rotates the signing key without signing anybody out', async () => {
    const keys = t.app.get(SigningKeysService);
    const person = await signup(t);
    const oldKid = kidOf(person.accessToken);

    // The current key is due: a successor is made, published, but not used until the old one retires.
    await t.sql(`UPDATE signing_keys SET retire_at = now() + interval '1 hour' WHERE kid = $1`, [
      oldKid,
    ]);
    await keys.rotateIfDue();
    const jwks = await t.request('GET', '/.well-known/jwks.json', { token: null });
    expect(jwks.body.keys).toHaveLength(2);
    expect(
      kidOf((await login(t, { email: person.email, password: PASSWORD })).body.accessToken),
    ).toBe(oldKid);

    // The old key retires: new tokens use the successor, old tokens still verify.
    await t.sql(`UPDATE signing_keys SET retire_at = now() - interval '1 second' WHERE kid = $1`, [
      oldKid,
    ]);
    await keys.rotateIfDue();
    const fresh = await login(t, { email: person.email, password: PASSWORD });
    expect(kidOf(fresh.body.accessToken)).not.toBe(oldKid);
    expect((await t.request('GET', '/api/v1/me', { token: person.accessToken })).status).toBe(200);
    expect((await t.request('GET', '/api/v1/me', { token: fresh.body.accessToken })).status).toBe(
      200,
    );

    // Once its last token has expired, the old key is gone from the JWKS and verifies nothing.
    await t.sql(`UPDATE signing_keys SET expires_at = now() - interval '1 second' WHERE kid = $1`, [
      oldKid,
    ]);
    await keys.rotateIfDue();
    const after = await t.request('GET', '/.well-known/jwks.json', { token: null });
    expect(after.body.keys.map((k: { kid: string }) => k.kid)).not.toContain(oldKid);
    expectProblem(
      await t.request('GET', '/api/v1/me', { token: person.accessToken }),
      401,
      'unauthenticated',
    );
  });

  it('locks a client IP that fails across many accounts', async () => {
    for (let i = 0; i < 4; i++) {
      expectProblem(
        await login(t, { email: `spray${i}@example.com`, password: 'guess' }),
        401,
        'invalid_credentials',
      );
    }
    const locked = await login(t, { email: 'spray-next@example.com', password: 'guess' });
    expectProblem(locked, 429, 'too_many_attempts');
    expect(locked.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('housekeeping', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('removes stale throttle rows, refresh tokens of long-ended sessions, and old password history', async () => {
    const person = await signup(t);
    const [account] = await t.sql('SELECT id FROM accounts WHERE lower(email) = lower($1)', [
      person.email,
    ]);
    await t.sql(
      `INSERT INTO auth_throttle (key, failures, window_start) VALUES ('ip:203.0.113.9', 2, now() - interval '1 day')`,
    );
    await t.sql(
      `INSERT INTO auth_throttle (key, failures, window_start) VALUES ('ip:203.0.113.10', 2, now())`,
    );
    await t.sql(
      `UPDATE sessions SET revoked_at = now() - interval '2 days' WHERE account_id = $1`,
      [account.id],
    );
    await t.sql(
      `INSERT INTO password_history (account_id, id, hash, created_at)
       SELECT $1, gen_random_uuid(), 'old', now() - n * interval '1 day' FROM generate_series(1, 30) n`,
      [account.id],
    );
    const removed = await t.app.get(HousekeepingService).run();
    expect(removed).toEqual({
      throttle: 1,
      rateLimits: 0,
      refreshTokens: 1,
      passwordHistory: 7,
      emailTokens: 0,
      ssoCodes: 0,
    });
    expect(await t.sql(`SELECT key FROM auth_throttle WHERE key LIKE 'ip:203.0.113.%'`)).toEqual([
      { key: 'ip:203.0.113.10' },
    ]);
    expect(
      await t.sql('SELECT count(*)::int AS n FROM password_history WHERE account_id = $1', [
        account.id,
      ]),
    ).toEqual([{ n: 24 }]);
    // the newest entry (the current password) is kept
    expect(
      await t.sql(
        `SELECT count(*)::int AS n FROM password_history WHERE account_id = $1 AND hash <> 'old'`,
        [account.id],
      ),
    ).toEqual([{ n: 1 }]);
  });
});
