import { HousekeepingService } from '../apps/identity-server/src/auth/housekeeping.service.js';
import { startTestApp, type Response, type TestApp } from './support/app.js';
import { expectProblem } from './support/fixtures.js';
import { linkTokenFor, mailsTo } from './support/mail.js';
import { scimClient, user } from './support/scim.js';
import { login, PASSWORD, signup, verifyEmail } from './support/users.js';

/**
 * Email for password accounts (issue #13): sign-up finished by a link, verification of an
 * account's address, and password reset. The public requests answer the same whether or not the
 * address has an account; each link works once.
 */
describe('email verification and password reset', () => {
  let t: TestApp;
  /** Every secret the tests saw: none may reach the logs. */
  const secrets: string[] = [PASSWORD];
  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_URL: 'https://id.example.com' });
  });
  afterAll(async () => {
    await t.close();
  });

  let n = 0;
  const fresh = (label: string) => `${label}.${++n}.${Date.now()}@example.com`;
  const signupRequest = (email: string, password = PASSWORD, displayName = 'Someone') =>
    t.request('POST', '/api/v1/auth/signup', {
      token: null,
      body: { email, password, displayName },
    });
  const resetRequest = (email: string) =>
    t.request('POST', '/api/v1/auth/password-reset', { token: null, body: { email } });
  const confirmReset = (token: string, password: string) =>
    t.request('POST', '/api/v1/auth/password-reset/confirm', {
      token: null,
      body: { token, password },
    });
  const verifyToken = async (email: string) => {
    const token = await linkTokenFor(t, email, '/verify-email');
    secrets.push(token);
    return token;
  };
  const resetToken = async (email: string) => {
    const token = await linkTokenFor(t, email, '/reset-password');
    secrets.push(token);
    return token;
  };
  const accountOf = async (email: string) =>
    (await t.sql('SELECT * FROM accounts WHERE lower(email) = lower($1)', [email]))[0];
  const me = (token: string) => t.request('GET', '/api/v1/me', { token });

  async function timed(run: () => Promise<Response>): Promise<{ ms: number; res: Response }> {
    const started = performance.now();
    const res = await run();
    return { ms: performance.now() - started, res };
  }
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

  describe('sign-up', () => {
    it('answers a new and a taken address alike, in similar time', async () => {
      const taken = await signup(t);
      const accountBefore = await accountOf(taken.email);
      const newTimes: number[] = [];
      const takenTimes: number[] = [];
      const answers: Response[] = [];
      for (let i = 0; i < 5; i++) {
        const a = await timed(() => signupRequest(fresh('new')));
        const b = await timed(() => signupRequest(taken.email, 'another long passphrase'));
        newTimes.push(a.ms);
        takenTimes.push(b.ms);
        answers.push(a.res, b.res);
      }
      for (const res of answers) {
        expect(res.status).toBe(202);
        expect(res.body).toEqual({
          status: 'verification_sent',
          message: 'Check your email to finish signing up',
          delivery: 'outbox',
        });
      }
      const [fast, slow] = [median(newTimes), median(takenTimes)].sort((a, b) => a - b) as [
        number,
        number,
      ];
      expect(slow / fast).toBeLessThan(3);

      // The owner hears about it; the account is unchanged and the old password still works.
      const mails = await mailsTo(t, taken.email);
      const attempts = mails.filter((m) => m.subjectType === 'signup_attempt');
      expect(attempts).toHaveLength(5);
      expect(attempts[0]!.subject).toBe(
        'Someone tried to create an account with your email address',
      );
      expect(attempts[0]!.text).toContain('https://id.example.com/forgot-password');
      expect(attempts[0]!.html).toContain('https://id.example.com/forgot-password');
      expect(attempts[0]!.text).not.toContain('/verify-email');
      expect(await accountOf(taken.email)).toEqual(accountBefore);
      expect(
        await t.sql('SELECT count(*)::int AS n FROM email_tokens WHERE lower(email) = $1', [
          taken.email,
        ]),
      ).toEqual([{ n: 1 }]); // its own, used, sign-up link
      expect((await login(t, { email: taken.email, password: PASSWORD })).status).toBe(200);
      expect(
        (await login(t, { email: taken.email, password: 'another long passphrase' })).status,
      ).toBe(401);
    });

    it('creates no account until the link is used, and stores no password', async () => {
      const email = fresh('pending');
      expect((await signupRequest(email, 'a pending passphrase')).status).toBe(202);
      expect(await accountOf(email)).toBeUndefined();
      expectProblem(
        await login(t, { email, password: 'a pending passphrase' }),
        401,
        'invalid_credentials',
      );
      const [row] = await t.sql('SELECT * FROM email_tokens WHERE email = $1', [email]);
      expect(row).toMatchObject({ purpose: 'signup', account_id: null, used_at: null });
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      const token = await verifyToken(email);
      expect(token).toMatch(/^eml_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
      expect(JSON.stringify(row)).not.toContain(token);
      expect(JSON.stringify(row)).not.toContain('a pending passphrase');
      const [mail] = await mailsTo(t, email);
      expect(mail).toMatchObject({
        subjectType: 'signup',
        subject: 'Finish creating your account',
      });
      expect(mail!.text).toContain(`https://id.example.com/verify-email?token=${token}`);
      expect(mail!.html).toContain(`https://id.example.com/verify-email?token=${token}`);

      const verified = await verifyEmail(t, token);
      expect(verified.status).toBe(200);
      expect(verified.body).toEqual({
        email,
        emailVerified: true,
        signedIn: {
          accessToken: expect.stringMatching(/^eyJ/),
          refreshToken: expect.stringMatching(/^rt_/),
          tokenType: 'Bearer',
          expiresIn: 600,
        },
      });
      const profile = await me(verified.body.signedIn.accessToken);
      expect(profile.body).toMatchObject({
        email,
        emailVerified: true,
        displayName: 'Someone',
        signInMethods: ['password'],
      });
      expect((await login(t, { email, password: 'a pending passphrase' })).status).toBe(200);
      const events = await t.sql(`SELECT type FROM audit_events WHERE target_id = $1 ORDER BY id`, [
        profile.body.id,
      ]);
      expect(events.map((e) => e.type)).toEqual(
        expect.arrayContaining(['account.created', 'email.verified', 'auth.login.succeeded']),
      );
    });

    it('refuses a sign-up link once an account has the address (email_link_invalid)', async () => {
      const email = fresh('twice');
      await signupRequest(email);
      const first = await verifyToken(email);
      await signupRequest(email);
      const second = await verifyToken(email);
      expect(second).not.toBe(first);
      expect((await verifyEmail(t, second)).status).toBe(200);
      expectProblem(await verifyEmail(t, first), 400, 'email_link_invalid');
      expect(
        await t.sql('SELECT count(*)::int AS n FROM accounts WHERE email = $1', [email]),
      ).toEqual([{ n: 1 }]);
    });

    it('carries next (a path here) into the link, and refuses any other next before sending', async () => {
      const email = fresh('next');
      const res = await t.request('POST', '/api/v1/auth/signup', {
        token: null,
        body: { email, password: PASSWORD, displayName: 'Next', next: '/invite/inv_abc?accept=1' },
      });
      expect(res.status).toBe(202);
      const [mail] = await mailsTo(t, email);
      expect(mail?.text).toMatch(
        /https:\/\/id\.example\.com\/verify-email\?token=[A-Za-z0-9_-]+&next=%2Finvite%2Finv_abc%3Faccept%3D1\s/,
      );
      for (const next of [
        'https://evil.example/x',
        '//evil.example/x',
        '/\\evil.example',
        'invite/x',
        '/a b',
        '/a\u0000b',
        '/é',
        `/${'a'.repeat(512)}`,
        42,
      ]) {
        const other = fresh('bad-next');
        const refused = await t.request('POST', '/api/v1/auth/signup', {
          token: null,
          body: { email: other, password: PASSWORD, displayName: 'Next', next },
        });
        // A NUL byte is refused earlier, for any field, as invalid_string.
        expectProblem(refused, 400, next === '/a\u0000b' ? 'invalid_string' : 'validation_failed');
        expect(await mailsTo(t, other)).toEqual([]);
      }
    });
  });

  describe('verification links', () => {
    it('work once: the second use is 400 email_link_invalid', async () => {
      const email = fresh('once');
      await signupRequest(email);
      const token = await verifyToken(email);
      expect((await verifyEmail(t, token)).status).toBe(200);
      expectProblem(await verifyEmail(t, token), 400, 'email_link_invalid');
    });

    it('expire: 410 email_link_expired, and no account', async () => {
      const email = fresh('expired');
      await signupRequest(email);
      const token = await verifyToken(email);
      await t.sql(
        `UPDATE email_tokens SET expires_at = now() - interval '1 second' WHERE email = $1`,
        [email],
      );
      expectProblem(await verifyEmail(t, token), 410, 'email_link_expired');
      expect(await accountOf(email)).toBeUndefined();
    });

    it('expire after EMAIL_VERIFICATION_TTL_HOURS (24 by default)', async () => {
      const email = fresh('ttl');
      await signupRequest(email);
      const [row] = await t.sql(
        'SELECT extract(epoch FROM expires_at - created_at)::int AS s FROM email_tokens WHERE email = $1',
        [email],
      );
      expect(row.s).toBe(24 * 3600);
    });

    it.each([
      ['a malformed token', 'nope'],
      ['an unknown token', `eml_abcdefghijkl_${'a'.repeat(43)}`],
      ['a token of another kind', `pwr_abcdefghijkl_${'a'.repeat(43)}`],
    ])('refuse %s with 400 email_link_invalid', async (_label, token) => {
      expectProblem(await verifyEmail(t, token), 400, 'email_link_invalid');
    });

    it('redeemed twice in parallel: exactly one succeeds, one account', async () => {
      const email = fresh('race');
      await signupRequest(email);
      const token = await verifyToken(email);
      const answers = await Promise.all(Array.from({ length: 6 }, () => verifyEmail(t, token)));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([200, 400, 400, 400, 400, 400]);
      expect(
        await t.sql('SELECT count(*)::int AS n FROM accounts WHERE email = $1', [email]),
      ).toEqual([{ n: 1 }]);
      expect(
        await t.sql(
          'SELECT count(*)::int AS n FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.email = $1',
          [email],
        ),
      ).toEqual([{ n: 1 }]);
    });
  });

  describe('POST /api/v1/me/email/verification', () => {
    it('emails a link for an unverified address, which verifies it; 409 once verified', async () => {
      const person = await signup(t);
      expectProblem(
        await t.request('POST', '/api/v1/me/email/verification', { token: person.accessToken }),
        409,
        'email_already_verified',
      );
      const account = await accountOf(person.email);
      await t.sql('UPDATE accounts SET email_verified = false WHERE id = $1', [account.id]);
      const sent = await t.request('POST', '/api/v1/me/email/verification', {
        token: person.accessToken,
      });
      expect(sent.status).toBe(202);
      expect(sent.body.status).toBe('verification_sent');
      const token = await verifyToken(person.email);
      const [mail] = await mailsTo(t, person.email);
      expect(mail!.subjectType).toBe('email_verification');
      const verified = await verifyEmail(t, token);
      expect(verified.status).toBe(200);
      expect(verified.body).toEqual({ email: person.email, emailVerified: true, signedIn: null });
      expect((await me(person.accessToken)).body.emailVerified).toBe(true);
      expectProblem(await verifyEmail(t, token), 400, 'email_link_invalid');
    });

    it('needs a signed-in person', async () => {
      expectProblem(
        await t.request('POST', '/api/v1/me/email/verification', { token: null }),
        401,
        'unauthenticated',
      );
    });

    it('links a SCIM-provisioned member once the address is verified, not before', async () => {
      const person = await signup(t);
      const account = await accountOf(person.email);
      await t.sql('UPDATE accounts SET email_verified = false WHERE id = $1', [account.id]);
      const scim = await scimClient(t);
      const created = await scim.request('POST', '/Users', user(person.email));
      expect(created.status).toBe(201);
      const linked = async () =>
        (await t.sql('SELECT account_id FROM memberships WHERE id = $1', [created.body.id]))[0]
          .account_id;
      // Signing in with an unverified address links nothing.
      expect((await login(t, { email: person.email, password: PASSWORD })).status).toBe(200);
      expect(await linked()).toBeNull();
      await t.request('POST', '/api/v1/me/email/verification', { token: person.accessToken });
      expect(await linked()).toBeNull();
      expect((await verifyEmail(t, await verifyToken(person.email))).status).toBe(200);
      expect(await linked()).toBe(account.id);
    });

    it('links a member provisioned before the sign-up when its link is used', async () => {
      const email = fresh('provisioned');
      const scim = await scimClient(t);
      const created = await scim.request('POST', '/Users', user(email));
      expect(created.status).toBe(201);
      await signupRequest(email);
      const linked = async () =>
        (await t.sql('SELECT account_id FROM memberships WHERE id = $1', [created.body.id]))[0]
          .account_id;
      expect(await linked()).toBeNull();
      const verified = await verifyEmail(t, await verifyToken(email));
      expect(verified.status).toBe(200);
      expect(await linked()).toBe((await accountOf(email)).id);
      expect((await me(verified.body.signedIn.accessToken)).body.tenants).toHaveLength(1);
    });
  });

  describe('password reset', () => {
    it('answers an unknown address the same, sends nothing, in similar time', async () => {
      const person = await signup(t);
      const unknown = fresh('nobody');
      const knownTimes: number[] = [];
      const unknownTimes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const a = await timed(() => resetRequest(person.email));
        const b = await timed(() => resetRequest(unknown));
        expect(a.res.status).toBe(202);
        expect(b.res.status).toBe(202);
        expect(a.res.body).toEqual({ status: 'reset_sent', delivery: 'outbox' });
        expect(b.res.body).toEqual(a.res.body);
        knownTimes.push(a.ms);
        unknownTimes.push(b.ms);
      }
      // Both are a few database round trips; a generous bound for a loaded machine.
      const [fast, slow] = [median(knownTimes), median(unknownTimes)].sort((a, b) => a - b) as [
        number,
        number,
      ];
      expect(slow - fast).toBeLessThan(Math.max(50, fast * 2));
      expect(await mailsTo(t, unknown)).toEqual([]);
      expect(await t.sql('SELECT 1 FROM email_tokens WHERE email = $1', [unknown])).toEqual([]);
      // Each new link replaces the earlier ones.
      const live = await t.sql(
        `SELECT count(*)::int AS n FROM email_tokens
          WHERE email = $1 AND purpose = 'password_reset' AND used_at IS NULL`,
        [person.email],
      );
      expect(live).toEqual([{ n: 1 }]);
    });

    it('ends every session, verifies the address, and the new password works', async () => {
      const person = await signup(t);
      const second = await login(t, { email: person.email, password: PASSWORD });
      const account = await accountOf(person.email);
      await t.sql('UPDATE accounts SET email_verified = false WHERE id = $1', [account.id]);
      await resetRequest(person.email.toUpperCase());
      const token = await resetToken(person.email);
      expect(token).toMatch(/^pwr_/);
      const [mail] = await mailsTo(t, person.email);
      expect(mail).toMatchObject({ subjectType: 'password_reset', subject: 'Reset your password' });
      expect(mail!.text).toContain(`https://id.example.com/reset-password?token=${token}`);
      const [row] = await t.sql(
        `SELECT extract(epoch FROM expires_at - created_at)::int AS s FROM email_tokens
          WHERE email = $1 AND purpose = 'password_reset' AND used_at IS NULL`,
        [person.email],
      );
      expect(row.s).toBe(30 * 60);

      const res = await confirmReset(token, 'a brand new passphrase');
      expect(res.status).toBe(204);
      expectProblem(await me(person.accessToken), 401, 'unauthenticated');
      expectProblem(await me(second.body.accessToken), 401, 'unauthenticated');
      expectProblem(
        await t.request('POST', '/api/v1/auth/refresh', {
          token: null,
          body: { refreshToken: person.refreshToken },
        }),
        401,
        'refresh_token_invalid',
      );
      expect(
        await t.sql(`SELECT DISTINCT revoked_reason FROM sessions WHERE account_id = $1`, [
          account.id,
        ]),
      ).toEqual([{ revoked_reason: 'password_reset' }]);
      expectProblem(
        await login(t, { email: person.email, password: PASSWORD }),
        401,
        'invalid_credentials',
      );
      const after = await login(t, { email: person.email, password: 'a brand new passphrase' });
      expect(after.status).toBe(200);
      expect((await me(after.body.accessToken)).body.emailVerified).toBe(true);
      const events = await t.sql(
        `SELECT type FROM audit_events WHERE target_id = $1 AND type = 'password.reset'`,
        [account.id],
      );
      expect(events).toHaveLength(1);
      // Single use.
      expectProblem(await confirmReset(token, 'yet another passphrase'), 400, 'email_link_invalid');
    });

    it('keeps the link usable after a refused password, and changes nothing', async () => {
      const person = await signup(t);
      await resetRequest(person.email);
      const token = await resetToken(person.email);
      const hashBefore = await t.sql(
        'SELECT hash FROM password_credentials WHERE account_id = (SELECT id FROM accounts WHERE email = $1)',
        [person.email],
      );
      expectProblem(await confirmReset(token, 'short'), 400, 'weak_password');
      expect(
        await t.sql(
          'SELECT hash FROM password_credentials WHERE account_id = (SELECT id FROM accounts WHERE email = $1)',
          [person.email],
        ),
      ).toEqual(hashBefore);
      expect((await me(person.accessToken)).status).toBe(200);
      expect((await confirmReset(token, 'a good long passphrase')).status).toBe(204);
    });

    it('expires: 410 email_link_expired, and the password stays', async () => {
      const person = await signup(t);
      await resetRequest(person.email);
      const token = await resetToken(person.email);
      await t.sql(
        `UPDATE email_tokens SET expires_at = now() - interval '1 second'
          WHERE email = $1 AND purpose = 'password_reset'`,
        [person.email],
      );
      expectProblem(await confirmReset(token, 'a good long passphrase'), 410, 'email_link_expired');
      expect((await login(t, { email: person.email, password: PASSWORD })).status).toBe(200);
    });

    it('refuses an earlier link once a new one is sent', async () => {
      const person = await signup(t);
      await resetRequest(person.email);
      const first = await resetToken(person.email);
      await resetRequest(person.email);
      const second = await resetToken(person.email);
      expectProblem(await confirmReset(first, 'a good long passphrase'), 400, 'email_link_invalid');
      expect((await confirmReset(second, 'a good long passphrase')).status).toBe(204);
    });

    it('refuses a verification link at reset and a reset link at verify-email', async () => {
      const person = await signup(t);
      await resetRequest(person.email);
      const reset = await resetToken(person.email);
      expectProblem(await verifyEmail(t, reset), 400, 'email_link_invalid');
      await signupRequest(fresh('kind'));
      expectProblem(
        await confirmReset(`eml_abcdefghijkl_${'a'.repeat(43)}`, 'a good long passphrase'),
        400,
        'email_link_invalid',
      );
      expect((await confirmReset(reset, 'a good long passphrase')).status).toBe(204);
    });

    it('gives an account without a password (SSO only) one', async () => {
      const person = await signup(t);
      const account = await accountOf(person.email);
      await t.sql('DELETE FROM password_credentials WHERE account_id = $1', [account.id]);
      await t.sql(`DELETE FROM account_identities WHERE account_id = $1`, [account.id]);
      await t.sql(
        `INSERT INTO account_identities (id, provider, subject, account_id, created_at)
         VALUES (gen_random_uuid(), 'google', $1, $2, now())`,
        [`g-${account.id}`, account.id],
      );
      await resetRequest(person.email);
      expect(
        (await confirmReset(await resetToken(person.email), 'a good long passphrase')).status,
      ).toBe(204);
      const after = await login(t, { email: person.email, password: 'a good long passphrase' });
      expect(after.status).toBe(200);
      expect((await me(after.body.accessToken)).body.signInMethods).toEqual(['google', 'password']);
    });
  });

  it('removes expired links in housekeeping', async () => {
    const email = fresh('stale');
    await signupRequest(email);
    await t.sql(`UPDATE email_tokens SET expires_at = now() - interval '1 day' WHERE email = $1`, [
      email,
    ]);
    const removed = await t.app.get(HousekeepingService).run();
    expect(removed.emailTokens).toBeGreaterThanOrEqual(1);
    expect(await t.sql('SELECT 1 FROM email_tokens WHERE email = $1', [email])).toEqual([]);
  });

  it('logs no token and no password', () => {
    const logs = t.logs.join('\n');
    expect(secrets.length).toBeGreaterThan(10);
    for (const secret of secrets) expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/(eml|pwr)_[A-Za-z0-9]{12}_/);
  });
});
