import { startTestApp, type Response, type TestApp } from './support/app.js';
import { expectProblem } from './support/fixtures.js';
import { authenticator, login, PASSWORD, signup } from './support/users.js';

/**
 * Attempt limits hold under any concurrency (issue #12, failure 3): each attempt is reserved in
 * one statement before its secret is checked, so parallel guesses cannot all pass a count read
 * before any of them was written. Before, 100 parallel wrong passwords got 86 Argon2 checks
 * against a limit of 5, and password change and TOTP confirmation had no limit at all.
 */
const LIMIT = 5;
const PARALLEL = 100;

/** Answers by status: 401s are the guesses that were checked, 429s the ones refused unchecked. */
function tally(answers: Response[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
}

function expectRefusedUnchecked(answers: Response[], code: string): number {
  const counts = tally(answers);
  const checked = counts[401] ?? 0;
  expect(Object.keys(counts).sort()).toEqual(['401', '429']);
  expect(checked).toBeGreaterThanOrEqual(1);
  expect(checked).toBeLessThanOrEqual(LIMIT);
  expect(counts[429]).toBe(PARALLEL - checked);
  for (const a of answers) {
    if (a.status === 401) expect(a.body.code).toBe(code);
    else {
      expectProblem(a, 429, 'too_many_attempts');
      expect(Number(a.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  }
  return checked;
}

/** A six-digit code that is not valid anywhere near now. */
function wrongCode(codes: { code: (offset?: number) => string }): string {
  const near = new Set([-2, -1, 0, 1, 2].map((o) => codes.code(o)));
  for (let n = 123456; ; n++) if (!near.has(String(n))) return String(n);
}

describe('attempt limits under parallel requests', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      LOGIN_MAX_FAILURES_PER_ACCOUNT: String(LIMIT),
      LOGIN_MAX_FAILURES_PER_IP: '100000',
      LOGIN_LOCKOUT_MINUTES: '5',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const failedLogins = async (email: string) =>
    (
      await t.sql(
        `SELECT count(*)::int AS n FROM audit_events
          WHERE type = 'auth.login.failed' AND changes->'after'->>'email' = $1`,
        [email],
      )
    )[0].n as number;

  async function enrolled() {
    const person = await signup(t);
    const enrol = await t.request('POST', '/api/v1/me/mfa/totp', { token: person.accessToken });
    const codes = authenticator(enrol.body.otpauthUri);
    const confirmed = await t.request('POST', '/api/v1/me/mfa/totp/confirm', {
      token: person.accessToken,
      body: { code: codes.code() },
    });
    expect(confirmed.status).toBe(200);
    return { person, codes, recoveryCodes: confirmed.body.recoveryCodes as string[] };
  }

  it(`checks at most ${LIMIT} of ${PARALLEL} parallel wrong passwords, then refuses the right one unchecked`, async () => {
    const person = await signup(t);
    // A success still clears the account's count.
    for (let i = 0; i < LIMIT - 1; i++)
      expect((await login(t, { email: person.email, password: `wrong ${i}` })).status).toBe(401);
    expect((await login(t, { email: person.email, password: PASSWORD })).status).toBe(200);
    expect(
      await t.sql('SELECT key FROM auth_throttle WHERE key = $1', [`account:${person.email}`]),
    ).toEqual([]);
    const before = await failedLogins(person.email);

    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        login(t, { email: person.email, password: `guess ${i}` }),
      ),
    );
    const checked = expectRefusedUnchecked(answers, 'invalid_credentials');
    process.stdout.write(`lockout: ${checked} of ${PARALLEL} parallel wrong passwords checked\n`);
    // One audit row per checked guess; the refused ones were never verified.
    expect((await failedLogins(person.email)) - before).toBe(checked);

    const right = await login(t, { email: person.email, password: PASSWORD });
    expectProblem(right, 429, 'too_many_attempts');
    expect((await failedLogins(person.email)) - before).toBe(checked);
  });

  it('counts parallel wrong passwords of unknown emails on the address key too', async () => {
    const other = await startTestApp(
      { LOGIN_MAX_FAILURES_PER_IP: String(LIMIT), LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000' },
      { shareDatabaseOf: t },
    );
    try {
      await t.sql(`DELETE FROM auth_throttle WHERE key LIKE 'ip:%'`);
      const answers = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          login(other, { email: `spray-${i}@example.com`, password: 'guess' }),
        ),
      );
      expectRefusedUnchecked(answers, 'invalid_credentials');
    } finally {
      await other.close();
      await t.sql(`DELETE FROM auth_throttle WHERE key LIKE 'ip:%'`);
    }
  });

  it('limits parallel wrong current passwords on POST /me/password', async () => {
    const person = await signup(t);
    const change = (currentPassword: string) =>
      t.request('POST', '/api/v1/me/password', {
        token: person.accessToken,
        body: { currentPassword, newPassword: 'an entirely new passphrase' },
      });
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => change(`guess ${i}`)),
    );
    expectRefusedUnchecked(answers, 'invalid_credentials');
    expectProblem(await change(PASSWORD), 429, 'too_many_attempts');
    // The password did not change.
    expect((await login(t, { email: person.email, password: PASSWORD })).status).toBe(200);
  });

  it('limits parallel wrong codes on POST /me/mfa/totp/confirm', async () => {
    const person = await signup(t);
    const enrol = await t.request('POST', '/api/v1/me/mfa/totp', { token: person.accessToken });
    const codes = authenticator(enrol.body.otpauthUri);
    const confirm = (code: string) =>
      t.request('POST', '/api/v1/me/mfa/totp/confirm', {
        token: person.accessToken,
        body: { code },
      });
    const wrong = wrongCode(codes);
    const answers = await Promise.all(Array.from({ length: PARALLEL }, () => confirm(wrong)));
    expectRefusedUnchecked(answers, 'mfa_invalid');
    expectProblem(await confirm(codes.code()), 429, 'too_many_attempts');
    const [account] = await t.sql(
      'SELECT totp_confirmed_at FROM accounts WHERE lower(email) = $1',
      [person.email],
    );
    expect(account.totp_confirmed_at).toBeNull();
  });

  it('limits parallel wrong TOTP codes at sign-in; mfa_required costs nothing', async () => {
    const { person, codes } = await enrolled();
    // The password alone is not a failed attempt: mfa_required, as often as asked.
    for (let i = 0; i < LIMIT + 2; i++)
      expectProblem(
        await login(t, { email: person.email, password: PASSWORD }),
        401,
        'mfa_required',
      );
    const wrong = wrongCode(codes);
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, () =>
        login(t, { email: person.email, password: PASSWORD, totp: wrong }),
      ),
    );
    expectRefusedUnchecked(answers, 'mfa_invalid');
    expectProblem(
      await login(t, { email: person.email, password: PASSWORD, totp: codes.code() }),
      429,
      'too_many_attempts',
    );
  });

  it('limits parallel wrong recovery codes at sign-in and when turning TOTP off', async () => {
    const { person, recoveryCodes } = await enrolled();
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        login(t, {
          email: person.email,
          password: PASSWORD,
          recoveryCode: `aaaaa-bbbbb-ccccc-ddddd-${String(i).padStart(5, 'e')}`,
        }),
      ),
    );
    expectRefusedUnchecked(answers, 'mfa_invalid');
    // The second factor's budget is the account's, whichever route spends it.
    expectProblem(
      await t.request('DELETE', '/api/v1/me/mfa/totp', {
        token: person.accessToken,
        body: { code: recoveryCodes[0] },
      }),
      429,
      'too_many_attempts',
    );

    const second = await enrolled();
    const disable = (code: string) =>
      t.request('DELETE', '/api/v1/me/mfa/totp', {
        token: second.person.accessToken,
        body: { code },
      });
    const wrong = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => disable(`zzzzz-${String(i).padStart(5, 'y')}`)),
    );
    expectRefusedUnchecked(wrong, 'mfa_invalid');
    expectProblem(await disable(second.recoveryCodes[0]!), 429, 'too_many_attempts');
    // Nothing was consumed or turned off.
    const [row] = await t.sql(
      `SELECT a.totp_confirmed_at IS NOT NULL AS on,
              (SELECT count(*)::int FROM recovery_codes r WHERE r.account_id = a.id AND r.used_at IS NULL) AS unused
         FROM accounts a WHERE lower(a.email) = $1`,
      [second.person.email],
    );
    expect(row).toEqual({ on: true, unused: 10 });
  });

  it('exports sign-in, lockout and MFA counters', async () => {
    const metrics = await t.request('GET', '/metrics', { token: null });
    expect(metrics.status).toBe(200);
    for (const line of [
      /^identity_auth_sign_ins_total\{method="password",result="success"\} [1-9]/m,
      /^identity_auth_sign_ins_total\{method="password",result="failure"\} [1-9]/m,
      /^identity_auth_sign_ins_total\{method="password",result="locked"\} [1-9]/m,
      /^identity_auth_sign_ins_total\{method="password",result="mfa_required"\} [1-9]/m,
      /^identity_auth_lockouts_total\{kind="account"\} [1-9]/m,
      /^identity_auth_lockouts_total\{kind="password"\} [1-9]/m,
      /^identity_auth_lockouts_total\{kind="mfa"\} [1-9]/m,
      /^identity_auth_mfa_challenges_total\{result="failure"\} [1-9]/m,
      /^identity_auth_mfa_challenges_total\{result="locked"\} [1-9]/m,
    ])
      expect(metrics.text).toMatch(line);
  });
});
